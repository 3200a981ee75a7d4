package eink_test

import (
	"context"
	"image"
	"testing"
	"time"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/eink/emu"
	"github.com/einkterm/einkterm/eink/it8951"
	"github.com/einkterm/einkterm/eink/ssd1680"
	"github.com/einkterm/einkterm/eink/uc8179"
)

// loopPanel is a driver with its emulator, seen through Level.
type loopPanel struct {
	name  string
	panel display.Panel
	clock *emu.Clock
	level func(x, y int) uint8 // shown gray, scaled to 0..15
	fault func() []string
}

func loopPanels(t *testing.T) []loopPanel {
	var out []loopPanel
	c1 := emu.NewClock()
	e1 := emu.NewSSD1680(c1)
	d1, err := ssd1680.New(e1.Port(), e1.DC, e1.RST, e1.BUSY, ssd1680.Opts{Clock: c1})
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, loopPanel{"2in13v4", d1, c1, bitLevel(e1.Pixel), e1.Faults})
	c2 := emu.NewClock()
	e2 := emu.NewUC8179(c2)
	d2, err := uc8179.New(e2.Port(), e2.DC, e2.RST, e2.BUSY, uc8179.Opts{Clock: c2})
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, loopPanel{"7in5", d2, c2, bitLevel(e2.Pixel), e2.Faults})
	c3 := emu.NewClock()
	e3 := emu.NewIT8951(c3, 800, 600, "M641")
	d3, err := it8951.New(e3.Port(), e3.RST, e3.HRDY, it8951.Opts{Clock: c3})
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, loopPanel{"it8951-6in", d3, c3, func(x, y int) uint8 { return e3.Level(x, y) }, e3.Faults})
	return out
}

func bitLevel(pixel func(x, y int) bool) func(x, y int) uint8 {
	return func(x, y int) uint8 {
		if pixel(x, y) {
			return 15
		}
		return 0
	}
}

// The refresh loop drives each driver as a terminal would: twenty
// keystrokes 150 ms apart, then a block of new lines. After Flush the
// emulated panel shows the frame.
func TestLoopDrivesEmulatedPanels(t *testing.T) {
	for _, p := range loopPanels(t) {
		t.Run(p.name, func(t *testing.T) {
			ctx := context.Background()
			info := p.panel.Info()
			loop := display.NewLoop(p.panel, display.LoopOptions{Clock: p.clock})
			f := display.NewFrame(info.Width, info.Height, info.Depth)
			for i := 0; i < 20; i++ {
				cell := image.Rect(8+5*i, 16, 12+5*i, 32)
				f.FillRect(cell, 0)
				loop.Submit(f, []display.Damage{{Rect: cell}})
				loop.NoteInput()
				if _, err := loop.Step(ctx); err != nil {
					t.Fatal(err)
				}
				p.clock.Advance(150 * time.Millisecond)
			}
			text := image.Rect(0, 40, info.Width, 80)
			f.FillRect(text, 0)
			f.FillRect(image.Rect(0, 48, info.Width/2, 56), f.White())
			loop.Submit(f, []display.Damage{{Rect: text}})
			if err := loop.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			diff := 0
			for y := 0; y < info.Height; y++ {
				for x := 0; x < info.Width; x++ {
					want := uint8(int(f.GrayAt(x, y)) * 15 / int(f.White()))
					if p.level(x, y) != want {
						diff++
					}
				}
			}
			if diff > 0 {
				t.Errorf("%d pixels differ from the frame after Flush", diff)
			}
			for _, s := range p.fault() {
				t.Errorf("controller fault: %s", s)
			}
			stats := loop.Stats()
			t.Logf("%+v", stats)
			if stats.Refreshes == 0 || stats.Refreshes > 22 {
				t.Errorf("%d refreshes for 21 changes, expected 1 to 22", stats.Refreshes)
			}
		})
	}
}
