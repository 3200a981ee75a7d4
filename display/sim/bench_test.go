package sim

import (
	"fmt"
	"image"
	"testing"
	"time"

	"github.com/einkterm/einkterm/display"
)

// BenchmarkModelRefresh measures the model's work per refresh, which the
// simulator does on the caller's goroutine, against the panel's own
// waveform time.
func BenchmarkModelRefresh(b *testing.B) {
	cases := []struct {
		name    string
		profile string
		rect    image.Rectangle
		mode    display.Mode
	}{
		{"10in3-full-GC16", "it8951-10in3", image.Rect(0, 0, 1872, 1404), display.ModeGC16},
		{"10in3-line-A2", "it8951-10in3", image.Rect(0, 0, 1872, 32), display.ModeA2},
		{"2in13-full", "2in13", image.Rect(0, 0, 122, 250), display.ModeFull},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			info := display.Profiles[c.profile]
			m := NewModel(info, GhostOptions{})
			f := display.NewFrame(info.Width, info.Height, info.Depth)
			f.FillRect(image.Rect(0, 0, info.Width/2, info.Height), 0)
			now := t0
			for b.Loop() {
				u, err := m.Refresh(f, c.rect, c.mode, now)
				if err != nil {
					b.Fatal(err)
				}
				now = u.End
			}
			px := float64(c.rect.Dx() * c.rect.Dy())
			b.ReportMetric(px*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpx/s")
			spec, _ := info.Spec(c.mode)
			b.ReportMetric(float64(spec.Cost(info.RegionBytes(c.rect)))/float64(time.Millisecond), "panel-ms")
		})
	}
}

// BenchmarkCanvasDrawPanel measures scaling the whole panel into the
// window's pixels, the largest draw a refresh causes.
func BenchmarkCanvasDrawPanel(b *testing.B) {
	cases := []struct {
		profile  string
		zoom     int
		shrink   int
		rotation int
	}{
		{"it8951-10in3", 1, 1, 0},
		{"it8951-10in3", 1, 1, 90},
		{"it8951-10in3", 1, 2, 0},
		{"it8951-10in3", 1, 2, 90},
		{"7in5", 2, 1, 0},
		{"2in13", 3, 1, 0},
	}
	for _, c := range cases {
		info := display.Profiles[c.profile]
		b.Run(fmt.Sprintf("%s-x%s-%d", info.Name, zoomText(c.zoom, c.shrink), c.rotation), func(b *testing.B) {
			cv := newCanvas(info, c.zoom, c.rotation)
			cv.shrink = c.shrink
			dst := image.NewRGBA(image.Rectangle{Max: cv.size()})
			for b.Loop() {
				cv.drawPanel(dst, info.Bounds())
			}
			// Panel pixels read when shrinking, window pixels written
			// otherwise.
			px := float64(info.Width * info.Height * c.zoom * c.zoom)
			b.ReportMetric(px*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpx/s")
		})
	}
}
