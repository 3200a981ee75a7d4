package emu

import (
	"image"
	"strings"
	"time"

	"periph.io/x/conn/v3/gpio"
)

// IT8951 emulates an IT8951 controller. The host sends packets of 16-bit
// words, each starting with a preamble (0x6000 command, 0x0000 write,
// 0x1000 read). Images load into a buffer at 2, 4 or 8 bits per pixel,
// or at 1 bit through the 8-bit path, and display commands copy an area
// of the buffer to the panel with a waveform.
type IT8951 struct {
	faults
	Clock *Clock
	RST   *OutPin
	HRDY  *InPin // high when ready

	// StuckHRDY keeps HRDY low whatever happens. StuckUntilReset keeps
	// it low until the next hardware reset.
	StuckHRDY       bool
	StuckUntilReset bool

	// StuckEngine keeps LUTAFSR busy whatever happens, as a display
	// engine that never finishes after a power brown-out.
	StuckEngine bool

	Width, Height int
	Addr          uint32 // image buffer address
	Firmware, LUT string // as GET_DEV_INFO returns them
	VCOM          uint16 // |VCOM| in mV

	mem    []byte // image buffer, one byte per 8-bit pixel
	panel  []byte // gray levels shown, 0 black to 15 white
	Log    []Refresh
	Resets int
	Loads  int // LD_IMG_AREA and LD_IMG commands seen

	regs      map[uint16]uint16
	cmd       uint16
	args      []uint16
	want      int
	load      *itLoad
	reply     []uint16
	asleep    bool
	busyUntil time.Time
}

// itLoad is an image load in progress.
type itLoad struct {
	area       image.Rectangle // in pixels of the load's depth
	bpp        int
	bigEndian  bool
	rowWords   int
	next       int // words received
	firstAlign int // pixels of padding before x in each row's first word
}

const (
	itLISARLo = 0x0208
	itLISARHi = 0x020A
	itUP1SRHi = 0x113A
	itLUTAFSR = 0x1224
	itBGVR    = 0x1250
)

// itArgs is the number of arguments of each command; VCOM takes one or
// two (see vcomArgs).
var itArgs = map[uint16]int{
	0x0001: 0, 0x0002: 0, 0x0003: 0, 0x0010: 1, 0x0011: 2, 0x0020: 1,
	0x0021: 5, 0x0022: 0, 0x0034: 5, 0x0037: 7, 0x0039: 1, 0x0040: 2,
	0x0302: 0,
}

// NewIT8951 returns an emulator for a panel of w x h pixels whose
// waveform table is lut, such as "M641" for the 6" panel or
// "M841_TFA5210" for the 10.3". The panel shows a stale pattern.
func NewIT8951(clock *Clock, w, h int, lut string) *IT8951 {
	e := &IT8951{Clock: clock, Width: w, Height: h, Addr: 0x001236E0,
		Firmware: "SWv_0.1.1", LUT: lut, VCOM: 1500}
	e.RST = NewOutPin("RST", 17)
	e.RST.OnOut = e.onReset
	e.HRDY = NewInPin("HRDY", 24, e.hrdyLevel)
	e.mem = make([]byte, w*h)
	e.panel = make([]byte, w*h)
	for i := range e.panel {
		e.panel[i] = byte(i*7) & 15
	}
	e.hardReset()
	return e
}

// Port returns a Port that feeds this emulator and advances its clock
// by the time of each transfer.
func (e *IT8951) Port() *Port { return &Port{Dev: e, Clock: e.Clock} }

// Size returns the panel size in pixels.
func (e *IT8951) Size() (int, int) { return e.Width, e.Height }

// Level returns the gray level shown at (x, y), 0 black to 15 white.
func (e *IT8951) Level(x, y int) uint8 { return e.panel[y*e.Width+x] }

// OneBit reports whether 1-bit display mode (UP1SR bit 18) is on.
func (e *IT8951) OneBit() bool { return e.regs[itUP1SRHi]&4 != 0 }

// ModeName returns the waveform name of display mode m for this LUT:
// M641 firmware has A2 at 4, the others (M841_TFAB512 too) at 6.
func (e *IT8951) ModeName(m uint16) string {
	names := []string{"INIT", "DU", "GC16", "GL16", "GLR16", "GLD16", "A2", "DU4"}
	if strings.HasPrefix(e.LUT, "M641") {
		names[4], names[6] = "A2", "mode6"
	}
	if int(m) < len(names) {
		return names[m]
	}
	return "unknown"
}

// m641 reports whether the panel needs x and width of A2 and 1-bit
// updates in multiples of 32 pixels.
func (e *IT8951) m641() bool {
	return strings.HasPrefix(e.LUT, "M641") || strings.HasPrefix(e.LUT, "M841_TFAB512")
}

func (e *IT8951) hrdyLevel() gpio.Level {
	if e.StuckHRDY || e.StuckUntilReset {
		return gpio.Low
	}
	return gpio.High
}

func (e *IT8951) onReset(l gpio.Level) {
	if l == gpio.Low {
		e.Resets++
		e.StuckUntilReset = false
		e.hardReset()
	}
}

func (e *IT8951) hardReset() {
	e.regs = map[uint16]uint16{}
	e.cmd, e.args, e.want, e.load, e.reply = 0, nil, -1, nil, nil
	e.asleep, e.busyUntil = false, time.Time{}
}

func (e *IT8951) engineBusy() bool { return e.Clock.Now().Before(e.busyUntil) }

// Tx decodes one packet: a preamble word and the words that follow.
func (e *IT8951) Tx(w, r []byte) error {
	if e.StuckHRDY || e.StuckUntilReset {
		e.add("transfer while HRDY is low")
	}
	if len(w) < 2 || len(w)%2 != 0 {
		e.add("packet of %d bytes: expected a preamble and whole words", len(w))
		return nil
	}
	pre := uint16(w[0])<<8 | uint16(w[1])
	words := w[2:]
	switch pre {
	case 0x6000:
		for i := 0; i+1 < len(words); i += 2 {
			e.command(uint16(words[i])<<8 | uint16(words[i+1]))
		}
	case 0x0000:
		for i := 0; i+1 < len(words); i += 2 {
			e.word(uint16(words[i])<<8 | uint16(words[i+1]))
		}
	case 0x1000:
		e.read(w, r)
	default:
		e.add("unknown preamble 0x%04X", pre)
	}
	return nil
}

// read replies to a read packet: two dummy bytes, then the queued words.
func (e *IT8951) read(w, r []byte) {
	if len(r) < len(w) {
		e.add("read packet without a receive buffer")
		return
	}
	n := (len(w) - 4) / 2
	if n > len(e.reply) {
		e.add("read of %d words, %d queued", n, len(e.reply))
	}
	r[0], r[1], r[2], r[3] = 0, 0, 0, 0
	for i := 0; i < n; i++ {
		v := uint16(0)
		if i < len(e.reply) {
			v = e.reply[i]
		}
		r[4+2*i], r[5+2*i] = byte(v>>8), byte(v)
	}
	e.reply = e.reply[min(n, len(e.reply)):]
}
