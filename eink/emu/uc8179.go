package emu

import (
	"image"
	"time"

	"periph.io/x/conn/v3/gpio"
)

// UC8179 emulates a UC8179 (GD7965) controller with an 800x480 panel, as
// on the Waveshare 7.5" V2 HAT. Frames are 1 bit per pixel, bit 7 first,
// 100 bytes per row. After a refresh a pixel shows white when its NEW
// bit equals bit 0 of the data polarity (DDX) in register 0x50.
type UC8179 struct {
	faults
	Clock *Clock
	DC    *OutPin
	RST   *OutPin
	BUSY  *InPin // low while busy

	// StuckBusy keeps BUSY low whatever happens. StuckUntilReset keeps
	// it low until the next hardware reset.
	StuckBusy       bool
	StuckUntilReset bool

	OLD, NEW [ucBytes]byte // data transmission 1 (0x10) and 2 (0x13)
	panel    [ucBytes]byte // 1 = white
	Log      []Refresh
	Resets   int

	cmd       byte
	inCmd     bool // a command byte arrived since the last reset
	args      []byte
	pos       int // next byte of the current DTM transfer
	cdi       [2]byte
	psr       byte
	window    image.Rectangle // from 0x90, in pixels
	partial   bool            // between 0x91 and 0x92
	powered   bool
	sleeping  bool
	busyUntil time.Time
}

const (
	ucWidth    = 800
	ucHeight   = 480
	ucRowBytes = ucWidth / 8
	ucBytes    = ucRowBytes * ucHeight
)

// ucLen is the number of data bytes of each known command; -1 means any.
var ucLen = map[byte]int{
	0x00: 1, 0x01: -1, 0x02: 0, 0x04: 0, 0x06: 4, 0x07: 1, 0x10: -1,
	0x11: 0, 0x12: 0, 0x13: -1, 0x15: 1, 0x20: 42, 0x21: 42, 0x22: 42,
	0x23: 42, 0x24: 42, 0x25: 42, 0x30: 1, 0x50: -1, 0x52: 1, 0x60: 1,
	0x61: 4, 0x65: 4, 0x71: 0, 0x82: 1, 0x90: 9, 0x91: 0, 0x92: 0,
	0xE0: 1, 0xE5: 1,
}

// NewUC8179 returns an emulator whose panel shows a stale pattern.
func NewUC8179(clock *Clock) *UC8179 {
	e := &UC8179{Clock: clock}
	e.DC = NewOutPin("DC", 25)
	e.RST = NewOutPin("RST", 17)
	e.RST.OnOut = e.onReset
	e.BUSY = NewInPin("BUSY", 24, e.busyLevel)
	for i := range e.panel {
		e.panel[i] = 0x5A
	}
	e.hardReset()
	return e
}

// Port returns a Port that feeds this emulator and advances its clock
// by the time of each transfer.
func (e *UC8179) Port() *Port { return &Port{Dev: e, Clock: e.Clock} }

// Size returns the panel size in native pixels.
func (e *UC8179) Size() (int, int) { return ucWidth, ucHeight }

// Pixel reports whether the panel shows native pixel (x, y) white.
func (e *UC8179) Pixel(x, y int) bool {
	return e.panel[y*ucRowBytes+x/8]&(0x80>>(x%8)) != 0
}

func (e *UC8179) busyLevel() gpio.Level {
	if e.StuckBusy || e.StuckUntilReset || e.Clock.Now().Before(e.busyUntil) {
		return gpio.Low
	}
	return gpio.High
}

func (e *UC8179) onReset(l gpio.Level) {
	if l == gpio.Low {
		e.Resets++
		e.StuckUntilReset = false
		e.hardReset()
	}
}

func (e *UC8179) hardReset() {
	e.cmd, e.inCmd, e.args, e.pos = 0, false, nil, 0
	e.cdi = [2]byte{0x10, 0x07}
	e.psr, e.window, e.partial = 0x1F, image.Rectangle{}, false
	e.powered, e.sleeping, e.busyUntil = false, false, time.Time{}
}

