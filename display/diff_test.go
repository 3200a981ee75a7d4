package display

import (
	"bytes"
	"image"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestDiffUnchangedFrameIsEmpty(t *testing.T) {
	for _, depth := range []int{1, 2, 4, 8} {
		a := NewFrame(203, 17, depth)
		a.FillRect(image.Rect(5, 5, 40, 9), 0)
		if got := Diff(nil, a, a.Clone(), a.Bounds()); len(got) != 0 {
			t.Errorf("depth %d: Diff of equal frames = %v, want none", depth, got)
		}
	}
}

func TestDiffTable(t *testing.T) {
	tests := []struct {
		name  string
		depth int
		hint  image.Rectangle
		paint []image.Rectangle
		want  []image.Rectangle
	}{
		{"one glyph 1bpp", 1, image.Rect(0, 0, 200, 40), []image.Rectangle{image.Rect(17, 3, 22, 9)},
			[]image.Rectangle{image.Rect(16, 3, 24, 9)}},
		{"two bands split by a clean row", 4, image.Rect(0, 0, 200, 40),
			[]image.Rectangle{image.Rect(10, 2, 12, 4), image.Rect(100, 5, 101, 6)},
			[]image.Rectangle{image.Rect(10, 2, 12, 4), image.Rect(100, 5, 102, 6)}},
		{"hint trims the change", 8, image.Rect(0, 0, 50, 10), []image.Rectangle{image.Rect(40, 0, 60, 2)},
			[]image.Rectangle{image.Rect(40, 0, 50, 2)}},
		{"change outside hint", 4, image.Rect(0, 0, 50, 10), []image.Rectangle{image.Rect(60, 0, 70, 2)}, nil},
		{"last word of a row", 1, image.Rect(0, 0, 203, 40), []image.Rectangle{image.Rect(200, 39, 203, 40)},
			[]image.Rectangle{image.Rect(200, 39, 203, 40)}},
		{"band spans rows of different widths", 2, image.Rect(0, 0, 203, 40),
			[]image.Rectangle{image.Rect(8, 10, 12, 11), image.Rect(100, 11, 110, 12)},
			[]image.Rectangle{image.Rect(8, 10, 112, 12)}},
	}
	for _, tt := range tests {
		a := NewFrame(203, 40, tt.depth)
		b := a.Clone()
		for _, r := range tt.paint {
			b.FillRect(r, 0)
		}
		got := Diff(nil, a, b, tt.hint)
		if !sameRects(got, tt.want) {
			t.Errorf("%s: Diff = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func sameRects(a, b []image.Rectangle) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestDiffCoversEveryChange checks Diff against a pixel-by-pixel
// comparison on random frames, hints and depths.
func TestDiffCoversEveryChange(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 300; round++ {
		depth := []int{1, 2, 4, 8}[rng.IntN(4)]
		w, h := 1+rng.IntN(150), 1+rng.IntN(30)
		a := NewFrame(w, h, depth)
		b := a.Clone()
		for i := rng.IntN(6); i > 0; i-- {
			b.SetGray(rng.IntN(w), rng.IntN(h), uint8(rng.IntN(256)))
		}
		x0, y0 := rng.IntN(w+4)-2, rng.IntN(h+4)-2
		hint := image.Rect(x0, y0, x0+rng.IntN(w+4), y0+rng.IntN(h+4))
		got := Diff(nil, a, b, hint)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				p := image.Pt(x, y)
				inside := p.In(hint)
				changed := a.GrayAt(x, y) != b.GrayAt(x, y)
				if inside && changed && !rectsContain(got, p) {
					t.Fatalf("round %d: changed pixel %v in hint %v not in %v", round, p, hint, got)
				}
			}
		}
		for _, r := range got {
			if !r.In(hint.Intersect(a.Bounds())) {
				t.Fatalf("round %d: band %v leaves hint %v", round, r, hint)
			}
			if !Differs(a, b, r) {
				t.Fatalf("round %d: band %v has no change", round, r)
			}
		}
	}
}

// TestDiffLargeFrameMatchesPixels checks Diff on whole frames that span
// many chunks, against a pixel-by-pixel comparison.
func TestDiffLargeFrameMatchesPixels(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for round := 0; round < 24; round++ {
		depth := []int{1, 2, 4, 8}[round%4]
		w, h := 300+rng.IntN(600), 40+rng.IntN(200)
		a := NewFrame(w, h, depth)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				a.SetGray(x, y, uint8(rng.Uint32()))
			}
		}
		b := a.Clone()
		for i := rng.IntN(12); i > 0; i-- {
			x, y := rng.IntN(w), rng.IntN(h)
			b.FillRect(image.Rect(x, y, x+1+rng.IntN(20), y+1+rng.IntN(20)), uint8(rng.IntN(256)))
		}
		got := Diff(nil, a, b, a.Bounds())
		for y := 0; y < h; y++ {
			rowChanged := false
			for x := 0; x < w; x++ {
				changed := a.GrayAt(x, y) != b.GrayAt(x, y)
				rowChanged = rowChanged || changed
				if changed && !rectsContain(got, image.Pt(x, y)) {
					t.Fatalf("round %d: changed pixel (%d,%d) not in %v", round, x, y, got)
				}
			}
			if anyBandHasRow(got, y) && !rowChanged {
				t.Fatalf("round %d: row %d has no change but is in %v", round, y, got)
			}
		}
	}
}

// FuzzDiff checks Diff on frames built from the input against a
// pixel-by-pixel comparison: every changed pixel inside the hint is in a
// band, every band lies in the hint, and every band row has a change.
func FuzzDiff(f *testing.F) {
	f.Add(uint8(0), uint16(203), uint8(40), []byte{1, 2, 3, 200, 7})
	f.Add(uint8(3), uint16(640), uint8(90), []byte("a changed cell"))
	f.Fuzz(func(t *testing.T, pick uint8, width uint16, height uint8, data []byte) {
		depth := []int{1, 2, 4, 8}[pick%4]
		w, h := 1+int(width)%1000, 1+int(height)
		a := NewFrame(w, h, depth)
		for i := 0; i < w*h && len(data) > 0; i += 1 + int(data[0])%97 {
			a.SetGray(i%w, i/w, data[0]*37)
		}
		b := a.Clone()
		for i := 0; i+3 <= len(data); i += 3 {
			x, y := (int(data[i])*7+int(data[i+1]))%w, int(data[i+1])%h
			b.SetGray(x, y, data[i+2])
		}
		hint := b.Bounds()
		if pick&4 != 0 && len(data) >= 2 {
			x0, y0 := int(data[0])%w, int(data[1])%h
			hint = image.Rect(x0, y0, x0+w/2+1, y0+h/2+1)
		}
		got := Diff(nil, a, b, hint)
		for y := 0; y < h; y++ {
			changed := false
			for x := 0; x < w; x++ {
				p := image.Pt(x, y)
				if a.GrayAt(x, y) == b.GrayAt(x, y) || !p.In(hint) {
					continue
				}
				changed = true
				if !rectsContain(got, p) {
					t.Fatalf("changed pixel %v in hint %v not in %v", p, hint, got)
				}
			}
			if anyBandHasRow(got, y) && !changed {
				t.Fatalf("row %d has no change in hint %v but is in %v", y, hint, got)
			}
		}
		for _, r := range got {
			if !r.In(hint.Intersect(a.Bounds())) {
				t.Fatalf("band %v leaves hint %v", r, hint)
			}
		}
	})
}

// anyBandHasRow reports whether row y lies inside one of the bands.
func anyBandHasRow(bands []image.Rectangle, y int) bool {
	for _, r := range bands {
		if y >= r.Min.Y && y < r.Max.Y {
			return true
		}
	}
	return false
}

func rectsContain(rs []image.Rectangle, p image.Point) bool {
	for _, r := range rs {
		if p.In(r) {
			return true
		}
	}
	return false
}

// diffRun is the number of diffs, and of bytes.Equal calls, timed
// together in BenchmarkDiff.
const diffRun = 16

// BenchmarkDiff diffs whole frames and reports the speed as a fraction
// of bytes.Equal over the same buffers in the same run, the
// memory-speed limit: 1 means as fast as bytes.Equal.
func BenchmarkDiff(b *testing.B) {
	// A keystroke paints the typed glyph and moves the cursor one cell
	// on: two adjacent cells of one line. The scattered case changes
	// three cells on three random lines, which makes Diff read three
	// areas again instead of one.
	cases := []struct {
		name          string
		w, h, depth   int
		changedGlyphs int
		adjacent      bool
	}{
		{"1872x1404x4/unchanged", 1872, 1404, 4, 0, false},
		{"1872x1404x4/keystroke", 1872, 1404, 4, 2, true},
		{"1872x1404x4/scattered", 1872, 1404, 4, 3, false},
		{"800x480x1/unchanged", 800, 480, 1, 0, false},
		{"800x480x1/keystroke", 800, 480, 1, 2, true},
		{"800x480x1/scattered", 800, 480, 1, 3, false},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			a := NewFrame(c.w, c.h, c.depth)
			rng := rand.New(rand.NewPCG(3, 4))
			for i := range a.Pix {
				a.Pix[i] = byte(rng.Uint32())
			}
			other := a.Clone()
			x, y := rng.IntN(c.w-32), rng.IntN(c.h-32)
			for i := 0; i < c.changedGlyphs; i++ {
				if !c.adjacent {
					x, y = rng.IntN(c.w-32), rng.IntN(c.h-32)
				}
				other.FillRect(image.Rect(x, y, x+8, y+16), 0)
				x += 8
			}
			equal := a.Clone()
			var rects []image.Rectangle
			var diffTime, limit time.Duration
			sink := false
			// Diff and bytes.Equal alternate in short runs, so that load
			// from other processes hits both alike.
			for b.Loop() {
				start := time.Now()
				for range diffRun {
					rects = Diff(rects[:0], a, other, a.Bounds())
				}
				mid := time.Now()
				for range diffRun {
					sink = sink != bytes.Equal(a.Pix, equal.Pix)
				}
				diffTime += mid.Sub(start)
				limit += time.Since(mid)
			}
			b.ReportMetric(float64(limit)/float64(diffTime), "of-limit")
			b.ReportMetric(float64(diffTime.Nanoseconds())/float64(b.N*diffRun), "ns/diff")
			b.ReportMetric(float64(len(rects)), "bands")
			_ = sink
		})
	}
}

