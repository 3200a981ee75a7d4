package eink_test

import (
	"context"
	"image"
	"testing"
	"time"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/eink/emu"
	"github.com/einkterm/einkterm/eink/internal/paneltest"
	"github.com/einkterm/einkterm/eink/it8951"
	"github.com/einkterm/einkterm/eink/ssd1680"
	"github.com/einkterm/einkterm/eink/uc8179"
)

// benchPanel is a driver on its emulator, past its cold start.
type benchPanel struct {
	name  string
	panel interface {
		display.Panel
		Bytes() int64
	}
	clock *emu.Clock
}

func benchPanels(b *testing.B) []benchPanel {
	var out []benchPanel
	c1 := emu.NewClock()
	e1 := emu.NewSSD1680(c1)
	d1, err := ssd1680.New(e1.Port(), e1.DC, e1.RST, e1.BUSY, ssd1680.Opts{Clock: c1})
	if err != nil {
		b.Fatal(err)
	}
	out = append(out, benchPanel{"2in13v4", d1, c1})
	c2 := emu.NewClock()
	e2 := emu.NewUC8179(c2)
	d2, err := uc8179.New(e2.Port(), e2.DC, e2.RST, e2.BUSY, uc8179.Opts{Clock: c2})
	if err != nil {
		b.Fatal(err)
	}
	out = append(out, benchPanel{"7in5", d2, c2})
	for _, p := range []struct {
		name string
		w, h int
		lut  string
	}{{"it8951-6in", 800, 600, "M641"}, {"it8951-10in3", 1872, 1404, "M841_TFA5210"}} {
		c := emu.NewClock()
		e := emu.NewIT8951(c, p.w, p.h, p.lut)
		d, err := it8951.New(e.Port(), e.RST, e.HRDY, it8951.Opts{Clock: c})
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, benchPanel{p.name, d, c})
	}
	for _, p := range out {
		info := p.panel.Info()
		f := display.NewFrame(info.Width, info.Height, info.Depth)
		if err := p.panel.Refresh(f, f.Bounds(), info.Modes[0].Mode); err != nil {
			b.Fatal(err)
		}
		p.panel.Wait(context.Background())
	}
	return out
}

// BenchmarkUpdate sends a keystroke (one 8x16 cell), a line of output
// (the full width, 16 px high) in the fastest mode, and a full screen in
// the cleaning mode to each panel's emulator, and reports the bytes on
// the wire and the emulated time until the panel is ready again, which
// includes the SPI transfer at the driver's default clock.
func BenchmarkUpdate(b *testing.B) {
	for _, p := range benchPanels(b) {
		info := p.panel.Info()
		fast := info.FastMode(2).Mode
		clean, _ := info.CleanMode()
		cases := []struct {
			name string
			r    image.Rectangle
			mode display.Mode
		}{
			{"keystroke", image.Rect(40, 32, 48, 48), fast},
			{"line", image.Rect(0, 32, info.Width, 48), fast},
			{"screen", info.Bounds(), clean.Mode},
		}
		frames := []*display.Frame{
			paneltest.Pattern(info.Width, info.Height, info.Depth, 1),
			paneltest.Pattern(info.Width, info.Height, info.Depth, 2),
		}
		for _, c := range cases {
			b.Run(p.name+"/"+c.name, func(b *testing.B) {
				var bytes int64
				var elapsed time.Duration
				i := 0
				for b.Loop() {
					f := frames[i%2]
					i++
					before, start := p.panel.Bytes(), p.clock.Now()
					if err := p.panel.Refresh(f, c.r, c.mode); err != nil {
						b.Fatal(err)
					}
					if err := p.panel.Wait(context.Background()); err != nil {
						b.Fatal(err)
					}
					bytes += p.panel.Bytes() - before
					elapsed += p.clock.Now().Sub(start)
				}
				b.ReportMetric(float64(bytes)/float64(i), "wire-bytes/op")
				b.ReportMetric(float64(elapsed.Milliseconds())/float64(i), "emulated-ms/op")
			})
		}
	}
}
