package emu

import (
	"image"
	"time"
)

func (e *IT8951) startLoad(arg uint16, area image.Rectangle) {
	e.Loads++
	if e.engineBusy() {
		e.add("image load while the display engine is busy: poll LUTAFSR first")
	}
	addr := uint32(e.regs[itLISARHi])<<16 | uint32(e.regs[itLISARLo])
	if addr != e.Addr {
		e.add("image load at address 0x%08X, buffer is 0x%08X", addr, e.Addr)
	}
	bpp := [4]int{2, 3, 4, 8}[arg>>4&3]
	if bpp == 3 || arg&3 != 0 {
		e.add("load argument 0x%04X: 3 bpp and rotation are not emulated", arg)
		return
	}
	ppw := 16 / bpp
	if area.Min.X%ppw != 0 || area.Dx()%ppw != 0 {
		e.add("load area %v at %d bpp: x and width must be multiples of %d", area, bpp, ppw)
	}
	if !area.In(image.Rect(0, 0, e.Width, e.Height)) || area.Empty() {
		e.add("load area %v outside the %dx%d buffer", area, e.Width, e.Height)
		return
	}
	pad := area.Min.X % ppw
	e.load = &itLoad{area: area, bpp: bpp, bigEndian: arg>>8&1 == 1,
		rowWords: (pad + area.Dx() + ppw - 1) / ppw, firstAlign: pad}
}

// pixels stores the pixels of one image word.
func (e *IT8951) pixels(v uint16) {
	l := e.load
	row, col := l.next/l.rowWords, l.next%l.rowWords
	l.next++
	if row >= l.area.Dy() {
		if row == l.area.Dy() && col == 0 {
			e.add("more image words than the load area %v holds", l.area)
		}
		return
	}
	ppw, mask := 16/l.bpp, uint16(1)<<l.bpp-1
	for i := 0; i < ppw; i++ {
		x := l.area.Min.X - l.firstAlign + col*ppw + i
		if x < l.area.Min.X || x >= l.area.Max.X {
			continue
		}
		shift := l.bpp * i
		if l.bigEndian {
			shift = 16 - l.bpp*(i+1)
		}
		p := int(v >> shift & mask)
		e.mem[(l.area.Min.Y+row)*e.Width+x] = byte(p * 255 / int(mask))
	}
}

func (e *IT8951) endLoad() {
	if e.load == nil {
		e.add("LD_IMG_END without a load")
		return
	}
	if want := e.load.rowWords * e.load.area.Dy(); e.load.next < want {
		e.add("image load of %d words, area %v needs %d", e.load.next, e.load.area, want)
	}
	e.load = nil
}

// display copies area r of the image buffer to the panel with mode m.
func (e *IT8951) display(r image.Rectangle, m uint16) {
	name := e.ModeName(m)
	if e.engineBusy() {
		e.add("display while the engine is busy: poll LUTAFSR first")
	}
	if !r.In(image.Rect(0, 0, e.Width, e.Height)) || r.Empty() {
		e.add("display area %v outside the %dx%d panel", r, e.Width, e.Height)
		return
	}
	oneBit := e.OneBit()
	if e.m641() && (name == "A2" || oneBit) && (r.Min.X%32 != 0 || r.Dx()%32 != 0) {
		e.add("%s display of %v on %s: x and width must be multiples of 32", name, r, e.LUT)
	}
	if oneBit && (r.Min.X%16 != 0 || r.Dx()%16 != 0) {
		e.add("1-bit display of %v: x and width must be multiples of 16", r)
	}
	changed := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			v := waveform(name, e.source(x, y, oneBit))
			if e.panel[y*e.Width+x] != v {
				changed++
				e.panel[y*e.Width+x] = v
			}
		}
	}
	d, ok := itModeTime[name]
	if !ok {
		d = 450 * time.Millisecond
	}
	e.Log = append(e.Log, Refresh{At: e.Clock.Now(), Busy: d, Mode: name, Rect: r, Changed: changed})
	e.busyUntil = e.Clock.Now().Add(d)
}

// source returns the 4-bit gray level of pixel (x, y) in the buffer. In
// 1-bit mode each buffer byte holds 8 pixels, bit 0 leftmost, and BGVR
// gives the 8-bit gray of a 1 bit (low byte) and a 0 bit (high byte).
func (e *IT8951) source(x, y int, oneBit bool) uint8 {
	if !oneBit {
		return e.mem[y*e.Width+x] >> 4
	}
	b := e.mem[y*e.Width+x/8]
	bgvr := e.regs[itBGVR]
	if b>>(x%8)&1 == 1 {
		return uint8(bgvr) >> 4
	}
	return uint8(bgvr>>8) >> 4
}

// waveform returns the level that mode name leaves for source level v.
func waveform(name string, v uint8) uint8 {
	switch name {
	case "INIT":
		return 15
	case "DU", "A2":
		if v >= 8 {
			return 15
		}
		return 0
	case "DU4":
		return v >> 2 * 5
	}
	return v
}