// TestDiffBlocksMatchesBytes checks diffBlocks, vector code on x86-64,
// against the byte-by-byte form on slices of every length up to 300 at
// every offset into a word, with room for one block, two, or many.
func TestDiffBlocksMatchesBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	buf := make([]byte, 320)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	for n := 0; n <= 300; n++ {
		for skew := 0; skew < 8; skew++ {
			a := buf[skew : skew+n]
			b := bytes.Clone(a)
			for k := rng.IntN(6); k > 0 && n > 0; k-- {
				b[rng.IntN(n)] ^= byte(1 + rng.IntN(255))
			}
			for _, room := range []int{1, 2, 64} {
				got, want := make([]diffBlock, room), make([]diffBlock, room)
				gn, gnext := diffBlocks(a, b, got)
				wn, wnext := diffBlocksGo(a, b, want)
				if gn != wn || gnext != wnext || !slices.Equal(got, want) {
					t.Fatalf("len %d skew %d room %d: got %d %d %v, want %d %d %v",
						n, skew, room, gn, gnext, got[:gn], wn, wnext, want[:wn])
				}
			}
		}
	}
}

// TestDiffSearchMatchesWhole checks that both ways of diffing whole rows,
// the vector search and the bytes.Equal blocks, give the same bands,
// with enough changes that the search refills its list of blocks.
func TestDiffSearchMatchesWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for round := 0; round < 40; round++ {
		depth := []int{1, 2, 4, 8}[round%4]
		w, h := 1+rng.IntN(900), 1+rng.IntN(300)
		a := NewFrame(w, h, depth)
		b := a.Clone()
		for i := rng.IntN(300); i > 0; i-- {
			x, y := rng.IntN(w), rng.IntN(h)
			b.FillRect(image.Rect(x, y, x+1+rng.IntN(40), y+1+rng.IntN(6)), uint8(rng.IntN(256)))
		}
		y0 := rng.IntN(h)
		r := image.Rect(0, y0, w, y0+1+rng.IntN(h-y0))
		diff := func(search bool) []image.Rectangle {
			d := differ{a: a, b: b, r: r, y0: -1, lastY: -2}
			if search {
				d.search()
			} else {
				d.whole()
			}
			d.flush()
			return d.dst
		}
		if got, want := diff(true), diff(false); !slices.Equal(got, want) {
			t.Fatalf("round %d, %dx%dx%d in %v: search gave %v, blocks gave %v", round, w, h, depth, r, got, want)
		}
	}
}
