package sim

import (
	"image"
	"image/color"
	"testing"
	"time"

	"github.com/einkterm/einkterm/display"
)

func TestCanvasDrawsZoomedPhases(t *testing.T) {
	info, _ := display.LookupProfile("32x16")
	m := NewModel(info, GhostOptions{})
	f := display.NewFrame(info.Width, info.Height, info.Depth)
	f.FillRect(image.Rect(4, 4, 8, 8), 0)
	u, err := m.Refresh(f, image.Rect(0, 0, 16, 16), display.ModeGC16, t0)
	if err != nil {
		t.Fatal(err)
	}

	c := newCanvas(info, 3, 0)
	if got, want := c.size(), image.Pt(96, 48+statusHeight); got != want {
		t.Fatalf("window size %v, want %v", got, want)
	}
	dst := image.NewRGBA(image.Rectangle{Max: c.size()})
	tests := []struct {
		kind   PhaseKind
		at     image.Point // panel pixel
		want   uint8
		inside bool // whether the pixel is in the refreshed region
	}{
		{PhaseBlack, image.Pt(10, 10), 0, true},
		{PhaseWhite, image.Pt(10, 10), 255, true},
		{PhaseImage, image.Pt(5, 5), 0, true},
		{PhaseImage, image.Pt(10, 10), 255, true},
	}
	for _, tt := range tests {
		c.applyPhase(u, tt.kind)
		covered := c.drawPanel(dst, u.Rect)
		if want := image.Rect(0, 0, 48, 48); covered != want {
			t.Errorf("%v covered %v, want %v", tt.kind, covered, want)
		}
		for d := 0; d < 9; d++ {
			x, y := tt.at.X*3+d%3, tt.at.Y*3+d/3
			if got := dst.RGBAAt(x, y); got != (color.RGBA{tt.want, tt.want, tt.want, 255}) {
				t.Errorf("%v: window pixel (%d,%d) = %v, want gray %d", tt.kind, x, y, got, tt.want)
				break
			}
		}
	}
}

func TestCanvasOutlinesExpire(t *testing.T) {
	info, _ := display.LookupProfile("32x16")
	c := newCanvas(info, 2, 0)
	dst := image.NewRGBA(image.Rectangle{Max: c.size()})
	c.drawPanel(dst, info.Bounds())

	r := image.Rect(4, 4, 12, 10)
	c.addOverlay(r, display.ModeGC16, t0.Add(time.Second))
	c.addOverlay(image.Rect(16, 0, 20, 4), display.ModeA2, t0.Add(2*time.Second))
	drawn := c.drawOverlays(dst)
	if len(drawn) != 2 || drawn[0] != image.Rect(8, 8, 24, 20) {
		t.Fatalf("outlines drawn at %v, want the first at (8,8)-(24,20)", drawn)
	}
	if got := dst.RGBAAt(8, 8); got != modeColors[display.ModeGC16] {
		t.Errorf("GC16 outline corner = %v, want %v", got, modeColors[display.ModeGC16])
	}
	if got := dst.RGBAAt(12, 12); got != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("inside the outline = %v, want the white panel", got)
	}

	redrawn := c.expireOverlays(dst, t0.Add(1500*time.Millisecond))
	if len(redrawn) != 1 || len(c.overlays) != 1 {
		t.Fatalf("after 1.5 s redrew %v and kept %d outlines, want 1 and 1", redrawn, len(c.overlays))
	}
	if got := dst.RGBAAt(8, 8); got != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("expired outline corner = %v, want the white panel", got)
	}
}

func TestFitZoom(t *testing.T) {
	tests := []struct {
		profile string
		sw, sh  int
		want    int
	}{
		{"2in13", 1280, 800, 2},
		{"2in13", 1920, 1080, 3},
		{"2in13", 3840, 2160, 4}, // capped
		{"7in5", 1280, 800, 1},
		{"7in5", 1920, 1200, 2},
		{"it8951-10in3", 1280, 800, 1}, // larger than the screen
	}
	for _, tt := range tests {
		info, err := display.LookupProfile(tt.profile)
		if err != nil {
			t.Fatal(err)
		}
		if got := fitZoom(info.Bounds().Size(), tt.sw, tt.sh); got != tt.want {
			t.Errorf("%s on %dx%d: zoom %d, want %d", tt.profile, tt.sw, tt.sh, got, tt.want)
		}
	}
}

func TestCanvasTurnsRotatedPanelUpright(t *testing.T) {
	native, _ := display.LookupProfile("48x32")
	for _, deg := range []int{90, 180, 270} {
		rec, err := display.NewRecorder(native, display.RecorderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		panel := display.Rotate(rec, deg)
		up := panel.Info()

		// An upright frame with one black block off the centre.
		f := display.NewFrame(up.Width, up.Height, up.Depth)
		block := image.Rect(4, 8, 12, 10)
		f.FillRect(block, 0)
		if err := panel.Refresh(f, up.Bounds(), display.ModeGC16); err != nil {
			t.Fatal(err)
		}

		c := newCanvas(native, 2, deg)
		if got, want := c.size(), image.Pt(up.Width*2, up.Height*2+statusHeight); got != want {
			t.Errorf("%d degrees: window size %v, want %v", deg, got, want)
		}
		u := Update{Rect: native.Bounds(), Result: rec.Image().Gray()}
		c.applyPhase(u, PhaseImage)
		dst := image.NewRGBA(image.Rectangle{Max: c.size()})
		if got, want := c.drawPanel(dst, native.Bounds()), image.Rect(0, 0, up.Width*2, up.Height*2); got != want {
			t.Errorf("%d degrees: drawn %v, want %v", deg, got, want)
		}
		for y := 0; y < up.Height; y++ {
			for x := 0; x < up.Width; x++ {
				want := uint8(255)
				if image.Pt(x, y).In(block) {
					want = 0
				}
				if got := dst.RGBAAt(x*2+1, y*2+1).R; got != want {
					t.Fatalf("%d degrees: upright pixel (%d,%d) = %d, want %d", deg, x, y, got, want)
				}
			}
		}
		if got, want := c.windowRect(rec.Events()[0].Rect()), image.Rect(0, 0, up.Width*2, up.Height*2); got != want {
			t.Errorf("%d degrees: window rect of the native region %v, want %v", deg, got, want)
		}
	}
}
