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
// Blocks of rows are compared with bytes.Equal, the standard library's
// vectorized comparison, and halved while they differ. Only rows that
// differ are scanned 64 bits at a time for their first and last changed
// byte.
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
	group := 1
	if r.Min.X == 0 && r.Max.X == a.Width {
		// The rows of r are contiguous, so groups of rows are compared
		// in one call, which settles unchanged areas at memory speed.
		// Padding bytes at the row ends take part, which can only cost
		// speed.
		group = max(diffGroupBytes/a.Stride, 1)
	}

	d := differ{a: a, b: b, r: r, b0: b0, b1: b1, dst: dst}
	for y := r.Min.Y; y < r.Max.Y; y += group {
		d.rows(y, min(y+group, r.Max.Y), group > 1)
	}
	dst = d.dst
	band := d.band
	return appendBand(dst, &band)
}

// differ holds the state of one Diff call.
type differ struct {
	a, b   *Frame
	r      image.Rectangle
	b0, b1 int // the bytes of each row that r covers
	dst    []image.Rectangle
	band   image.Rectangle
}

// rows diffs rows y0 to y1. When whole is true the rows are contiguous
// in memory: the block is compared in one call, and a block that
// differs is halved until it is a few rows high.
func (d *differ) rows(y0, y1 int, whole bool) {
	s := d.a.Stride
	if whole && y1-y0 > 1 {
		if bytes.Equal(d.a.Pix[y0*s:y1*s], d.b.Pix[y0*s:y1*s]) {
			d.dst = appendBand(d.dst, &d.band)
			return
		}
		if y1-y0 > 4 {
			mid := (y0 + y1) / 2
			d.rows(y0, mid, true)
			d.rows(mid, y1, true)
			return
		}
	}
	for y := y0; y < y1; y++ {
		o := y * s
		ra, rb := d.a.Pix[o+d.b0:o+d.b1], d.b.Pix[o+d.b0:o+d.b1]
		if bytes.Equal(ra, rb) {
			d.dst = appendBand(d.dst, &d.band)
			continue
		}
		first, last := firstDiff(ra, rb), lastDiff(ra, rb)
		ppb := 8 / d.a.Depth
		row := image.Rect((d.b0+first)*ppb, y, (d.b0+last+1)*ppb, y+1)
		d.band = d.band.Union(row.Intersect(d.r))
	}
}

// diffGroupBytes is the size of the blocks of whole rows that Diff
// compares in one call before it looks at single rows.
const diffGroupBytes = 4096

// appendBand appends a band that is not empty to dst and clears it.
func appendBand(dst []image.Rectangle, band *image.Rectangle) []image.Rectangle {
	if !band.Empty() {
		dst = append(dst, *band)
		*band = image.Rectangle{}
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
