package it8951

import (
	"context"
	"fmt"
	"image"
	"time"

	"periph.io/x/conn/v3/physic"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/eink"
)

// Timings of the waveforms: Waveshare's and PaperTTY's figures for the
// IT8951 and FBInk's for i.MX EPDC panels.
var modeTimes = map[display.Mode]time.Duration{
	display.ModeA2: 120 * time.Millisecond, display.ModeDU: 260 * time.Millisecond,
	display.ModeGL16: 450 * time.Millisecond, display.ModeGC16: 450 * time.Millisecond,
	display.ModeINIT: 2 * time.Second,
}

// newInfo returns the geometry, alignment and cost model. PerByte is the
// transfer time of a byte of the frame: a quarter of it for A2 and DU
// loaded at 1 bit from a 4-bit frame.
func newInfo(o Opts, dev deviceInfo, align32 bool) display.Info {
	name := o.Name
	if name == "" {
		name = fmt.Sprintf("it8951-%dx%d", dev.Width, dev.Height)
	}
	w, h := o.Rotation.Size(dev.Width, dev.Height)
	perByte := time.Duration(8 * float64(time.Second) / float64(o.Hz/physic.Hertz))
	align := 16 / o.Depth
	if o.Depth == 1 {
		align = 16
	}
	bw := align
	bwPerByte := perByte
	if !o.FullDepthBW {
		bw = max(16, align)
		bwPerByte = perByte / time.Duration(o.Depth)
		if align32 {
			bw = 32
		}
	}
	a2 := bw
	if align32 {
		a2 = 32
	}
	spec := func(m display.Mode, flash bool, levels, ax int, pb time.Duration) display.ModeSpec {
		return display.ModeSpec{Mode: m, Flash: flash, Levels: levels, Fixed: modeTimes[m], PerByte: pb, AlignX: ax}
	}
	info := display.Info{
		Name: name, Width: w, Height: h, Depth: o.Depth, Flashes: true,
		Align: display.Align{X: align, Y: 1},
		Modes: []display.ModeSpec{
			spec(display.ModeA2, false, 2, a2, bwPerByte),
			spec(display.ModeDU, false, 2, bw, bwPerByte),
			spec(display.ModeGL16, false, 16, 0, perByte),
			spec(display.ModeGC16, true, 16, 0, perByte),
			spec(display.ModeINIT, true, 2, 0, perByte),
		},
	}
	if o.Rotation == 90 || o.Rotation == 270 {
		// The word alignment applies to native x, which is frame y.
		info.Align = display.Align{X: 1, Y: align}
		for i := range info.Modes {
			if info.Modes[i].AlignX != 0 {
				info.Modes[i].AlignX = 1
				info.Align.Y = max(info.Align.Y, 16)
			}
		}
	}
	return info
}

// Refresh loads region r of f into the controller's buffer and starts an
// update with waveform m. r is grown to whole words in the native layout
// (and to 32 px for A2 and 1-bit loads on 6" panels). The first refresh
// after power-on clears the panel with INIT and then shows the whole
// frame with GC16.
func (d *Dev) Refresh(f *display.Frame, r image.Rectangle, m display.Mode) error {
	if f.Width != d.info.Width || f.Height != d.info.Height || f.Depth != d.info.Depth {
		return fmt.Errorf("it8951: frame %dx%d at %d bpp, panel takes %dx%d at %d bpp",
			f.Width, f.Height, f.Depth, d.info.Width, d.info.Height, d.info.Depth)
	}
	if _, ok := modeTimes[m]; !ok {
		return fmt.Errorf("it8951: mode %s not supported: use INIT, DU, GC16, GL16 or A2", m)
	}
	r = r.Intersect(f.Bounds())
	if r.Empty() {
		return nil
	}
	if err := d.Wake(); err != nil {
		return err
	}
	c := d.bus(context.Background())
	if d.recovered {
		if c.err = d.start(c.ctx); c.err != nil {
			return c.err
		}
		d.cleared = false
	}
	if !d.cleared {
		d.clear(c)
		r, m = f.Bounds(), display.ModeGC16
	}
	d.remember(f, r, m)
	d.show(c, f, r, m)
	if c.err != nil {
		return fmt.Errorf("it8951: %s refresh of %v: %w", m, r, c.err)
	}
	return nil
}

