package display

import (
	"fmt"
	"strings"
	"time"
)

// Mode is a panel update mode (a waveform on e-paper).
type Mode uint8

// Update modes. The names of INIT, DU, GC16, GL16 and A2 follow the IT8951
// and i.MX EPDC waveform tables; Full and Partial are the two modes of the
// small SPI controllers (SSD1680, UC8179) and of plain LCD framebuffers.
const (
	ModeNone    Mode = iota // no mode; the zero value
	ModeINIT                // clears the panel to white with several flashes
	ModeDU                  // direct update: black and white, no flash
	ModeGC16                // 16 gray levels, flashing
	ModeGL16                // 16 gray levels, no flash on white areas
	ModeA2                  // fastest black and white, no flash
	ModeFull                // full refresh of an SPI controller, flashing
	ModePartial             // partial refresh of an SPI controller
)

var modeNames = [...]string{
	ModeNone:    "none",
	ModeINIT:    "INIT",
	ModeDU:      "DU",
	ModeGC16:    "GC16",
	ModeGL16:    "GL16",
	ModeA2:      "A2",
	ModeFull:    "full",
	ModePartial: "partial",
}

// String returns the mode's name as the refresh log writes it.
func (m Mode) String() string {
	if int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("Mode(%d)", m)
}

// ParseMode returns the mode named s, ignoring case.
func ParseMode(s string) (Mode, error) {
	for m, name := range modeNames {
		if m != 0 && strings.EqualFold(name, s) {
			return Mode(m), nil
		}
	}
	return ModeNone, fmt.Errorf("display: unknown update mode %q: use one of INIT, DU, GC16, GL16, A2, full, partial", s)
}

// ModeSpec describes one update mode of a panel: what it shows and what
// it costs. The refresh cost of a region is Fixed plus PerByte for each
// byte sent at the panel's depth.
type ModeSpec struct {
	Mode Mode

	// Flash is true when the update inverts the pixels it drives, which
	// removes ghosting and is visible to the user.
	Flash bool

	// Levels is the number of gray levels the mode shows: 2 for A2, DU and
	// the partial modes of 1-bit controllers.
	Levels int

	// Fixed is the waveform time, paid once per refresh.
	Fixed time.Duration

	// PerByte is the transfer time for each byte of the region.
	PerByte time.Duration

	// AlignX, when not zero, replaces the panel's x alignment for this
	// mode (A2 on the IT8951 6" panel needs 32 px).
	AlignX int

	// AlignY, when not zero, replaces the panel's y alignment for this
	// mode; Rotate moves AlignX here on panels turned by 90 or 270
	// degrees.
	AlignY int
}

// Cost returns the modelled time to send n bytes and run the waveform.
func (s ModeSpec) Cost(n int) time.Duration {
	return s.Fixed + time.Duration(n)*s.PerByte
}
