package display

import (
	"context"
	"image"
	"time"
)

// Panel is an output device: an e-paper controller, a framebuffer, the
// simulator window or the headless recorder.
//
// Refresh sends region r of frame f and starts an update in mode m. The
// frame has the geometry and depth that Info reports, and r lies inside
// it and meets the alignment for m. Refresh has read what it needs from f
// when it returns. The update itself may still run, and Wait blocks until
// the panel can take the next refresh.
type Panel interface {
	Info() Info
	Refresh(f *Frame, r image.Rectangle, m Mode) error
	Wait(ctx context.Context) error
	Busy() bool
	Sleep() error
	Wake() error
	Close() error
}

// Info describes a panel: its geometry, modes and costs, from which the
// refresh loop plans refreshes.
type Info struct {
	// Name is the panel profile, such as "2in13" or "it8951-10in3".
	Name string

	// Width and Height are the panel's size in pixels as frames are drawn.
	Width, Height int

	// Depth is the bits per pixel of the frames the panel takes: 1, 2, 4
	// or 8 (8 for colour LCDs, which show the gray frame).
	Depth int

	// DPI is the panel's resolution in pixels per inch, from which the
	// terminal picks its font size; zero means unknown.
	DPI int

	// Align is the alignment of a refresh window.
	Align Align

	// AlignOrigin is a point on the alignment grid; zero puts the grid at
	// the panel's top-left corner. Rotate sets it when the native size is
	// not a multiple of the alignment, so that the grid follows the
	// native panel's edges.
	AlignOrigin image.Point

	// MinSize is the smallest region the panel accepts; zero means 1x1.
	MinSize image.Point

	// Modes lists the update modes the panel has, fastest first.
	Modes []ModeSpec

	// Concurrent is true when disjoint regions may refresh at the same
	// time, so several regions cost their transfers but one waveform.
	Concurrent bool

	// Flashes is false for panels that never flash (LCDs), where the
	// refresh loop must not schedule cleaning refreshes.
	Flashes bool
}

// Align is the alignment of a refresh window: its left edge and width are
// multiples of X, its top edge and height multiples of Y. Zero means 1.
type Align struct {
	X, Y int
}

// Bounds returns the panel's rectangle.
func (i Info) Bounds() image.Rectangle {
	return image.Rect(0, 0, i.Width, i.Height)
}

// Spec returns the specification of mode m and whether the panel has it.
func (i Info) Spec(m Mode) (ModeSpec, bool) {
	for _, s := range i.Modes {
		if s.Mode == m {
			return s, true
		}
	}
	return ModeSpec{}, false
}

// FastMode returns the cheapest non-flashing mode that shows at least
// levels gray levels, or the first mode when none qualifies.
func (i Info) FastMode(levels int) ModeSpec {
	best, found := ModeSpec{}, false
	for _, s := range i.Modes {
		if s.Flash || s.Levels < levels {
			continue
		}
		if !found || s.Fixed < best.Fixed {
			best, found = s, true
		}
	}
	if !found && len(i.Modes) > 0 {
		return i.Modes[0]
	}
	return best
}

// CleanMode returns the mode that removes ghosting: the cheapest flashing
// mode with the most gray levels. The second result is false on panels
// with no flashing mode.
func (i Info) CleanMode() (ModeSpec, bool) {
	best, found := ModeSpec{}, false
	for _, s := range i.Modes {
		if !s.Flash || s.Mode == ModeINIT {
			continue
		}
		better := s.Levels > best.Levels ||
			(s.Levels == best.Levels && s.Fixed < best.Fixed)
		if !found || better {
			best, found = s, true
		}
	}
	return best, found
}

// RegionBytes returns the bytes sent for region r at the panel's depth.
func (i Info) RegionBytes(r image.Rectangle) int {
	return (r.Dx()*i.Depth + 7) / 8 * r.Dy()
}

// Cost returns the modelled time of refreshing r in mode m.
func (i Info) Cost(r image.Rectangle, m Mode) time.Duration {
	s, _ := i.Spec(m)
	return s.Cost(i.RegionBytes(r))
}

// Keyboard is implemented by panels that have a keyboard of their own,
// such as the simulator window. Input returns the bytes typed, encoded
// as a terminal sends them; the channel is closed when the user closes
// the panel, which ends the session.
type Keyboard interface {
	Input() <-chan []byte
}
