package emu

import (
	"fmt"
	"image"
	"time"
)

// Refresh is one panel update as an emulator saw it.
type Refresh struct {
	At      time.Time       // when the update started, in virtual time
	Busy    time.Duration   // how long the controller stayed busy
	Mode    string          // "full", "partial" or an IT8951 waveform name
	Rect    image.Rectangle // the area the update drove, in native pixels
	Changed int             // pixels whose shown value changed
}

// faults collects protocol errors that an emulator saw.
type faults struct {
	list []string
}

func (f *faults) add(format string, args ...any) {
	if len(f.list) < 100 {
		f.list = append(f.list, fmt.Sprintf(format, args...))
	}
}

// Faults returns the protocol errors seen so far: commands the
// references never send in that state, such as data for an unknown
// command or a command while the controller is busy.
func (f *faults) Faults() []string { return f.list }
