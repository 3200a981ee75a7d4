package sim

import (
	"image"
	"image/color"
	"strings"
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

func TestFitScale(t *testing.T) {
	tests := []struct {
		profile           string
		sw, sh            int
		wantZoom, wantDiv int
	}{
		{"2in13", 1280, 800, 2, 1},
		{"2in13", 1920, 1080, 3, 1},
		{"2in13", 3840, 2160, 4, 1}, // capped
		{"7in5", 1280, 800, 1, 1},
		{"7in5", 1920, 1200, 2, 1},
		{"it8951-10in3", 1280, 800, 1, 2}, // larger than the screen
		{"it8951-10in3", 1920, 1080, 1, 2},
		{"it8951-10in3", 2560, 1600, 1, 1},
		{"it8951-10in3", 640, 480, 1, 4},
		{"it8951-10in3", 100, 100, 1, maxShrink}, // nothing fits
	}
	for _, tt := range tests {
		info, err := display.LookupProfile(tt.profile)
		if err != nil {
			t.Fatal(err)
		}
		up := info.Bounds().Size()
		zoom, shrink := fitScale(up, tt.sw, tt.sh)
		if zoom != tt.wantZoom || shrink != tt.wantDiv {
			t.Errorf("%s on %dx%d: zoom %s, want %s", tt.profile, tt.sw, tt.sh,
				zoomText(zoom, shrink), zoomText(tt.wantZoom, tt.wantDiv))
		}
		if size := windowSize(up, zoom, shrink); shrink < maxShrink && (size.X > tt.sw || size.Y > tt.sh) {
			t.Errorf("%s on %dx%d: window %v larger than the screen", tt.profile, tt.sw, tt.sh, size)
		}
	}
}

func TestResizeScale(t *testing.T) {
	up := image.Pt(1872, 1404)
	tests := []struct {
		window       image.Point
		zoom, shrink int
	}{
		{image.Pt(1872, 1404+statusHeight), 1, 1},
		{image.Pt(3744, 2808+statusHeight), 2, 1},
		{image.Pt(1871, 1404+statusHeight), 1, 2},
		{image.Pt(936, 702+statusHeight), 1, 2},
		{image.Pt(935, 702+statusHeight), 1, 3},
		{image.Pt(10, 10), 1, maxShrink},
		{image.Pt(100000, 100000), 5, 1}, // the X11 limit
	}
	for _, tt := range tests {
		zoom, shrink := resizeScale(up, tt.window)
		if zoom != tt.zoom || shrink != tt.shrink {
			t.Errorf("window %v: zoom %s, want %s", tt.window, zoomText(zoom, shrink), zoomText(tt.zoom, tt.shrink))
		}
	}
}

func TestCheckScaleX11Limit(t *testing.T) {
	up := image.Pt(1872, 1404)
	if err := checkScale(up, 5, 1); err != nil {
		t.Errorf("zoom 5 of 1872x1404: %v", err)
	}
	err := checkScale(up, 16, 1)
	if err == nil {
		t.Fatal("zoom 16 of 1872x1404 accepted: the X11 driver cannot create a 29952x22480 window")
	}
	for _, want := range []string{"zoom 16", "29952x22480", "32767", "256 MiB", "use zoom 5 or less"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if got := maxZoomFor(image.Pt(122, 250)); got != maxZoom {
		t.Errorf("max zoom of a 122x250 panel = %d, want %d", got, maxZoom)
	}
}

func TestCanvasShrinkAverages(t *testing.T) {
	info, _ := display.LookupProfile("48x32")
	for _, deg := range []int{0, 90, 180, 270} {
		c := newCanvas(info, 1, deg)
		c.shrink = 2
		up := c.turn.size()
		if got, want := c.size(), image.Pt(up.X/2, up.Y/2+statusHeight); got != want {
			t.Errorf("%d degrees: window size %v, want %v", deg, got, want)
		}

		// In upright pixels: a black 2x2 block at (4,4), and one black
		// pixel at (9,9) in the block at (8,8).
		for _, p := range []image.Point{{4, 4}, {5, 4}, {4, 5}, {5, 5}, {9, 9}} {
			n := c.turn.native(p.X, p.Y)
			if back := c.turn.point(n.X, n.Y); back != p {
				t.Fatalf("%d degrees: native(%v) = %v, whose upright point is %v", deg, p, n, back)
			}
			c.shown.SetGray(n.X, n.Y, color.Gray{})
		}
		dst := image.NewRGBA(image.Rectangle{Max: c.size()})
		if got, want := c.drawPanel(dst, info.Bounds()), image.Rect(0, 0, up.X/2, up.Y/2); got != want {
			t.Errorf("%d degrees: drawn %v, want %v", deg, got, want)
		}
		checks := []struct {
			at   image.Point
			want uint8
		}{
			{image.Pt(2, 2), 0},   // the whole block is black
			{image.Pt(4, 4), 191}, // one of four pixels is black: (765+2)/4
			{image.Pt(0, 0), 255}, // white
			{image.Pt(3, 3), 255}, // white
		}
		for _, ck := range checks {
			if got := dst.RGBAAt(ck.at.X, ck.at.Y).R; got != ck.want {
				t.Errorf("%d degrees: window pixel %v = %d, want %d", deg, ck.at, got, ck.want)
			}
		}

		// A one-pixel region redraws the window pixel that covers it.
		n := c.turn.native(9, 9)
		if got, want := c.windowRect(image.Rect(n.X, n.Y, n.X+1, n.Y+1)), image.Rect(4, 4, 5, 5); got != want {
			t.Errorf("%d degrees: window rect of upright (9,9) = %v, want %v", deg, got, want)
		}
	}
}

func TestCanvasShrinkOddSize(t *testing.T) {
	info := display.Info{Name: "odd", Width: 5, Height: 3, Depth: 4}
	c := newCanvas(info, 1, 0)
	c.shrink = 2
	if got, want := c.size(), image.Pt(3, 2+statusHeight); got != want {
		t.Fatalf("window size %v, want %v", got, want)
	}
	c.shown.SetGray(4, 2, color.Gray{})
	dst := image.NewRGBA(image.Rectangle{Max: c.size()})
	c.drawPanel(dst, info.Bounds())
	// The corner window pixel covers only panel pixel (4,2).
	if got := dst.RGBAAt(2, 1).R; got != 0 {
		t.Errorf("corner window pixel = %d, want 0 from its single panel pixel", got)
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

func TestNewRejectsZoomBeyondX11Limit(t *testing.T) {
	t.Setenv("DISPLAY", "") // the check comes before any X connection
	info := display.Profiles["it8951-10in3"]
	_, err := New(info, Options{Zoom: 16})
	if err == nil || !strings.Contains(err.Error(), "use zoom 5 or less") {
		t.Errorf("New at zoom 16: error %v, want one naming zoom 5 as the limit", err)
	}
	_, err = New(info, Options{Zoom: 2, Shrink: 2})
	if err == nil || !strings.Contains(err.Error(), "shrink 2 with zoom 2") {
		t.Errorf("New with zoom 2 and shrink 2: error %v, want one naming both", err)
	}
}
