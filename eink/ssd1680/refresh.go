package ssd1680

import (
	"context"
	"fmt"
	"image"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/eink"
)

// Refresh sends region r of f and starts an update in mode m, full or
// partial. r is grown to whole RAM bytes in the native layout. The first
// refresh after power-on or deep sleep clears the panel with a full
// update and then shows the whole frame with a full update, since a
// partial update would leave stale charge outside r.
func (d *Dev) Refresh(f *display.Frame, r image.Rectangle, m display.Mode) error {
	return d.RefreshBatch(f, []image.Rectangle{r}, m)
}

// RefreshBatch sends the regions rs of f, each to its RAM window, and
// starts one update in mode m for all of them. The controller scans the
// whole panel on every update, so the regions share one waveform.
func (d *Dev) RefreshBatch(f *display.Frame, rs []image.Rectangle, m display.Mode) error {
	if f.Width != d.info.Width || f.Height != d.info.Height {
		return fmt.Errorf("ssd1680: frame %dx%d, panel is %dx%d", f.Width, f.Height, d.info.Width, d.info.Height)
	}
	if m != display.ModeFull && m != display.ModePartial {
		return fmt.Errorf("ssd1680: mode %s not supported: use full or partial", m)
	}
	var windows []image.Rectangle
	for _, r := range rs {
		if r = r.Intersect(f.Bounds()); !r.Empty() {
			windows = append(windows, r)
		}
	}
	if len(windows) == 0 {
		return nil
	}
	if err := d.Wake(); err != nil {
		return err
	}
	c := d.hw(context.Background())
	d.settle(c)
	if d.recovered {
		d.recovered, d.cleared, d.pending = false, false, nil
	}
	if !d.cleared {
		d.coldStart(c)
		windows, m = []image.Rectangle{f.Bounds()}, display.ModeFull
	}
	if m == display.ModePartial {
		d.useLUT(c, display.ModePartial)
	}
	bytes := 0
	for i, r := range windows {
		nr := eink.AlignNative(d.opts.Rotation.ToNative(r, width, height), 8, 1)
		nr = nr.Intersect(image.Rect(0, 0, ramWidth, height))
		data := eink.Pack1(f, d.opts.Rotation, width, height, nr, false)
		d.store(nr, data)
		if m == display.ModePartial {
			d.load(c, nr, data)
		}
		windows[i], bytes = nr, bytes+len(data)
	}
	if m == display.ModeFull {
		d.full(c)
	} else {
		d.partial(c, windows)
	}
	if c.err != nil {
		return fmt.Errorf("ssd1680: %s refresh of %v: %w", m, rs, c.err)
	}
	d.log.Debug("ssd1680: refresh", "mode", m, "windows", windows, "bytes", bytes)
	return nil
}

// coldStart initialises the controller and clears both RAMs and the
// panel to white with a full update.
func (d *Dev) coldStart(c *hw) {
	initPanel(c, d.opts.Variant)
	d.lutMode = display.ModeFull
	white := make([]byte, ramBytes)
	for i := range white {
		white[i] = 0xFF
	}
	all := image.Rect(0, 0, ramWidth, height)
	writeRAM(c, 0x26, all, white)
	writeRAM(c, 0x24, all, white)
	update(c, d.opts.Variant.fullCtrl())
	c.wait(eink.BusyTimeout(fullTime))
	if c.err == nil {
		d.cleared, d.asleep = true, false
	}
}

func (d *Dev) store(nr image.Rectangle, data []byte) {
	rowBytes := nr.Dx() / 8
	for y := nr.Min.Y; y < nr.Max.Y; y++ {
		o := y*ramWidth/8 + nr.Min.X/8
		copy(d.shown[o:o+rowBytes], data[(y-nr.Min.Y)*rowBytes:])
	}
}

// full writes the whole shown image to both RAMs and starts a full
// update, so that later partial updates compare with it.
func (d *Dev) full(c *hw) {
	d.useLUT(c, display.ModeFull)
	all := image.Rect(0, 0, ramWidth, height)
	writeRAM(c, 0x24, all, d.shown[:])
	writeRAM(c, 0x26, all, d.shown[:])
	update(c, d.opts.Variant.fullCtrl())
	d.timeout = eink.BusyTimeout(fullTime)
	d.deadline = d.opts.Clock.Now().Add(fullTime)
	d.partials = 0
}

// load writes window nr of the new RAM for a partial update. On V2 it
// also writes the inverted image to the old RAM.
func (d *Dev) load(c *hw, nr image.Rectangle, data []byte) {
	writeRAM(c, 0x24, nr, data)
	if d.opts.Variant == V2 {
		inv := make([]byte, len(data))
		for i, b := range data {
			inv[i] = ^b
		}
		writeRAM(c, 0x26, nr, inv)
	}
}

// partial sets the last loaded window again and starts a mode-2 update.
// The old RAM of the windows is rewritten when it ends.
func (d *Dev) partial(c *hw, windows []image.Rectangle) {
	setWindow(c, windows[len(windows)-1])
	update(c, d.opts.Variant.partialCtrl())
	d.timeout = eink.BusyTimeout(partialTime)
	d.deadline = d.opts.Clock.Now().Add(partialTime)
	d.pending = append(d.pending, windows...)
	d.partials++
}

// useLUT loads the register waveform for m when it is not loaded.
func (d *Dev) useLUT(c *hw, m display.Mode) {
	if d.lutMode == m {
		return
	}
	if d.opts.Variant != V4 {
		c.reset()
		c.wait(swTimeout)
	}
	loadLUT(c, d.opts.Variant, m == display.ModePartial)
	if d.opts.Variant != V4 {
		update(c, 0xC0)
		c.wait(swTimeout)
	}
	d.lutMode = m
}
