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
// When r spans whole rows, which are then contiguous in memory, Diff
// reads unchanged areas at about the speed of bytes.Equal. On x86-64
// with AVX2 a vector loop lists the 64-byte blocks that differ, and
// elsewhere bytes.Equal compares blocks of 1 to 4 KiB. Each differing
// word marks its row and bytes. Narrower rows are compared one by one.
func Diff(dst []image.Rectangle, a, b *Frame, r image.Rectangle) []image.Rectangle {
	if a.Width != b.Width || a.Height != b.Height || a.Depth != b.Depth {
		panic("display: Diff between frames of different geometry")
	}
	r = r.Intersect(a.Bounds())
	if r.Empty() {
		return dst
	}
	d := differ{a: a, b: b, r: r, dst: dst, y0: -1, lastY: -2}
	switch {
	case r.Min.X != 0 || r.Max.X != a.Width:
		d.rows()
	case haveDiffBlocks:
		d.search()
	default:
		d.whole()
	}
	d.flush()
	return d.dst
}

// differ holds the state of one Diff call.
type differ struct {
	a, b *Frame
	r    image.Rectangle
	dst  []image.Rectangle

	// The band being built covers rows y0 to lastY and bytes first to
	// last of each row. y0 is -1 while there is no band.
	y0, lastY   int
	first, last int

	// rowY and rowStart are the row that word found last and the
	// offset of its first byte.
	rowY, rowStart int
}

// diffChunk is the size of the blocks that Diff reads word by word when
// they differ. Chunk borders fall on multiples of the chunk size within
// the frame's pixels, so the vector loads of bytes.Equal stay aligned as
// the buffer is.
const diffChunk = 1024

// diffMaxChunk is the largest block that Diff compares in one call. Each
// equal block doubles the next one up to it, which saves calls over
// unchanged areas. A larger block that differs is compared again in
// diffChunk blocks. On an 800x480 1-bit frame with three changed cells,
// 8 KiB blocks measured slower than 4 KiB ones.
const diffMaxChunk = 4096

// search diffs the full-width rows of r with diffBlocks, then marks the
// differing bytes of each block it returns. Changes in the padding at
// row ends are dropped by bytes.
func (d *differ) search() {
	s := d.a.Stride
	lo, hi := d.r.Min.Y*s, d.r.Max.Y*s
	pa, pb := d.a.Pix[lo:hi], d.b.Pix[lo:hi]
	var found [64]diffBlock
	o := 0
	for {
		n, next := diffBlocks(pa[o:], pb[o:], found[:])
		for _, f := range found[:n] {
			for m := f.mask; m != 0; {
				k := bits.TrailingZeros64(m) &^ 7
				d.bytes(lo+o+f.off+k, uint8(m>>k))
				m &^= 0xFF << k
			}
		}
		o += next
		if n < len(found) {
			break
		}
	}
	for ; o < len(pa); o += 8 {
		if x := le(pa[o:]) ^ le(pb[o:]); x != 0 {
			d.word(lo+o, x)
		}
	}
}

// diffBlock is a 64-byte block where two frames differ: its offset, and
// a mask with bit i set when byte i differs.
type diffBlock struct {
	off  int
	mask uint64
}

// diffBlocksGo does what diffBlocks does, a byte at a time. Tests check
// the vector code against it.
func diffBlocksGo(a, b []byte, out []diffBlock) (n, next int) {
	end := len(a) &^ 63
	for o := 0; o < end; o += 64 {
		var mask uint64
		for i := 0; i < 64; i++ {
			if a[o+i] != b[o+i] {
				mask |= 1 << i
			}
		}
		if mask == 0 {
			continue
		}
		out[n] = diffBlock{o, mask}
		if n++; n == len(out) {
			return n, o + 64
		}
	}
	return n, end
}

// whole diffs the rows of r, which span the frame's width, where
// diffBlocks has no vector code. Padding bytes at the row ends take part,
// and word drops a change there.
func (d *differ) whole() {
	s := d.a.Stride
	lo, hi := d.r.Min.Y*s, d.r.Max.Y*s
	pa, pb := d.a.Pix[:hi], d.b.Pix[:hi]
	size := diffChunk
	for c := lo; c < hi; {
		e := min((c/size+1)*size, hi)
		switch {
		case bytes.Equal(pa[c:e], pb[c:e]):
			c = e
			size = min(2*size, diffMaxChunk)
		case size > diffChunk:
			size = diffChunk
		default:
			d.words(c, e)
			c = e
		}
	}
}

