package emu

import (
	"image"
	"time"

	"periph.io/x/conn/v3/gpio"
)

// SSD1680 emulates an SSD1680 or SSD1675A controller with a 122x250 panel,
// as on the Waveshare 2.13" HATs. Its RAM is 16 bytes (128 px) by 250
// lines, 1 bit per pixel, bit 7 first, 1 for white.
type SSD1680 struct {
	faults
	Clock *Clock
	DC    *OutPin
	RST   *OutPin
	BUSY  *InPin // high while busy

	// StuckBusy keeps BUSY high whatever happens, as with a loose cable.
	// StuckUntilReset keeps it high until the next hardware reset.
	StuckBusy       bool
	StuckUntilReset bool

	BW, RED [ssdRAMBytes]byte // the "new" (0x24) and "old" (0x26) RAM
	panel   [ssdRAMBytes]byte // image on the panel
	Log     []Refresh
	Resets  int // hardware reset pulses seen

	cmd       byte
	args      []byte
	xs, xe    int // RAM X window, bytes
	ys, ye    int // RAM Y window, lines
	xc, yc    int // RAM counters
	entry     byte
	ctrl2     byte
	ram       *[ssdRAMBytes]byte
	lut       bool // a LUT is loaded (from OTP or register 0x32)
	sleeping  bool
	busyUntil time.Time
}

const (
	ssdWidth    = 122
	ssdHeight   = 250
	ssdRowBytes = 16
	ssdRAMBytes = ssdRowBytes * ssdHeight
)

// ssdLen is the number of data bytes of each known command; -1 means any
// number, as for RAM writes and the LUT.
var ssdLen = map[byte]int{
	0x01: 3, 0x03: 1, 0x04: 3, 0x10: 1, 0x11: 1, 0x12: 0, 0x18: 1,
	0x1A: 2, 0x20: 0, 0x21: -1, 0x22: 1, 0x24: -1, 0x26: -1, 0x2C: 1,
	0x32: -1, 0x37: -1, 0x3A: 1, 0x3B: 1, 0x3C: 1, 0x3F: 1, 0x44: 2,
	0x45: 4, 0x4E: 1, 0x4F: 2, 0x74: 1, 0x7E: 1,
}

// NewSSD1680 returns an emulator whose panel shows a stale pattern, as a
// panel may after a cold boot, and whose RAM is all black.
func NewSSD1680(clock *Clock) *SSD1680 {
	e := &SSD1680{Clock: clock}
	e.DC = NewOutPin("DC", 25)
	e.RST = NewOutPin("RST", 17)
	e.RST.OnOut = e.onReset
	e.BUSY = NewInPin("BUSY", 24, e.busyLevel)
	for i := range e.panel {
		e.panel[i] = 0xA5
	}
	e.hardReset()
	return e
}

// Port returns a Port that feeds this emulator and advances its clock
// by the time of each transfer.
func (e *SSD1680) Port() *Port { return &Port{Dev: e, Clock: e.Clock} }

// Size returns the panel size in native pixels.
func (e *SSD1680) Size() (int, int) { return ssdWidth, ssdHeight }

// Pixel reports whether the panel shows native pixel (x, y) white.
func (e *SSD1680) Pixel(x, y int) bool {
	return e.panel[y*ssdRowBytes+x/8]&(0x80>>(x%8)) != 0
}

func (e *SSD1680) busyLevel() gpio.Level {
	if e.StuckBusy || e.StuckUntilReset || e.Clock.Now().Before(e.busyUntil) {
		return gpio.High
	}
	return gpio.Low
}

func (e *SSD1680) busy(d time.Duration) {
	e.busyUntil = e.Clock.Now().Add(d)
}

func (e *SSD1680) onReset(l gpio.Level) {
	if l == gpio.Low {
		e.Resets++
		e.StuckUntilReset = false
		e.hardReset()
	}
}

func (e *SSD1680) hardReset() {
	e.cmd, e.args = 0, nil
	e.xs, e.xe, e.ys, e.ye = 0, ssdRowBytes-1, 0, ssdHeight-1
	e.xc, e.yc, e.entry = 0, 0, 0x03
	e.ram, e.lut, e.sleeping = nil, false, false
	e.busyUntil = time.Time{}
}

// Tx decodes one transfer: a command byte when DC is low, data when high.
func (e *SSD1680) Tx(w, r []byte) error {
	if e.DC.Read() == gpio.Low {
		for _, c := range w {
			e.command(c)
		}
		return nil
	}
	for _, b := range w {
		e.data(b)
	}
	return nil
}

