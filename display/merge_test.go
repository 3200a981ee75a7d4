package display

import (
	"image"
	"testing"
)

func TestMergeRegionsTable(t *testing.T) {
	it := Profiles["it8951-10in3"]
	concurrent := it
	concurrent.Concurrent = true
	small := Profiles["7in5"]
	tests := []struct {
		name     string
		info     Info
		mergeCap float64
		in       []Region
		want     []image.Rectangle
	}{
		{"neighbours merge", it, 0,
			[]Region{{image.Rect(0, 0, 8, 16), ModeA2}, {image.Rect(8, 0, 16, 16), ModeA2}},
			[]image.Rectangle{image.Rect(0, 0, 16, 16)}},
		{"lines of text merge", it, 0,
			[]Region{{image.Rect(0, 2, 900, 15), ModeA2}, {image.Rect(0, 18, 1000, 31), ModeA2}},
			[]image.Rectangle{image.Rect(0, 2, 1000, 31)}},
		{"echo and far status line stay apart", it, 0,
			[]Region{{image.Rect(48, 704, 64, 720), ModeA2}, {image.Rect(248, 1378, 256, 1388), ModeA2}},
			[]image.Rectangle{image.Rect(48, 704, 64, 720), image.Rect(248, 1378, 256, 1388)}},
		{"overlaps always merge", concurrent, 0,
			[]Region{{image.Rect(0, 0, 100, 100), ModeA2}, {image.Rect(50, 50, 1800, 1400), ModeA2}},
			[]image.Rectangle{image.Rect(0, 0, 1800, 1400)}},
		{"concurrent panel keeps distant regions", concurrent, 0,
			[]Region{{image.Rect(0, 0, 8, 16), ModeA2}, {image.Rect(100, 0, 108, 16), ModeA2}},
			[]image.Rectangle{image.Rect(0, 0, 8, 16), image.Rect(100, 0, 108, 16)}},
		{"slow panel merges by time", small, 0,
			[]Region{{image.Rect(0, 0, 8, 8), ModePartial}, {image.Rect(100, 200, 108, 208), ModePartial}},
			[]image.Rectangle{image.Rect(0, 0, 112, 208)}},
		{"windowed panel keeps regions apart", Profiles["2in13"], 0,
			[]Region{{image.Rect(0, 0, 8, 8), ModePartial}, {image.Rect(100, 200, 108, 208), ModePartial}},
			[]image.Rectangle{image.Rect(0, 0, 8, 8), image.Rect(96, 200, 112, 208)}},
		{"outside the panel is dropped", it, 0,
			[]Region{{image.Rect(-50, -50, -10, -10), ModeA2}},
			nil},
		{"a cap keeps ragged lines apart", it, 1.2,
			[]Region{{image.Rect(0, 2, 500, 15), ModeA2}, {image.Rect(0, 18, 1000, 31), ModeA2}},
			[]image.Rectangle{image.Rect(0, 2, 500, 15), image.Rect(0, 18, 1000, 31)}},
		{"a cap lets neighbours merge", it, 1.2,
			[]Region{{image.Rect(0, 0, 8, 16), ModeA2}, {image.Rect(8, 0, 16, 16), ModeA2}},
			[]image.Rectangle{image.Rect(0, 0, 16, 16)}},
		// The overlapping pair covers 19 of the 100 32x32 squares of its
		// union, so the third region stays apart under the cap.
		{"an overlap counts its parts once", it, 1.2,
			[]Region{{image.Rect(0, 0, 32, 320), ModeA2}, {image.Rect(0, 0, 320, 32), ModeA2},
				{image.Rect(0, 320, 320, 352), ModeA2}},
			[]image.Rectangle{image.Rect(0, 0, 320, 320), image.Rect(0, 320, 320, 352)}},
	}
	for _, tt := range tests {
		out := MergeRegions(tt.in, tt.info, MergeCost{Waste: tt.info.FastMode(2).Fixed / wasteArea, Cap: tt.mergeCap})
		var got []image.Rectangle
		for _, r := range out {
			got = append(got, r.Rect)
		}
		if !sameRectSet(got, tt.want) {
			t.Errorf("%s: MergeRegions = %v, want %v", tt.name, got, tt.want)
		}
		checkMerged(t, tt.info, tt.in, out)
	}
}

func TestMergeRegionsModeOfUnion(t *testing.T) {
	it := Profiles["it8951-10in3"]
	in := []Region{{image.Rect(0, 0, 8, 16), ModeA2}, {image.Rect(8, 0, 16, 16), ModeGL16}}
	out := MergeRegions(in, it, MergeCost{})
	if len(out) != 1 || out[0].Mode != ModeGL16 {
		t.Errorf("MergeRegions = %+v, want one GL16 region", out)
	}
}

func sameRectSet(a, b []image.Rectangle) bool {
	if len(a) != len(b) {
		return false
	}
	for _, r := range a {
		found := false
		for _, s := range b {
			found = found || r == s
		}
		if !found {
			return false
		}
	}
	return true
}

// BenchmarkMergeRegions merges the bands of a full screen of text, 87
// ragged lines, as after a scroll.
func BenchmarkMergeRegions(b *testing.B) {
	info := Profiles["it8951-10in3"]
	var in []Region
	for i := 0; i < 87; i++ {
		w := 900 + (i*373)%900
		in = append(in, Region{image.Rect(0, i*16+2, w, i*16+15), ModeA2})
	}
	waste := info.FastMode(2).Fixed / wasteArea
	var out []Region
	for b.Loop() {
		out = MergeRegions(in, info, MergeCost{Waste: waste})
	}
	b.ReportMetric(float64(len(out)), "regions")
}

func TestStrongerMode(t *testing.T) {
	it := Profiles["it8951-10in3"]
	tests := []struct {
		a, b, want Mode
	}{
		{ModeA2, ModeDU, ModeDU},       // same levels: the slower one
		{ModeDU, ModeA2, ModeDU},       // in either order
		{ModeA2, ModeGL16, ModeGL16},   // more gray levels
		{ModeGC16, ModeGL16, ModeGC16}, // flashing beats non-flashing
		{ModeA2, ModePartial, ModeA2},  // the panel has no partial mode
		{ModeFull, ModeGL16, ModeGL16}, // nor a full mode
	}
	for _, tt := range tests {
		if got := StrongerMode(it, tt.a, tt.b); got != tt.want {
			t.Errorf("StrongerMode(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