// Tx decodes one transfer: command bytes when DC is low, data when high.
func (e *UC8179) Tx(w, r []byte) error {
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

func (e *UC8179) command(c byte) {
	e.finish()
	if e.sleeping {
		e.add("command 0x%02X in deep sleep: only a hardware reset wakes the controller", c)
		return
	}
	if e.busyLevel() == gpio.Low && c != 0x71 {
		e.add("command 0x%02X while BUSY is low", c)
	}
	if _, ok := ucLen[c]; !ok {
		e.add("unknown command 0x%02X", c)
	}
	e.cmd, e.inCmd, e.args, e.pos = c, true, e.args[:0], 0
	switch c {
	case 0x02:
		e.powered = false
		e.busyUntil = e.Clock.Now().Add(40 * time.Millisecond)
	case 0x04:
		e.powered = true
		e.busyUntil = e.Clock.Now().Add(134 * time.Millisecond)
	case 0x12:
		e.refresh()
	case 0x91:
		e.partial = true
	case 0x92:
		e.partial = false
	}
}

func (e *UC8179) data(b byte) {
	if e.sleeping || !e.inCmd {
		e.add("data byte 0x%02X with no command", b)
		return
	}
	if e.cmd == 0x10 || e.cmd == 0x13 {
		e.store(b)
		return
	}
	e.args = append(e.args, b)
	if n := ucLen[e.cmd]; n >= 0 && len(e.args) > n {
		e.add("command 0x%02X: %d data bytes, expected %d", e.cmd, len(e.args), n)
	}
}

// store writes the next byte of a DTM transfer: into the partial window
// row by row after 0x91, else into the whole frame from (0, 0).
func (e *UC8179) store(b byte) {
	ram := &e.NEW
	if e.cmd == 0x10 {
		ram = &e.OLD
	}
	area := image.Rect(0, 0, ucWidth, ucHeight)
	if e.partial && !e.window.Empty() {
		area = e.window
	}
	rowBytes := area.Dx() / 8
	if e.pos >= rowBytes*area.Dy() {
		if e.pos == rowBytes*area.Dy() {
			e.add("command 0x%02X: more data than the %v window holds", e.cmd, area)
		}
		e.pos++
		return
	}
	y := area.Min.Y + e.pos/rowBytes
	x := area.Min.X/8 + e.pos%rowBytes
	ram[y*ucRowBytes+x] = b
	e.pos++
}

func (e *UC8179) finish() {
	a := e.args
	if !e.inCmd {
		return
	}
	if n, ok := ucLen[e.cmd]; ok && n > 0 && len(a) < n {
		e.add("command 0x%02X: %d data bytes, expected %d", e.cmd, len(a), n)
		return
	}
	switch e.cmd {
	case 0x00:
		e.psr = a[0]
	case 0x07:
		e.sleeping = a[0] == 0xA5
		if !e.sleeping {
			e.add("deep sleep check code 0x%02X, expected A5", a[0])
		}
	case 0x50:
		e.setCDI(a)
	case 0x61:
		w, h := int(a[0])<<8|int(a[1]), int(a[2])<<8|int(a[3])
		if w != ucWidth || h != ucHeight {
			e.add("resolution %dx%d, panel is %dx%d", w, h, ucWidth, ucHeight)
		}
	case 0x90:
		e.setWindow(a)
	}
}

func (e *UC8179) setCDI(a []byte) {
	switch len(a) {
	case 1:
		e.cdi[0] = a[0]
	case 2:
		e.cdi = [2]byte{a[0], a[1]}
	default:
		e.add("command 0x50: %d data bytes, expected 1 or 2", len(a))
	}
}

// setWindow decodes PTL: inclusive ends, x ends on 8-pixel bytes.
func (e *UC8179) setWindow(a []byte) {
	x0, x1 := int(a[0])<<8|int(a[1]), int(a[2])<<8|int(a[3])
	y0, y1 := int(a[4])<<8|int(a[5]), int(a[6])<<8|int(a[7])
	if x0%8 != 0 || x1%8 != 7 {
		e.add("partial window x %d..%d: start must end in binary 000, end in 111", x0, x1)
	}
	r := image.Rect(x0&^7, y0, (x1|7)+1, y1+1)
	if !r.In(image.Rect(0, 0, ucWidth, ucHeight)) || r.Empty() {
		e.add("partial window %v outside the panel", r)
		r = r.Intersect(image.Rect(0, 0, ucWidth, ucHeight))
	}
	e.window = r
}

// refresh runs DRF: pixels inside the window in partial mode, else all.
func (e *UC8179) refresh() {
	if !e.powered {
		e.add("refresh (0x12) with the panel power off: send 0x04 first")
	}
	area := image.Rect(0, 0, ucWidth, ucHeight)
	d, mode := 4110*time.Millisecond, "full"
	if e.partial && !e.window.Empty() {
		area = e.window
		// NOTE: 1.58 s is GxEPD2's measured register-LUT refresh; the
		// windowed OTP refresh time of Waveshare's driver is not known.
		d, mode = 1580*time.Millisecond, "partial"
	}
	white := e.cdi[0] & 1
	changed := 0
	for y := area.Min.Y; y < area.Max.Y; y++ {
		for x := area.Min.X; x < area.Max.X; x++ {
			i, sh := y*ucRowBytes+x/8, 7-uint(x%8)
			v := byte(0)
			if e.NEW[i]>>sh&1 == white {
				v = 1
			}
			if e.panel[i]>>sh&1 != v {
				changed++
				e.panel[i] = e.panel[i]&^(1<<sh) | v<<sh
			}
		}
	}
	if e.cdi[0]&0x08 != 0 {
		e.OLD = e.NEW
	}
	e.Log = append(e.Log, Refresh{At: e.Clock.Now(), Busy: d, Mode: mode,
		Rect: area, Changed: changed})
	e.busyUntil = e.Clock.Now().Add(d)
}
