package vnc

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/einkterm/einkterm/display"
)

func randomGray(w, h int, seed uint64) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, 7))
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = uint8(rng.IntN(256))
	}
	return g
}

func testInfo(t *testing.T, name string) display.Info {
	info, err := display.LookupProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func TestViewPartialRenderMatchesFull(t *testing.T) {
	// Rendering a changed rectangle into an old frame must give the same
	// bits as rendering everything from scratch: unchanged areas stay
	// unchanged, and the region from PanelRect covers every pixel the
	// change touches.
	for _, tc := range []struct {
		panel  string
		remote image.Point
		opts   ViewOptions
	}{
		{"160x120", image.Pt(333, 250), ViewOptions{}},
		{"160x120", image.Pt(100, 80), ViewOptions{Rotation: 90}},
		{"2in13", image.Pt(640, 480), ViewOptions{Rotation: 270}},
		{"160x120", image.Pt(640, 480), ViewOptions{Scale: ScaleNone, Rotation: 180}},
		{"160x120", image.Pt(1000, 90), ViewOptions{Dither: DitherNone}},
		{"160x120", image.Pt(200, 150), ViewOptions{Dither: DitherBlueNoise, Rotation: 90}},
	} {
		info := testInfo(t, tc.panel)
		view, err := NewView(info, tc.remote, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		fb := randomGray(tc.remote.X, tc.remote.Y, 1)
		frame := display.NewFrame(info.Width, info.Height, info.Depth)
		view.RenderAll(fb, frame)

		change := image.Rect(tc.remote.X/3, tc.remote.Y/4, tc.remote.X/3+7, tc.remote.Y/4+5)
		other := randomGray(tc.remote.X, tc.remote.Y, 2)
		for y := change.Min.Y; y < change.Max.Y; y++ {
			copy(fb.Pix[y*fb.Stride+change.Min.X:y*fb.Stride+change.Max.X],
				other.Pix[y*fb.Stride+change.Min.X:y*fb.Stride+change.Max.X])
		}
		before := frame.Clone()
		damage := view.Render(fb, []image.Rectangle{change}, frame)

		fresh := display.NewFrame(info.Width, info.Height, info.Depth)
		view.RenderAll(fb, fresh)
		for y := range info.Height {
			for x := range info.Width {
				if frame.GrayAt(x, y) != fresh.GrayAt(x, y) {
					t.Fatalf("%s %+v: pixel (%d,%d) = %d after a partial render, %d after a full one",
						tc.panel, tc.opts, x, y, frame.GrayAt(x, y), fresh.GrayAt(x, y))
				}
				if frame.GrayAt(x, y) != before.GrayAt(x, y) && !image.Pt(x, y).In(display.Bounds(damage)) {
					t.Fatalf("%s %+v: pixel (%d,%d) changed outside the damage %v", tc.panel, tc.opts, x, y, damage)
				}
			}
		}
	}
}

func TestViewRotationPlacesCorners(t *testing.T) {
	// A remote of the panel's rotated size, black in its top-left corner
	// only, 1:1.
	info := testInfo(t, "160x120")
	tests := []struct {
		rotation int
		remote   image.Point
		corner   image.Point // where the remote top-left lands
	}{
		{0, image.Pt(160, 120), image.Pt(0, 0)},
		{90, image.Pt(120, 160), image.Pt(159, 0)},
		{180, image.Pt(160, 120), image.Pt(159, 119)},
		{270, image.Pt(120, 160), image.Pt(0, 119)},
	}
	for _, tt := range tests {
		view, err := NewView(info, tt.remote, ViewOptions{Rotation: tt.rotation, Scale: ScaleNone})
		if err != nil {
			t.Fatal(err)
		}
		fb := whiteGray(tt.remote.X, tt.remote.Y)
		fb.Pix[0] = 0
		frame := display.NewFrame(info.Width, info.Height, info.Depth)
		damage := view.RenderAll(fb, frame)
		if got := frame.GrayAt(tt.corner.X, tt.corner.Y); got != 0 {
			t.Errorf("rotation %d: panel %v = %d, want black", tt.rotation, tt.corner, got)
		}
		if r, ok := view.RemotePoint(tt.corner); !ok || r != (image.Point{}) {
			t.Errorf("rotation %d: RemotePoint(%v) = %v, %v, want (0,0)", tt.rotation, tt.corner, r, ok)
		}
		wantRect := image.Rectangle{Min: tt.corner, Max: tt.corner.Add(image.Pt(1, 1))}
		if pr := view.PanelRect(image.Rect(0, 0, 1, 1)); pr != wantRect {
			t.Errorf("rotation %d: PanelRect of the corner = %v", tt.rotation, pr)
		}
		if len(damage) != 1 {
			t.Errorf("rotation %d: %d damage rectangles", tt.rotation, len(damage))
		}
	}
	if _, err := NewView(info, image.Pt(10, 10), ViewOptions{Rotation: 45}); err == nil {
		t.Error("rotation 45 accepted")
	}
}

func TestViewFitLetterboxes(t *testing.T) {
	// 320x60 on 160x120 fits as 160x30, centred: rows 45 to 75.
	info := testInfo(t, "160x120")
	view, _ := NewView(info, image.Pt(320, 60), ViewOptions{})
	fb := image.NewGray(image.Rect(0, 0, 320, 60)) // all black
	frame := display.NewFrame(info.Width, info.Height, info.Depth)
	view.RenderAll(fb, frame)
	for _, c := range []struct {
		y    int
		want uint8
	}{{0, 15}, {44, 15}, {45, 0}, {74, 0}, {75, 15}, {119, 15}} {
		if got := frame.GrayAt(80, c.y); got != c.want {
			t.Errorf("row %d = %d, want %d", c.y, got, c.want)
		}
	}
}

func TestViewPanClamps(t *testing.T) {
	info := testInfo(t, "160x120")
	view, _ := NewView(info, image.Pt(400, 300), ViewOptions{Scale: ScaleNone})
	if !view.Pan(1000, 1000) {
		t.Fatal("pan did not move")
	}
	if view.offset != image.Pt(240, 180) {
		t.Errorf("offset %v, want (240,180), the last full view", view.offset)
	}
	if view.Pan(5, 5) {
		t.Error("pan past the edge reported a move")
	}
	view.Pan(-1000, -1000)
	if view.offset != (image.Point{}) {
		t.Errorf("offset %v, want (0,0)", view.offset)
	}
}

func TestQuantizerLevels(t *testing.T) {
	for _, d := range []Dither{DitherOrdered, DitherBlueNoise} {
		for _, depth := range []int{1, 2, 4} {
			q := newQuantizer(1<<depth, d)
			top := uint8(1<<depth - 1)
			sum := 0
			for y := range 64 {
				for x := range 64 {
					if q.fastLevel(0, x, y) != 0 || q.fastLevel(255, x, y) != top {
						t.Fatalf("dither %d depth %d: black or white dithered at (%d,%d)", d, depth, x, y)
					}
					sum += int(q.fastLevel(128, x, y))
				}
			}
			// Mid gray averages to mid gray over the mask.
			mean := float64(sum) / 4096 / float64(top)
			if mean < 0.45 || mean > 0.56 {
				t.Errorf("dither %d depth %d: gray 128 averages %.3f of white, want about 0.5", d, depth, mean)
			}
		}
	}
	q := newQuantizer(16, DitherOrdered)
	for g := range 256 {
		for y := range 8 {
			for x := range 8 {
				if q.fastLevel(uint8(g), x, y) != q.level(uint8(g), x, y) {
					t.Fatalf("table level of gray %d at (%d,%d) differs from level", g, x, y)
				}
			}
		}
	}
}

func BenchmarkViewRenderAll(b *testing.B) {
	info, _ := display.LookupProfile("it8951-10in3")
	view, _ := NewView(info, image.Pt(1920, 1080), ViewOptions{})
	fb := randomGray(1920, 1080, 3)
	frame := display.NewFrame(info.Width, info.Height, info.Depth)
	b.ReportAllocs()
	for b.Loop() {
		frame.Fill(0)
		view.RenderAll(fb, frame)
	}
	b.ReportMetric(float64(info.Width*info.Height)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpx/s")
}

func TestBlueNoiseMaskSpreadsLevels(t *testing.T) {
	m := blueNoiseMask()
	var hist [64]int
	for y := range blueNoiseSize {
		for x := range blueNoiseSize {
			hist[m[y][x]]++
		}
	}
	for v, n := range hist {
		if n != blueNoiseSize*blueNoiseSize/64 {
			t.Fatalf("threshold %d appears %d times, want %d", v, n, blueNoiseSize*blueNoiseSize/64)
		}
	}
	// At 50% gray, every 8x8 window holds close to 32 cells below the
	// threshold: blue noise has no clumps. White noise puts about 5% of
	// windows outside 24 to 40.
	for y := range blueNoiseSize {
		for x := range blueNoiseSize {
			below := 0
			for dy := range 8 {
				for dx := range 8 {
					if m[(y+dy)%blueNoiseSize][(x+dx)%blueNoiseSize] < 32 {
						below++
					}
				}
			}
			if below < 24 || below > 40 {
				t.Fatalf("8x8 window at (%d,%d) has %d of 64 cells below half", x, y, below)
			}
		}
	}
}