// remember copies region r of f, so that Close can show the last frame
// cleanly, and counts the updates that leave ghosts.
func (d *Dev) remember(f *display.Frame, r image.Rectangle, m display.Mode) {
	if d.last == nil {
		d.last = display.NewFrame(f.Width, f.Height, f.Depth)
	}
	d.last.CopyRect(f, r)
	switch {
	case m == display.ModeA2 || m == display.ModeDU || m == display.ModeGL16:
		d.fast++
	case r == f.Bounds():
		d.fast = 0
	}
}

// clear loads white into the whole buffer and runs INIT.
func (d *Dev) clear(c *bus) {
	white := display.NewFrame(d.dev.Width, d.dev.Height, 4)
	p := packer{f: white, nw: d.dev.Width, nh: d.dev.Height}
	all := image.Rect(0, 0, d.dev.Width, d.dev.Height)
	d.update(c, all, all, arg4BE, p.pack(all, 4), false, 0)
	d.timeout = eink.BusyTimeout(modeTimes[display.ModeINIT])
	d.waitEngine(c)
	if c.err == nil {
		d.cleared = true
	}
}

// show packs and loads the native region of r and displays it.
func (d *Dev) show(c *bus, f *display.Frame, r image.Rectangle, m display.Mode) {
	bits := f.Depth
	if (m == display.ModeA2 || m == display.ModeDU) && !d.opts.FullDepthBW {
		bits = 1
	}
	nw, nh := d.dev.Width, d.dev.Height
	nr := d.opts.Rotation.ToNative(r, nw, nh)
	if d.opts.Mirror {
		nr = image.Rect(nw-nr.Max.X, nr.Min.Y, nw-nr.Min.X, nr.Max.Y)
	}
	if eink.AlignNative(nr, d.alignFor(bits, m), 1).Max.X > nw {
		// The columns past the last whole 32 or 16 px at the right edge
		// of a panel whose width is not a multiple of it cannot take A2
		// or a 1-bit load, so they go as DU at the frame depth.
		bits = f.Depth
		if m == display.ModeA2 {
			m = display.ModeDU
		}
	}
	nr = alignX(nr, d.alignFor(bits, m), nw)
	p := packer{f: f, rot: d.opts.Rotation, nw: nw, nh: nh, mirror: d.opts.Mirror}
	data := p.pack(nr, bits)
	area, arg := nr, uint16(arg4BE)
	switch bits {
	case 1:
		area, arg = image.Rect(nr.Min.X/8, nr.Min.Y, nr.Max.X/8, nr.Max.Y), arg8LE
	case 2:
		arg = arg2LE
	case 8:
		arg = arg8BE
	}
	d.update(c, area, nr, arg, data, bits == 1, d.modeNumber(m))
	d.timeout = eink.BusyTimeout(modeTimes[m])
	d.deadline = d.opts.Clock.Now().Add(modeTimes[m])
	d.log.Debug("it8951: refresh", "mode", m, "rect", nr, "bits", bits, "bytes", len(data))
}

// update waits for the engine, loads data into area and displays nr.
func (d *Dev) update(c *bus, area, nr image.Rectangle, arg uint16, data []byte, oneBit bool, mode uint16) {
	d.waitEngine(c)
	load(c, d.dev.Addr, arg, area, data)
	if oneBit != d.oneBit {
		setOneBit(c, oneBit)
		d.oneBit = oneBit
	}
	displayArea(c, nr, mode)
}

func (d *Dev) modeNumber(m display.Mode) uint16 {
	switch m {
	case display.ModeINIT:
		return 0
	case display.ModeDU:
		return 1
	case display.ModeGC16:
		return 2
	case display.ModeGL16:
		return 3
	}
	return d.a2
}

// alignFor returns the x alignment in native pixels of a load at bits
// per pixel in mode m.
func (d *Dev) alignFor(bits int, m display.Mode) int {
	a := 16 / bits
	if bits == 1 {
		a = 16
	}
	if d.align32 && (bits == 1 || m == display.ModeA2) {
		a = 32
	}
	return a
}

// alignX grows nr to multiples of a in x within [0, w). When w is not a
// multiple of a, the window stops at the last whole multiple, so callers
// must pick an alignment that w allows for regions at the right edge.
func alignX(nr image.Rectangle, a, w int) image.Rectangle {
	nr = eink.AlignNative(nr, a, 1)
	if nr.Max.X > w {
		nr.Max.X = w / a * a
		if nr.Min.X >= nr.Max.X {
			nr.Min.X = nr.Max.X - a
		}
	}
	return nr
}