func (e *SSD1680) command(c byte) {
	e.finish()
	if e.sleeping {
		e.add("command 0x%02X in deep sleep: only a hardware reset wakes the controller", c)
		return
	}
	if e.busyLevel() == gpio.High {
		e.add("command 0x%02X while BUSY is high", c)
	}
	if _, ok := ssdLen[c]; !ok {
		e.add("unknown command 0x%02X", c)
	}
	e.cmd, e.args = c, e.args[:0]
	switch c {
	case 0x12:
		e.hardReset()
		e.cmd = 0x12
		e.busy(2 * time.Millisecond)
	case 0x20:
		e.activate()
	case 0x24:
		e.ram = &e.BW
	case 0x26:
		e.ram = &e.RED
	}
}

func (e *SSD1680) data(b byte) {
	if e.sleeping || e.cmd == 0 {
		e.add("data byte 0x%02X with no command", b)
		return
	}
	if e.ram != nil && (e.cmd == 0x24 || e.cmd == 0x26) {
		e.writeRAM(b)
		return
	}
	e.args = append(e.args, b)
	if n := ssdLen[e.cmd]; n >= 0 && len(e.args) > n {
		e.add("command 0x%02X: %d data bytes, expected %d", e.cmd, len(e.args), n)
	}
}

// finish applies the arguments of the command that the next one ends.
func (e *SSD1680) finish() {
	a := e.args
	if n, ok := ssdLen[e.cmd]; ok && n > 0 && len(a) < n {
		e.add("command 0x%02X: %d data bytes, expected %d", e.cmd, len(a), n)
		return
	}
	switch e.cmd {
	case 0x10:
		e.sleeping = a[0]&0x03 != 0
	case 0x11:
		e.entry = a[0]
	case 0x22:
		e.ctrl2 = a[0]
	case 0x32:
		e.lut = len(a) >= 70
		if len(a) != 153 && len(a) != 70 {
			e.add("LUT of %d bytes: SSD1680 takes 153, SSD1675A 70", len(a))
		}
	case 0x44:
		e.xs, e.xe = int(a[0]&0x1F), int(a[1]&0x1F)
	case 0x45:
		e.ys, e.ye = int(a[0])|int(a[1]&1)<<8, int(a[2])|int(a[3]&1)<<8
	case 0x4E:
		e.xc = int(a[0] & 0x1F)
	case 0x4F:
		e.yc = int(a[0]) | int(a[1]&1)<<8
	}
}

// writeRAM stores b at the counters and steps them inside the window
// in the direction that data entry mode (0x11) sets, X first.
func (e *SSD1680) writeRAM(b byte) {
	if e.xc < ssdRowBytes && e.yc < ssdHeight {
		e.ram[e.yc*ssdRowBytes+e.xc] = b
	} else {
		e.add("RAM write outside the RAM at x byte %d, line %d", e.xc, e.yc)
	}
	if e.entry&0x04 != 0 {
		e.add("data entry 0x%02X steps Y first; not emulated", e.entry)
	}
	e.xc = step(e.xc, e.xs, e.xe, e.entry&1 != 0)
	if e.xc == windowStart(e.xs, e.xe, e.entry&1 != 0) {
		e.yc = step(e.yc, e.ys, e.ye, e.entry&2 != 0)
	}
}

// step moves a counter one place inside the window [a, b] (or [b, a]),
// wrapping at the end.
func step(c, a, b int, up bool) int {
	if up {
		if c >= max(a, b) {
			return min(a, b)
		}
		return c + 1
	}
	if c <= min(a, b) {
		return max(a, b)
	}
	return c - 1
}

func windowStart(a, b int, up bool) int {
	if up {
		return min(a, b)
	}
	return max(a, b)
}

// activate runs the sequence that update control 2 (0x22) selects.
func (e *SSD1680) activate() {
	v := e.ctrl2
	if v&0x10 != 0 {
		e.lut = true
	}
	if v&0x04 == 0 {
		e.busy(100 * time.Millisecond)
		return
	}
	if !e.lut {
		e.add("display update 0x%02X with no LUT loaded", v)
	}
	mode2 := v&0x08 != 0
	changed, box := 0, image.Rectangle{}
	for y := 0; y < ssdHeight; y++ {
		for x := 0; x < ssdWidth; x++ {
			i, bit := y*ssdRowBytes+x/8, byte(0x80>>(x%8))
			nw := e.BW[i] & bit
			if mode2 && nw == e.RED[i]&bit {
				continue
			}
			if e.panel[i]&bit != nw {
				changed++
				box = box.Union(image.Rect(x, y, x+1, y+1))
				e.panel[i] = e.panel[i]&^bit | nw
			}
		}
	}
	d, mode := 3500*time.Millisecond, "full"
	if mode2 {
		d, mode = 460*time.Millisecond, "partial"
	}
	e.Log = append(e.Log, Refresh{At: e.Clock.Now(), Busy: d, Mode: mode,
		Rect: box, Changed: changed})
	e.busy(d)
}
