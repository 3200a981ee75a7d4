package display

import "image"

// AlignRect grows r to the alignment that the panel needs for mode m,
// clips it to the panel and enforces the panel's minimum size.
//
// The allowed edges on each axis are the panel's two edges and every
// multiple of the alignment counted from Info.AlignOrigin. So a region
// may stop at the panel's right or bottom edge when the panel size is
// not itself aligned (122 px wide SSD1680 panels). It may also stop at
// the left or top edge when Rotate has moved the alignment grid. A region below
// MinSize grows right or down first and left or up at the panel's edge;
// on a panel smaller than MinSize the result is the whole panel.
//
// AlignRect returns an empty rectangle when r does not touch the panel,
// and returns an aligned region unchanged.
func AlignRect(r image.Rectangle, info Info, m Mode) image.Rectangle {
	bounds := info.Bounds()
	r = r.Intersect(bounds)
	if r.Empty() {
		return image.Rectangle{}
	}
	a := info.ModeAlign(m)
	x := grid{step: a.X, origin: info.AlignOrigin.X, limit: info.Width}
	y := grid{step: a.Y, origin: info.AlignOrigin.Y, limit: info.Height}
	r.Min.X, r.Max.X = x.span(r.Min.X, r.Max.X, info.MinSize.X)
	r.Min.Y, r.Max.Y = y.span(r.Min.Y, r.Max.Y, info.MinSize.Y)
	return r
}

// IsAligned reports whether r is a region that the panel accepts in mode
// m: inside the panel, not empty, on the alignment grid and at least
// MinSize where the panel is that large.
func IsAligned(r image.Rectangle, info Info, m Mode) bool {
	return !r.Empty() && r.In(info.Bounds()) && AlignRect(r, info, m) == r
}

// ModeAlign returns the alignment of a refresh window in mode m: the
// panel's alignment, replaced on each axis by the mode's own when that
// is wider. Zero steps are returned as 1.
func (i Info) ModeAlign(m Mode) Align {
	a := i.Align
	if s, ok := i.Spec(m); ok {
		if s.AlignX > a.X {
			a.X = s.AlignX
		}
		if s.AlignY > a.Y {
			a.Y = s.AlignY
		}
	}
	a.X = max(a.X, 1)
	a.Y = max(a.Y, 1)
	return a
}

// grid is the set of allowed edges on one axis: 0, limit, and every
// origin + k*step inside them.
type grid struct {
	step, origin, limit int
}

// floor returns the largest allowed edge at or below v, for 0 <= v.
func (g grid) floor(v int) int {
	o := mod(g.origin, g.step)
	e := o + floorDiv(v-o, g.step)*g.step
	return max(e, 0)
}

// ceil returns the smallest allowed edge at or above v, for v <= limit.
func (g grid) ceil(v int) int {
	o := mod(g.origin, g.step)
	e := o - floorDiv(o-v, g.step)*g.step
	return min(e, g.limit)
}

// span aligns [lo, hi), which lies within [0, limit), and grows it to
// at least minLen: to the right first, then to the left at the limit.
func (g grid) span(lo, hi, minLen int) (int, int) {
	lo, hi = g.floor(lo), g.ceil(hi)
	for hi-lo < minLen {
		switch {
		case hi < g.limit:
			hi = g.ceil(hi + 1)
		case lo > 0:
			lo = g.floor(lo - 1)
		default:
			return lo, hi
		}
	}
	return lo, hi
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func mod(a, b int) int {
	return a - floorDiv(a, b)*b
}
