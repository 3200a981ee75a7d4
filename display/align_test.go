package display

import (
	"image"
	"testing"
)

func TestAlignRectEdges(t *testing.T) {
	small := Profiles["2in13"] // 122 x 250, 8 px
	minSized := small
	minSized.MinSize = image.Pt(16, 4)
	it6 := Profiles["it8951-6in"] // 800 x 600, A2 needs 32 px
	shifted := small
	shifted.AlignOrigin = image.Pt(122, 0) // the grid of a 180 degree turn
	tests := []struct {
		name string
		info Info
		in   image.Rectangle
		mode Mode
		want image.Rectangle
	}{
		{"already aligned", small, image.Rect(8, 0, 16, 3), ModePartial, image.Rect(8, 0, 16, 3)},
		{"clip negative", small, image.Rect(-5, -5, 3, 2), ModePartial, image.Rect(0, 0, 8, 2)},
		{"clip past edge", small, image.Rect(119, 248, 140, 260), ModePartial, image.Rect(112, 248, 122, 250)},
		{"min size grows right", minSized, image.Rect(8, 10, 9, 11), ModePartial, image.Rect(8, 10, 24, 14)},
		{"min size at right edge", minSized, image.Rect(121, 248, 122, 250), ModePartial, image.Rect(104, 246, 122, 250)},
		{"A2 rounds to 32", it6, image.Rect(790, 10, 799, 11), ModeA2, image.Rect(768, 10, 800, 11)},
		{"GL16 rounds to 4", it6, image.Rect(790, 10, 799, 11), ModeGL16, image.Rect(788, 10, 800, 11)},
		{"shifted grid", shifted, image.Rect(3, 0, 4, 1), ModePartial, image.Rect(2, 0, 10, 1)},
		{"shifted grid left edge", shifted, image.Rect(0, 0, 1, 1), ModePartial, image.Rect(0, 0, 2, 1)},
		{"shifted grid right edge", shifted, image.Rect(121, 0, 122, 1), ModePartial, image.Rect(114, 0, 122, 1)},
		{"empty input", small, image.Rectangle{}, ModePartial, image.Rectangle{}},
	}
	for _, tt := range tests {
		got := AlignRect(tt.in, tt.info, tt.mode)
		if got != tt.want {
			t.Errorf("%s: AlignRect(%v) = %v, want %v", tt.name, tt.in, got, tt.want)
		}
		if !got.Empty() && AlignRect(got, tt.info, tt.mode) != got {
			t.Errorf("%s: AlignRect is not idempotent on %v", tt.name, got)
		}
	}
}

func TestAlignRectPanelBelowMinSize(t *testing.T) {
	info := Info{Width: 10, Height: 3, Depth: 1, Align: Align{X: 8, Y: 1}, MinSize: image.Pt(32, 8)}
	if got, want := AlignRect(image.Rect(4, 1, 5, 2), info, ModeNone), info.Bounds(); got != want {
		t.Errorf("AlignRect on a panel smaller than MinSize = %v, want the panel %v", got, want)
	}
}

// fuzzPanels are the panels the merge and align fuzz test picks from:
// every profile, turned four ways, and one with a minimum size.
func fuzzPanels() []Info {
	var out []Info
	for _, name := range ProfileNames() {
		out = append(out, Profiles[name])
	}
	odd := Profiles["2in13"]
	odd.MinSize = image.Pt(8, 8)
	odd.Concurrent = true
	out = append(out, odd)
	var turned []Info
	for _, info := range out {
		for _, d := range []int{90, 180, 270} {
			turned = append(turned, rotateInfo(info, d))
		}
	}
	return append(out, turned...)
}

func FuzzMergeAlign(f *testing.F) {
	f.Add(uint8(0), []byte{1, 2, 3, 4, 5, 6, 7, 8})
	f.Add(uint8(3), []byte{0, 0, 255, 255, 7, 9, 200, 100, 201, 101, 0, 1})
	f.Add(uint8(7), []byte{120, 245, 2, 5, 0, 0, 1, 1, 60, 30, 61, 200})
	f.Add(uint8(11), []byte{250, 250, 255, 255, 1, 1, 2, 2, 9, 9, 33, 44, 2})
	panels := fuzzPanels()
	f.Fuzz(func(t *testing.T, pick uint8, data []byte) {
		info := panels[int(pick)%len(panels)]
		var modes []Mode
		for _, s := range info.Modes {
			modes = append(modes, s.Mode)
		}
		var in []Region
		for i := 0; i+5 <= len(data) && len(in) < 40; i += 5 {
			x := int(data[i]) * (info.Width + 8) / 256
			y := int(data[i+1]) * (info.Height + 8) / 256
			w := int(data[i+2])%64 + 1
			h := int(data[i+3])%64 + 1
			in = append(in, Region{image.Rect(x-4, y-4, x-4+w, y-4+h), modes[int(data[i+4])%len(modes)]})
		}
		// An odd pick also sets a merge cap.
		cost := MergeCost{Waste: 666}
		if pick&1 != 0 {
			cost.Cap = 1.2
		}
		out := MergeRegions(in, info, cost)
		checkMerged(t, info, in, out)
	})
}

// checkMerged checks that out is aligned, inside the panel, pairwise
// disjoint, and covers every pixel of in that lies on the panel.
func checkMerged(t *testing.T, info Info, in, out []Region) {
	t.Helper()
	for i, r := range out {
		if !IsAligned(r.Rect, info, r.Mode) {
			t.Errorf("%s: region %v in %v is not aligned (want %v)", info.Name, r.Rect, r.Mode, AlignRect(r.Rect, info, r.Mode))
		}
		if _, ok := info.Spec(r.Mode); !ok {
			t.Errorf("%s: region %v has mode %v that the panel lacks", info.Name, r.Rect, r.Mode)
		}
		for _, s := range out[:i] {
			if r.Rect.Overlaps(s.Rect) {
				t.Errorf("%s: regions %v and %v overlap", info.Name, r.Rect, s.Rect)
			}
		}
	}
	for _, r := range in {
		c := r.Rect.Intersect(info.Bounds())
		for y := c.Min.Y; y < c.Max.Y; y++ {
			for x := c.Min.X; x < c.Max.X; x++ {
				if !pointCovered(image.Pt(x, y), out) {
					t.Fatalf("%s: pixel (%d,%d) of %v is not covered by %v", info.Name, x, y, r.Rect, out)
				}
			}
		}
	}
}

func pointCovered(p image.Point, rs []Region) bool {
	for _, r := range rs {
		if p.In(r.Rect) {
			return true
		}
	}
	return false
}
