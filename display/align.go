package display

import "image"

// AlignRect grows r to the alignment that the panel needs for mode m,
// clips it to the panel and enforces the panel's minimum size. The right
// and bottom edges may stop at the panel's edge when the panel size is
// not itself aligned. It returns an empty rectangle when r does not touch
// the panel.
func AlignRect(r image.Rectangle, info Info, m Mode) image.Rectangle {
	bounds := info.Bounds()
	r = r.Intersect(bounds)
	if r.Empty() {
		return image.Rectangle{}
	}
	ax, ay := info.Align.X, info.Align.Y
	if s, ok := info.Spec(m); ok && s.AlignX > ax {
		ax = s.AlignX
	}
	r.Min.X, r.Max.X = alignSpan(r.Min.X, r.Max.X, ax, info.MinSize.X, info.Width)
	r.Min.Y, r.Max.Y = alignSpan(r.Min.Y, r.Max.Y, ay, info.MinSize.Y, info.Height)
	return r
}

// alignSpan grows [lo, hi) to multiples of a, at least minLen long,
// within [0, limit).
func alignSpan(lo, hi, a, minLen, limit int) (int, int) {
	if a < 1 {
		a = 1
	}
	lo = lo / a * a
	hi = (hi + a - 1) / a * a
	for hi-lo < minLen {
		if hi < limit {
			hi += a
		} else if lo > 0 {
			lo -= a
		} else {
			break
		}
	}
	if hi > limit {
		hi = limit
	}
	return lo, hi
}
