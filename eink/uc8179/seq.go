package uc8179

import (
	"context"
	"image"
	"time"

	"github.com/einkterm/einkterm/eink"
)

// controller is the hardware interface of the command sequences. Its
// implementation keeps the first error and skips every later step.
type controller interface {
	command(c byte, data ...byte)
	ram(c byte, data []byte)
	wait(timeout time.Duration)
	reset()
}

// Times measured by GxEPD2 on the GDEY075T7 panel.
const (
	powerTimeout = 2 * time.Second
	fullTime     = 4110 * time.Millisecond
	// NOTE: 1.58 s is GxEPD2's register-LUT refresh; the windowed OTP
	// refresh used here has no published figure.
	partialTime = 1580 * time.Millisecond
)

// Booster soft-start settings (0x06). Waveshare's issue #373 reports
// panels from late 2023 that stay busy unless the third byte's strength
// is at most 4; weakBooster works on them but the image looks paler.
var (
	normalBooster = []byte{0x17, 0x17, 0x28, 0x17}
	weakBooster   = []byte{0x27, 0x27, 0x18, 0x17}
)

// initFull resets the controller and sets it up for full updates: power
// setting, booster, power on, KW mode with the OTP waveform, 800x480,
// and NEW data where 1 is black.
func initFull(c controller, booster []byte) {
	c.reset()
	c.command(0x01, 0x07, 0x07, 0x3F, 0x3F)
	c.command(0x06, booster...)
	c.command(0x04)
	c.wait(powerTimeout)
	c.command(0x00, 0x1F)
	c.command(0x61, 0x03, 0x20, 0x01, 0xE0)
	c.command(0x15, 0x00)
	c.command(0x50, 0x10, 0x07)
	c.command(0x60, 0x22)
}

// initPartial resets the controller for windowed updates, with NEW data
// where 1 is white and a copy of NEW into OLD after each refresh.
func initPartial(c controller) {
	c.reset()
	c.command(0x00, 0x1F)
	c.command(0x04)
	c.wait(powerTimeout)
	c.command(0xE0, 0x02)
	c.command(0xE5, 0x6E)
	c.command(0x50, 0xA9, 0x07)
}

// full sends OLD as the image (1 white) and NEW as its complement, then
// starts the refresh.
func full(c controller, image, inverse []byte) {
	c.ram(0x10, image)
	c.ram(0x13, inverse)
	c.command(0x12)
}

// partial sends window r (x edges multiples of 8) and starts its refresh.
func partial(c controller, r image.Rectangle, data []byte) {
	x1, y1 := r.Max.X-1, r.Max.Y-1
	c.command(0x91)
	c.command(0x90, byte(r.Min.X>>8), byte(r.Min.X), byte(x1>>8), byte(x1),
		byte(r.Min.Y>>8), byte(r.Min.Y), byte(y1>>8), byte(y1), 0x01)
	c.ram(0x13, data)
	c.command(0x12)
}

// deepSleep powers the panel off and enters deep sleep; only a hardware
// reset wakes the controller.
func deepSleep(c controller) {
	c.command(0x50, 0xF7)
	c.command(0x02)
	c.wait(powerTimeout)
	c.command(0x07, 0xA5)
}

// hw is the controller over SPI with a sticky error.
type hw struct {
	ctx     context.Context
	wire    *eink.Wire
	busy    *eink.Busy
	rst     func(context.Context) error // reset pulse
	recover func(context.Context) error // reset after a busy timeout
	err     error
}

func (h *hw) command(c byte, data ...byte) {
	if h.err == nil {
		h.err = h.wire.Command(c, data...)
	}
}

func (h *hw) ram(c byte, data []byte) {
	if h.err != nil {
		return
	}
	if h.err = h.wire.Command(c); h.err == nil {
		h.err = h.wire.Data(data)
	}
}

// wait sleeps 100 ms before polling, as the reference drivers do: BUSY
// may fall only some time after a command.
func (h *hw) wait(timeout time.Duration) {
	if h.err == nil {
		h.err = eink.Sleep(h.ctx, h.busy.Clock, 100*time.Millisecond)
	}
	if h.err == nil {
		h.err = h.busy.WaitReset(h.ctx, timeout, h.recover)
	}
}

func (h *hw) reset() {
	if h.err == nil {
		h.err = h.rst(h.ctx)
	}
}
