package sim

import (
	"image"
	"math"
	"testing"
	"time"

	"github.com/einkterm/einkterm/display"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// refreshAll runs a refresh of r in mode m at now and fails the test on
// error.
func refreshAll(t *testing.T, m *Model, f *display.Frame, r image.Rectangle, mo display.Mode, now time.Time) Update {
	t.Helper()
	u, err := m.Refresh(f, r, mo, now)
	if err != nil {
		t.Fatalf("Refresh(%v, %v): %v", r, mo, err)
	}
	return u
}

func TestModelGhostAfterPartials(t *testing.T) {
	info := display.Profiles["2in13"]
	region := image.Rect(0, 0, 16, 8)
	tests := []struct {
		partials  int // partial refreshes of unchanged content first
		wantGhost float64
	}{
		{0, 0.03},
		{1, 0.06},
		{4, 0.15},
		{9, 0.30},
		{40, 0.30}, // capped at Max
	}
	for _, tt := range tests {
		m := NewModel(info, GhostOptions{})
		white := display.NewFrame(info.Width, info.Height, info.Depth)
		now := t0
		for i := 0; i < tt.partials; i++ {
			u := refreshAll(t, m, white, region, display.ModePartial, now)
			now = u.End
		}
		if got := m.Ghost(region); got != 0 {
			t.Errorf("%d unchanged partials: ghost %.3f, want 0", tt.partials, got)
		}

		// Draw black over white: the white shows through.
		black := white.Clone()
		black.FillRect(region, 0)
		u := refreshAll(t, m, black, region, display.ModePartial, now)
		got := m.Ghost(region)
		if math.Abs(got-tt.wantGhost) > 0.5/255 {
			t.Errorf("change after %d partials: ghost %.3f, want %.3f", tt.partials, got, tt.wantGhost)
		}
		if p := m.Partials(image.Pt(3, 3)); p != tt.partials+1 {
			t.Errorf("after %d partials and a change: partial count %d, want %d", tt.partials, p, tt.partials+1)
		}

		// A flashing refresh cleans the region.
		refreshAll(t, m, black, region, display.ModeFull, u.End)
		if got := m.Ghost(region); got != 0 {
			t.Errorf("after a full refresh: ghost %.3f, want 0", got)
		}
		if p := m.Partials(image.Pt(3, 3)); p != 0 {
			t.Errorf("after a full refresh: partial count %d, want 0", p)
		}
		if v := m.Visible(region).GrayAt(3, 3).Y; v != 0 {
			t.Errorf("after a full refresh: pixel %d, want 0 (black)", v)
		}
	}
}

func TestModelErasedTextLeavesGhost(t *testing.T) {
	info := display.Profiles["2in13"]
	m := NewModel(info, GhostOptions{})
	f := display.NewFrame(info.Width, info.Height, info.Depth)
	text := image.Rect(8, 8, 16, 16)
	outside := image.Rect(32, 32, 40, 40)

	f.FillRect(text, 0)
	u := refreshAll(t, m, f, text, display.ModePartial, t0)
	f.FillRect(text, f.White())
	u = refreshAll(t, m, f, text, display.ModePartial, u.End)

	// The second partial leaves 6% of the ghosted black (3% white).
	v := m.Visible(text).GrayAt(10, 10).Y
	want := uint8(math.Round(255 + 0.06*(math.Round(0.03*255)-255)))
	if v != want {
		t.Errorf("erased text pixel = %d, want %d (a faint ghost)", v, want)
	}
	if g := m.Ghost(outside); g != 0 {
		t.Errorf("ghost outside the refreshed region = %.3f, want 0", g)
	}

	refreshAll(t, m, f, info.Bounds(), display.ModeFull, u.End)
	if v := m.Visible(text).GrayAt(10, 10).Y; v != 255 {
		t.Errorf("after a full refresh: erased text pixel = %d, want 255", v)
	}
}

func TestModelTimingMatchesProfile(t *testing.T) {
	tests := []struct {
		profile string
		mode    display.Mode
		rect    image.Rectangle
	}{
		{"2in13", display.ModePartial, image.Rect(0, 0, 16, 10)},
		{"2in13", display.ModeFull, image.Rect(0, 0, 122, 250)},
		{"7in5", display.ModeFull, image.Rect(0, 0, 800, 480)},
		{"it8951-10in3", display.ModeA2, image.Rect(0, 0, 64, 32)},
		{"it8951-10in3", display.ModeDU, image.Rect(0, 0, 64, 32)},
		{"it8951-10in3", display.ModeGC16, image.Rect(100, 100, 500, 300)},
		{"it8951-10in3", display.ModeINIT, image.Rect(0, 0, 1872, 1404)},
	}
	for _, tt := range tests {
		info := display.Profiles[tt.profile]
		m := NewModel(info, GhostOptions{})
		f := display.NewFrame(info.Width, info.Height, info.Depth)
		u := refreshAll(t, m, f, tt.rect, tt.mode, t0)
		spec, _ := info.Spec(tt.mode)
		want := spec.Fixed + time.Duration(info.RegionBytes(tt.rect))*spec.PerByte
		if got := u.End.Sub(u.Start); got != want {
			t.Errorf("%s %v: refresh took %v, want %v", tt.profile, tt.mode, got, want)
		}
		if !m.Busy(u.End.Add(-time.Nanosecond)) {
			t.Errorf("%s %v: not busy just before the end", tt.profile, tt.mode)
		}
		if m.Busy(u.End) {
			t.Errorf("%s %v: still busy at the end", tt.profile, tt.mode)
		}

		// A refresh sent while busy starts when the panel is ready.
		u2 := refreshAll(t, m, f, tt.rect, tt.mode, t0.Add(time.Millisecond))
		if !u2.Start.Equal(u.End) {
			t.Errorf("%s %v: queued refresh starts at +%v, want +%v",
				tt.profile, tt.mode, u2.Start.Sub(t0), u.End.Sub(t0))
		}
	}
}

// TestModelBatchTiming checks that a batch on a concurrent panel ends
// after one waveform plus its transfers, and that on other panels its
// regions run one after another.
func TestModelBatchTiming(t *testing.T) {
	rs := []image.Rectangle{image.Rect(0, 0, 16, 16), image.Rect(96, 200, 112, 216)}
	for _, tt := range []struct {
		profile string
		mode    display.Mode
	}{
		{"2in13", display.ModePartial},
		{"it8951-10in3", display.ModeA2},
	} {
		info := display.Profiles[tt.profile]
		m := NewModel(info, GhostOptions{})
		f := display.NewFrame(info.Width, info.Height, info.Depth)
		for _, r := range rs {
			f.FillRect(r, 0)
		}
		ups, err := m.RefreshBatch(f, rs, tt.mode, t0)
		if err != nil {
			t.Fatalf("%s: %v", tt.profile, err)
		}
		if len(ups) != len(rs) {
			t.Fatalf("%s: %d updates, want %d", tt.profile, len(ups), len(rs))
		}
		spec, _ := info.Spec(tt.mode)
		want := info.Cost(rs[0], tt.mode) + info.Cost(rs[1], tt.mode)
		if info.Concurrent {
			want = spec.Cost(info.RegionBytes(rs[0]) + info.RegionBytes(rs[1]))
		}
		last := ups[len(ups)-1]
		if got := last.End.Sub(t0); got != want {
			t.Errorf("%s: batch ends at +%v, want +%v", tt.profile, got, want)
		}
		if !m.Busy(last.End.Add(-time.Nanosecond)) {
			t.Errorf("%s: not busy just before +%v", tt.profile, want)
		}
		if m.Busy(last.End) {
			t.Errorf("%s: still busy at +%v", tt.profile, want)
		}
		for _, r := range rs {
			// A fast mode leaves black a little lighter than full black.
			if v := m.Visible(r).GrayAt(r.Min.X, r.Min.Y).Y; v > 32 {
				t.Errorf("%s: region %v shows %d, want black", tt.profile, r, v)
			}
		}
	}
}

func TestModelFlashPhases(t *testing.T) {
	info := display.Profiles["it8951-10in3"]
	m := NewModel(info, GhostOptions{})
	f := display.NewFrame(info.Width, info.Height, info.Depth)
	r := image.Rect(0, 0, 64, 64)

	gc := refreshAll(t, m, f, r, display.ModeGC16, t0)
	kinds := []PhaseKind{PhaseBlack, PhaseWhite, PhaseBlack, PhaseImage}
	if len(gc.Phases) != len(kinds) {
		t.Fatalf("GC16 has %d phases, want %d", len(gc.Phases), len(kinds))
	}
	for i, k := range kinds {
		if gc.Phases[i].Kind != k {
			t.Errorf("GC16 phase %d is %v, want %v", i, gc.Phases[i].Kind, k)
		}
	}
	if !gc.Phases[3].At.Equal(gc.End) {
		t.Errorf("GC16 image shown at +%v, want the end +%v", gc.Phases[3].At.Sub(t0), gc.End.Sub(t0))
	}

	a2 := refreshAll(t, m, f, r, display.ModeA2, gc.End)
	if len(a2.Phases) != 1 || a2.Phases[0].Kind != PhaseImage {
		t.Errorf("A2 phases %+v, want only the image", a2.Phases)
	}
	s := m.Stats()
	if s.Refreshes != 2 || s.Flashes != 1 || s.LastMode != display.ModeA2 {
		t.Errorf("stats %+v, want 2 refreshes, 1 flash, last A2", s)
	}
}

func TestModelGrayLevelsPerMode(t *testing.T) {
	info := display.Profiles["it8951-10in3"]
	tests := []struct {
		mode  display.Mode
		value uint8 // 4-bit frame value
		want  uint8 // luminance shown
	}{
		{display.ModeGC16, 5, 85},
		{display.ModeGL16, 9, 153},
		{display.ModeA2, 5, 0},
		{display.ModeA2, 9, 255},
		{display.ModeDU, 7, 0},
		{display.ModeDU, 8, 255},
		{display.ModeINIT, 0, 255},
	}
	for _, tt := range tests {
		// A negligible ghost, so that only the levels change the pixel.
		m := NewModel(info, GhostOptions{Step: 1e-9, Max: 1e-9})
		f := display.NewFrame(info.Width, info.Height, info.Depth)
		r := image.Rect(0, 0, 32, 4)
		f.FillRect(r, tt.value)
		refreshAll(t, m, f, r, tt.mode, t0)
		if got := m.Visible(r).GrayAt(1, 1).Y; got != tt.want {
			t.Errorf("%v of value %d shows %d, want %d", tt.mode, tt.value, got, tt.want)
		}
	}
}

func TestModelAlignsRegion(t *testing.T) {
	info := display.Profiles["2in13"]
	m := NewModel(info, GhostOptions{})
	f := display.NewFrame(info.Width, info.Height, info.Depth)
	f.FillRect(image.Rect(0, 0, 16, 1), 0)

	u := refreshAll(t, m, f, image.Rect(3, 0, 9, 1), display.ModePartial, t0)
	if want := image.Rect(0, 0, 16, 1); u.Rect != want {
		t.Errorf("region %v, want the aligned %v", u.Rect, want)
	}
	if got := m.Stats().Misaligned; got != 1 {
		t.Errorf("misaligned count %d, want 1", got)
	}
	// Pixels of the aligned window outside the request are driven too.
	if v := m.Visible(u.Rect).GrayAt(12, 0).Y; v > 32 {
		t.Errorf("pixel 12 of the aligned window = %d, want dark", v)
	}
	if v := m.Visible(info.Bounds()).GrayAt(20, 0).Y; v != 255 {
		t.Errorf("pixel 20 outside the window = %d, want 255", v)
	}
}

func TestModelRejectsBadRefresh(t *testing.T) {
	info := display.Profiles["2in13"]
	m := NewModel(info, GhostOptions{})
	f := display.NewFrame(info.Width, info.Height, info.Depth)
	tests := []struct {
		name  string
		frame *display.Frame
		rect  image.Rectangle
		mode  display.Mode
	}{
		{"unknown mode", f, image.Rect(0, 0, 8, 8), display.ModeA2},
		{"outside", f, image.Rect(0, 0, 200, 8), display.ModePartial},
		{"empty", f, image.Rectangle{}, display.ModePartial},
		{"wrong depth", display.NewFrame(info.Width, info.Height, 4), image.Rect(0, 0, 8, 8), display.ModePartial},
	}
	for _, tt := range tests {
		if _, err := m.Refresh(tt.frame, tt.rect, tt.mode, t0); err == nil {
			t.Errorf("%s: Refresh returned no error", tt.name)
		}
	}
	if s := m.Stats(); s.Refreshes != 0 {
		t.Errorf("rejected refreshes counted: %d", s.Refreshes)
	}
}

func TestModelBinaryModeOverGrayGhostsMost(t *testing.T) {
	info := display.Profiles["it8951-10in3"]
	r := image.Rect(0, 0, 32, 8)
	tests := []struct {
		mode      display.Mode
		from      uint8 // 4-bit value shown by a GC16 refresh first
		wantGhost float64
	}{
		{display.ModeA2, 8, defaultGhostMax},   // gray start: strongest ghost
		{display.ModeDU, 8, defaultGhostMax},   // gray start: strongest ghost
		{display.ModeA2, 15, defaultGhostStep}, // white start: first partial
		{display.ModeGL16, 8, defaultGhostStep},
	}
	for _, tt := range tests {
		m := NewModel(info, GhostOptions{})
		f := display.NewFrame(info.Width, info.Height, info.Depth)
		f.FillRect(r, tt.from)
		u := refreshAll(t, m, f, r, display.ModeGC16, t0)
		f.FillRect(r, 0)
		refreshAll(t, m, f, r, tt.mode, u.End)

		from := float64(quantize(tt.from, 15, 16)) / 255
		got := m.Ghost(r)
		if want := tt.wantGhost * from; math.Abs(got-want) > 1.0/255 {
			t.Errorf("%v over value %d: ghost %.3f, want %.3f", tt.mode, tt.from, got, want)
		}
	}
}
