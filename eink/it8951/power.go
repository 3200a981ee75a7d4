package it8951

import (
	"context"
	"fmt"

	"github.com/einkterm/einkterm/display"
)

// Sleep waits for the running update and puts the controller to sleep:
// clocks and panel power off, the image buffer kept.
func (d *Dev) Sleep() error {
	if d.asleep {
		return nil
	}
	c := d.bus(context.Background())
	d.waitEngine(c)
	c.command(cmdSleep)
	if c.err != nil {
		return fmt.Errorf("it8951: sleep: %w", c.err)
	}
	d.asleep = true
	return nil
}

// Wake runs the controller again after Sleep.
func (d *Dev) Wake() error {
	if !d.asleep {
		return nil
	}
	c := d.bus(context.Background())
	c.command(cmdSysRun)
	if c.err != nil {
		return fmt.Errorf("it8951: wake: %w", c.err)
	}
	d.asleep = false
	return nil
}

// Close waits for the running update, shows the last frame with GC16
// when A2, DU or GL16 updates have left ghosts, leaves the 1-bit mode and
// puts the controller to sleep. It does not close the SPI port, which
// the caller opened.
func (d *Dev) Close() error {
	if err := d.Wake(); err != nil {
		return err
	}
	c := d.bus(context.Background())
	if d.fast > 0 && d.last != nil {
		d.show(c, d.last, d.last.Bounds(), display.ModeGC16)
		d.fast = 0
	}
	d.waitEngine(c)
	if d.oneBit {
		setOneBit(c, false)
		d.oneBit = false
	}
	if c.err != nil {
		return fmt.Errorf("it8951: close: %w", c.err)
	}
	return d.Sleep()
}
