package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// FileName is the name of the config file in every place it is looked
// for.
const FileName = "einkterm.toml"

// EnvVar names a config file and overrides the search.
const EnvVar = "EINKTERM_CONFIG"

// BootPaths are the places of the config file on the appliance: the
// boot partition as Raspberry Pi OS Bookworm mounts it, then as older
// Pi OS releases and BeagleBone Debian mount it.
var BootPaths = []string{"/boot/firmware/" + FileName, "/boot/" + FileName}

// Place is the location of the config file, found or not.
type Place struct {
	Path string
	// Found reports whether the file exists. When it does not, Path is
	// where a saved configuration goes.
	Found bool
	// Source is "flag", "env", "boot" or "user".
	Source string
}

// Locator finds the config file. Its fields default to the real
// environment, so the zero value is ready to use.
type Locator struct {
	Getenv        func(string) string    // nil means os.Getenv
	UserConfigDir func() (string, error) // nil means os.UserConfigDir
	BootPaths     []string               // nil means BootPaths
}

// Locate returns the config file to use: flagPath when it is set, then
// $EINKTERM_CONFIG, then the boot partition, then the user's config
// folder. A file named by the flag or the variable must exist.
func (l Locator) Locate(flagPath string) (Place, error) {
	getenv, userDir, boot := l.Getenv, l.UserConfigDir, l.BootPaths
	if getenv == nil {
		getenv = os.Getenv
	}
	if userDir == nil {
		userDir = os.UserConfigDir
	}
	if boot == nil {
		boot = BootPaths
	}

	for _, named := range []Place{{Path: flagPath, Source: "flag"}, {Path: getenv(EnvVar), Source: "env"}} {
		if named.Path == "" {
			continue
		}
		if _, err := os.Stat(named.Path); err != nil {
			return named, wrapMissing(err, named)
		}
		named.Found = true
		return named, nil
	}

	for _, p := range boot {
		if exists(p) {
			return Place{Path: p, Found: true, Source: "boot"}, nil
		}
	}
	dir, err := userDir()
	if err != nil {
		return Place{}, errors.New("config: no config file on the boot partition and no user config folder: set " + EnvVar + " or pass --config")
	}
	p := filepath.Join(dir, "einkterm", FileName)
	return Place{Path: p, Found: exists(p), Source: "user"}, nil
}

func wrapMissing(err error, place Place) error {
	flagName := "--config"
	if place.Source == "env" {
		flagName = "$" + EnvVar
	}
	return fmt.Errorf("config: %s names %s: %w; create the file or fix the path",
		flagName, place.Path, err)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
