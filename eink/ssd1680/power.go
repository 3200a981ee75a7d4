package ssd1680

import (
	"context"
	"fmt"
)

// Sleep waits for the running update and puts the controller in deep
// sleep. The panel keeps its image; the next Refresh or Wake resets it.
func (d *Dev) Sleep() error {
	if d.asleep || !d.cleared {
		return nil
	}
	c := d.hw(context.Background())
	d.settle(c)
	deepSleep(c, d.opts.Variant)
	if c.err != nil {
		return fmt.Errorf("ssd1680: deep sleep: %w", c.err)
	}
	d.asleep = true
	return nil
}

// Wake resets the controller out of deep sleep and loads the shown image
// into both RAMs, so that partial updates keep working.
func (d *Dev) Wake() error {
	if !d.asleep {
		return nil
	}
	c := d.hw(context.Background())
	initPanel(c, d.opts.Variant)
	d.lutMode = 0
	all := rectRAM()
	writeRAM(c, 0x26, all, d.shown[:])
	writeRAM(c, 0x24, all, d.shown[:])
	if c.err != nil {
		return fmt.Errorf("ssd1680: wake: %w", c.err)
	}
	d.asleep = false
	return nil
}

// Close waits for the running update, shows the last frame with a full
// update when partial updates have left ghosts, and enters deep sleep.
// It does not close the SPI port, which the caller opened.
func (d *Dev) Close() error {
	if !d.cleared {
		return nil
	}
	if err := d.Wake(); err != nil {
		return err
	}
	c := d.hw(context.Background())
	d.settle(c)
	if d.partials > 0 {
		d.full(c)
		d.settle(c)
	}
	if c.err != nil {
		return fmt.Errorf("ssd1680: final refresh: %w", c.err)
	}
	return d.Sleep()
}
