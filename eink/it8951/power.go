package it8951

import (
	"context"
	"fmt"
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

// Close waits for the running update, leaves the 1-bit mode and puts the
// controller to sleep, so the panel keeps a whole last frame. It does not
// close the SPI port, which the caller opened.
func (d *Dev) Close() error {
	if err := d.Wake(); err != nil {
		return err
	}
	c := d.bus(context.Background())
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
