package ssd1680

import (
	"image"
	"time"
)

// Times from GxEPD2's measurements of the B74 panel: the software reset
// and power steps stay well under swTimeout.
const (
	swTimeout   = 2 * time.Second
	fullTime    = 3500 * time.Millisecond
	partialTime = 460 * time.Millisecond
)

// initPanel resets the controller and sets it up for 250 gate lines,
// X then Y increasing, the whole RAM as window and the internal
// temperature sensor. V3 and V2 also load the full-update LUT.
func initPanel(c controller, v Variant) {
	c.reset()
	c.wait(swTimeout)
	c.command(0x12)
	c.wait(swTimeout)
	if v == V2 {
		c.command(0x74, 0x54)
		c.command(0x7E, 0x3B)
	}
	c.command(0x01, 0xF9, 0x00, 0x00)
	c.command(0x11, 0x03)
	setWindow(c, image.Rect(0, 0, ramWidth, height))
	if v == V2 {
		c.command(0x3C, 0x03)
	} else {
		c.command(0x3C, 0x05)
		c.command(0x21, 0x00, 0x80)
		c.command(0x18, 0x80)
		c.wait(swTimeout)
	}
	loadLUT(c, v, false)
}

// loadLUT writes the full or partial register waveform of V2 and V3.
func loadLUT(c controller, v Variant, partial bool) {
	lut := v.lut(partial)
	switch v {
	case V3:
		c.command(0x32, lut[:153]...)
		c.wait(swTimeout)
		c.command(0x3F, lut[153])
		c.command(0x03, lut[154])
		c.command(0x04, lut[155:158]...)
		c.command(0x2C, lut[158])
		if partial {
			c.command(0x37, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0)
			c.command(0x3C, 0x80)
		}
	case V2:
		vcom, border := byte(0x55), byte(0x03)
		if partial {
			vcom, border = 0x26, 0x01
		}
		c.command(0x2C, vcom)
		c.command(0x32, lut...)
		if partial {
			c.command(0x37, 0, 0, 0, 0, 0x40, 0, 0)
		}
		c.command(0x3C, border)
	case V4:
		if partial {
			c.command(0x3C, 0x80)
		}
	}
}

// setWindow sets the RAM window to native rectangle r, whose x edges are
// multiples of 8, and puts the RAM counters at its top left.
func setWindow(c controller, r image.Rectangle) {
	c.command(0x11, 0x03)
	c.command(0x44, byte(r.Min.X/8), byte((r.Max.X-1)/8))
	c.command(0x45, byte(r.Min.Y), byte(r.Min.Y>>8), byte(r.Max.Y-1), byte((r.Max.Y-1)>>8))
	c.command(0x4E, byte(r.Min.X/8))
	c.command(0x4F, byte(r.Min.Y), byte(r.Min.Y>>8))
}

// writeRAM writes data into window r of RAM cmd (0x24 new, 0x26 old).
func writeRAM(c controller, cmd byte, r image.Rectangle, data []byte) {
	setWindow(c, r)
	c.ram(cmd, data)
}

// update starts the refresh that update control 2 value ctrl selects.
// BUSY stays high until it ends.
func update(c controller, ctrl byte) {
	c.command(0x22, ctrl)
	c.command(0x20)
}

// deepSleep powers the analog block down and enters deep sleep; only a
// hardware reset wakes the controller.
func deepSleep(c controller, v Variant) {
	update(c, 0x83)
	c.wait(swTimeout)
	if v == V2 {
		c.command(0x10, 0x03)
	} else {
		c.command(0x10, 0x01)
	}
}

func rectRAM() image.Rectangle { return image.Rect(0, 0, ramWidth, height) }