// words marks every 64-bit word that differs between offsets o0 and o1,
// which are multiples of 8. Rows are 8-byte aligned, so no word spans
// two rows.
func (d *differ) words(o0, o1 int) {
	pa, pb := d.a.Pix[o0:o1], d.b.Pix[o0:o1]
	i := 0
	for ; i+64 <= len(pa); i += 64 {
		wa, wb := (*[64]byte)(pa[i:]), (*[64]byte)(pb[i:])
		// One expression lets the compiler interleave the loads. In Go
		// ^ and | have the same precedence, hence the parentheses.
		x := (le(wa[0:]) ^ le(wb[0:])) | (le(wa[8:]) ^ le(wb[8:])) |
			(le(wa[16:]) ^ le(wb[16:])) | (le(wa[24:]) ^ le(wb[24:])) |
			(le(wa[32:]) ^ le(wb[32:])) | (le(wa[40:]) ^ le(wb[40:])) |
			(le(wa[48:]) ^ le(wb[48:])) | (le(wa[56:]) ^ le(wb[56:]))
		if x == 0 {
			continue
		}
		for k := 0; k < 64; k += 8 {
			if x := le(wa[k:]) ^ le(wb[k:]); x != 0 {
				d.word(o0+i+k, x)
			}
		}
	}
	for ; i < len(pa); i += 8 {
		if x := le(pa[i:]) ^ le(pb[i:]); x != 0 {
			d.word(o0+i, x)
		}
	}
}

// le returns the 64-bit word at the start of b, first byte least
// significant.
func le(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

// word marks the bytes that differ in the word at offset o, given as
// the exclusive or x of the two frames' words. The first byte in memory
// is the least significant.
func (d *differ) word(o int, x uint64) {
	// bytes reads only the first and the last differing byte.
	d.bytes(o, uint8(1)<<(bits.TrailingZeros64(x)/8)|uint8(0x80)>>(bits.LeadingZeros64(x)/8))
}

// bytes marks the bytes that differ in the word at offset o, given as a
// mask with bit i set when byte i differs. Offsets only grow during a
// Diff, so the row is found by stepping on from the last one in most
// calls.
func (d *differ) bytes(o int, m uint8) {
	s := d.a.Stride
	if o-d.rowStart >= 4*s {
		d.rowY = o / s
		d.rowStart = d.rowY * s
	}
	for o-d.rowStart >= s {
		d.rowY++
		d.rowStart += s
	}
	col := o - d.rowStart
	first := col + bits.TrailingZeros8(m)
	last := col + 7 - bits.LeadingZeros8(m)
	if first*8 >= d.r.Max.X*d.a.Depth {
		return // a change in the padding after the row's pixels
	}
	d.mark(d.rowY, first, last)
}

// rows diffs r one row at a time, for an r narrower than the frame. The
// first and last bytes of a row may hold pixels outside r, whose changes
// do not count.
func (d *differ) rows() {
	s, depth := d.a.Stride, d.a.Depth
	b0 := d.r.Min.X * depth / 8
	b1 := (d.r.Max.X*depth + 7) / 8
	n := b1 - b0
	// Masks of the bits of pixels inside r, bit 7 the first pixel.
	left := byte(0xFF >> (d.r.Min.X * depth % 8))
	right := byte(0xFF)
	if tail := d.r.Max.X * depth % 8; tail != 0 {
		right = byte(0xFF << (8 - tail))
	}
	if n == 1 {
		left &= right
		right = left
	}
	for y := d.r.Min.Y; y < d.r.Max.Y; y++ {
		o := y * s
		ra, rb := d.a.Pix[o+b0:o+b1], d.b.Pix[o+b0:o+b1]
		if bytes.Equal(ra, rb) {
			continue
		}
		first := firstDiff(ra, rb)
		if first == 0 && (ra[0]^rb[0])&left == 0 {
			if n == 1 || bytes.Equal(ra[1:], rb[1:]) {
				continue
			}
			first = 1 + firstDiff(ra[1:], rb[1:])
		}
		last := lastDiff(ra, rb)
		if last == n-1 && (ra[n-1]^rb[n-1])&right == 0 {
			if last == first || bytes.Equal(ra[first:n-1], rb[first:n-1]) {
				continue
			}
			last = first + lastDiff(ra[first:n-1], rb[first:n-1])
		}
		d.mark(y, b0+first, b0+last)
	}
}

// mark adds bytes first to last of row y to the band, first closing
// the band if the row before y had no change.
func (d *differ) mark(y, first, last int) {
	if y > d.lastY+1 {
		d.flush()
	}
	if d.y0 < 0 {
		d.y0, d.first, d.last = y, first, last
	}
	d.first, d.last = min(d.first, first), max(d.last, last)
	d.lastY = y
}

// flush appends the band, clipped to r, to dst if it is not empty, and
// clears it.
func (d *differ) flush() {
	if d.y0 < 0 {
		return
	}
	ppb := 8 / d.a.Depth
	band := image.Rect(d.first*ppb, d.y0, (d.last+1)*ppb, d.lastY+1).Intersect(d.r)
	if !band.Empty() {
		d.dst = append(d.dst, band)
	}
	d.y0 = -1
}

// Differs reports whether frames a and b differ anywhere inside r.
func Differs(a, b *Frame, r image.Rectangle) bool {
	return len(Diff(nil, a, b, r)) > 0
}

// firstDiff returns the index of the first byte where a and b differ,
// or len(a) when they agree. a and b have the same length.
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
	return len(a)
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
