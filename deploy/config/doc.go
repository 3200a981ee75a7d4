// Package config reads, checks and saves einkterm's TOML configuration
// file, einkterm.toml.
//
// On the appliance the file sits on the boot partition
// (/boot/firmware/einkterm.toml or /boot/einkterm.toml), so it can be
// edited from any computer that reads the SD card. On a desktop it is
// os.UserConfigDir()/einkterm/einkterm.toml. The --config flag and the
// EINKTERM_CONFIG variable name another file.
//
// A broken file never stops einkterm. Load returns the defaults for
// every setting it could not use, together with an Errors value that
// names the file, the line, the key and the accepted values. The command
// shows these problems on the panel itself.
//
// Save writes atomically: a temporary file in the same folder is written,
// synced and renamed over the old one, so a crash or a full card leaves
// either the old file or the new one, never half of each.
package config
