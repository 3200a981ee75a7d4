// Package deploy holds the files that einkterm installs on an appliance:
// the example configuration and the systemd unit. Subpackages read and
// write the configuration (config) and write them into an SD card image
// (image).
package deploy

import _ "embed"

// ExampleConfig is the shipped einkterm.toml, with every setting at its
// default and a comment on each.
//
//go:embed einkterm.toml
var ExampleConfig []byte

// SystemdUnit is einkterm.service, which starts einkterm at boot.
//
//go:embed systemd/einkterm.service
var SystemdUnit []byte

// UnitName is the systemd unit's file name.
const UnitName = "einkterm.service"
