package display

import (
	"bytes"
	"encoding/binary"
	"image"
	"math/bits"
)

// Diff appends to dst rectangles that together cover every pixel inside
// r where frames a and b differ, and returns the extended slice. It
// returns dst unchanged when the frames agree inside r.
//
// The rectangles are horizontal bands: each run of rows that have a
// change becomes one band as wide as the changes in those rows, so a
// row with no change splits bands. Widths are whole bytes of the packed
// rows, clipped to r, which may add up to one byte of pixels at either
// side. Both frames must have the same geometry.
//
// Rows are compared with bytes.Equal, the standard library's vectorized
// comparison; only rows that differ are scanned 64 bits at a time for
// their first and last changed byte.
func Diff(dst []image.Rectangle, a, b *Frame, r image.Rectangle) []image.Rectangle {
	if a.Width != b.Width || a.Height != b.Height || a.Depth != b.Depth {
		panic("display: Diff between frames of different geometry")
	}
	r = r.Intersect(a.Bounds())
	if r.Empty() {
		return dst
	}
	b0 := r.Min.X * a.Depth / 8
	b1 := (r.Max.X*a.Depth + 7) / 8
	if r.Min.X == 0 && r.Max.X == a.Width {
		// The rows of r are contiguous, so one comparison settles the
		// common case of a region that did not change. Padding bytes
		// at the row ends take part, which can only cost speed.
		lo, hi := r.Min.Y*a.Stride, r.Max.Y*a.Stride
		if bytes.Equal(a.Pix[lo:hi], b.Pix[lo:hi]) {
			return dst
		}
	}

	band := image.Rectangle{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		o := y * a.Stride
		ra, rb := a.Pix[o+b0:o+b1], b.Pix[o+b0:o+b1]
		if bytes.Equal(ra, rb) {
			if !band.Empty() {
				dst = append(dst, band)
				band = image.Rectangle{}
			}
			continue
		}
		first, last := firstDiff(ra, rb), lastDiff(ra, rb)
		row := image.Rect((b0+first)*8/a.Depth, y, (b0+last+1)*8/a.Depth, y+1)
		band = band.Union(row.Intersect(r))
	}
	if !band.Empty() {
		dst = append(dst, band)
	}
	return dst
}

// Differs reports whether frames a and b differ anywhere inside r.
func Differs(a, b *Frame, r image.Rectangle) bool {
	return len(Diff(nil, a, b, r)) > 0
}

// firstDiff returns the index of the first byte where a and b differ,
// which must exist; a and b have the same length.
func firstDiff(a, b []byte) int {
	i := 0
	for ; i+8 <= len(a); i += 8 {
		x := binary.LittleEndian.Uint64(a[i:]) ^ binary.LittleEndian.Uint64(b[i:])
		if x != 0 {
			return i + bits.TrailingZeros64(x)/8
		}
	}
	for ; i < len(a); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return len(a) - 1
}

// lastDiff returns the index of the last byte where a and b differ,
// which must exist; a and b have the same length.
func lastDiff(a, b []byte) int {
	i := len(a)
	for ; i-8 >= 0; i -= 8 {
		x := binary.LittleEndian.Uint64(a[i-8:]) ^ binary.LittleEndian.Uint64(b[i-8:])
		if x != 0 {
			return i - 1 - bits.LeadingZeros64(x)/8
		}
	}
	for i--; i >= 0; i-- {
		if a[i] != b[i] {
			return i
		}
	}
	return 0
}
