package config

import (
	"fmt"
	"time"
)

// Duration is a time.Duration written in TOML as a string such as
// "2s" or "5m". A bare number is rejected, because TOML would read it as
// nanoseconds.
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("invalid duration %q: a number needs a unit (ms, s, m or h)", b)
	}
	d.Duration = v
	return nil
}

// MarshalText formats the duration as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}
