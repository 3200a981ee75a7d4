package ssd1680

import (
	"context"
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

// hw is the controller over SPI with a sticky error.
type hw struct {
	ctx     context.Context
	wire    *eink.Wire
	busy    *eink.Busy
	rst     func(context.Context) error // reset pulse
	recover func(context.Context) error // reset after a busy timeout
	clock   interface {
		After(time.Duration) <-chan time.Time
	}
	err error
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

func (h *hw) wait(timeout time.Duration) {
	if h.err == nil {
		h.err = h.busy.WaitReset(h.ctx, timeout, h.recover)
	}
}

func (h *hw) reset() {
	if h.err == nil {
		h.err = h.rst(h.ctx)
	}
}
