package rfb

import (
	"fmt"
	"image"
	"io"
)

// DecodeRaw reads the pixels of rectangle r in Raw encoding (RFC 6143,
// 7.7.1) and stores their gray levels in dst. r must lie inside dst, as
// CheckRect ensures. scratch is reused between calls to hold one row.
func DecodeRaw(src io.Reader, conv *Converter, dst *image.Gray, r image.Rectangle, scratch *[]byte) error {
	bpp := conv.pf.BytesPerPixel()
	row := grow(scratch, r.Dx()*bpp)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		if _, err := io.ReadFull(src, row); err != nil {
			return fmt.Errorf("rfb: reading Raw rectangle %v: %w", r, err)
		}
		o := dst.PixOffset(r.Min.X, y)
		conv.GrayRow(dst.Pix[o:o+r.Dx()], row)
	}
	return nil
}

// EncodeRaw appends the pixels of a w by h rectangle, given row by row in
// pix, to b in Raw encoding.
func EncodeRaw(b []byte, pf PixelFormat, pix []uint32) []byte {
	bpp := pf.BytesPerPixel()
	var px [4]byte
	for _, p := range pix {
		pf.PutPixel(px[:], p)
		b = append(b, px[:bpp]...)
	}
	return b
}

// grow returns (*buf)[:n], growing *buf when it is shorter.
func grow(buf *[]byte, n int) []byte {
	if cap(*buf) < n {
		*buf = make([]byte, n)
	}
	return (*buf)[:n]
}

// CopyRect copies the pixels of dst at from to rectangle r, as the
// CopyRect encoding requires (RFC 6143, 7.7.2). Overlapping areas are copied
// as if through a temporary buffer. Both rectangles must lie inside dst.
func CopyRect(dst *image.Gray, r image.Rectangle, from image.Point) {
	w := r.Dx()
	copyRow := func(y int) {
		s := dst.PixOffset(from.X, from.Y+y)
		d := dst.PixOffset(r.Min.X, r.Min.Y+y)
		copy(dst.Pix[d:d+w], dst.Pix[s:s+w]) // copy handles overlap within a row
	}
	if from.Y < r.Min.Y {
		// Moving down: copy the bottom row first so that no source row
		// is overwritten before it is read.
		for y := r.Dy() - 1; y >= 0; y-- {
			copyRow(y)
		}
		return
	}
	for y := range r.Dy() {
		copyRow(y)
	}
}
