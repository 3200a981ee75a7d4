package eink

import (
	"image"

	"github.com/einkterm/einkterm/display"
)

// Pack1 returns native region nr of frame f at one bit per pixel, rows
// top to bottom, the leftmost pixel in the high bit, 1 for white (or 1
// for black when invert is set). nr.Min.X must be a multiple of 8; each
// row takes (nr.Dx()+7)/8 bytes. Native pixels that fall outside the
// frame, such as RAM columns beyond the visible width, are white. Gray
// frames are cut at half their range.
func Pack1(f *display.Frame, rot Rotation, nw, nh int, nr image.Rectangle, invert bool) []byte {
	rowBytes := (nr.Dx() + 7) / 8
	out := make([]byte, rowBytes*nr.Dy())
	if rot == 0 && f.Depth == 1 && nr.Max.X <= f.Width {
		copyRows1(out, f, nr, rowBytes)
	} else {
		packSlow1(out, f, rot, nw, nh, nr, rowBytes)
	}
	if invert {
		for i := range out {
			out[i] = ^out[i]
		}
	}
	return out
}

// copyRows1 copies whole bytes of a 1-bit frame that is not rotated.
func copyRows1(out []byte, f *display.Frame, nr image.Rectangle, rowBytes int) {
	b0 := nr.Min.X / 8
	tail := nr.Dx() % 8
	for y := nr.Min.Y; y < nr.Max.Y; y++ {
		row := out[(y-nr.Min.Y)*rowBytes:][:rowBytes]
		copy(row, f.Pix[y*f.Stride+b0:])
		if tail != 0 {
			row[rowBytes-1] |= 0xFF >> tail
		}
	}
}

func packSlow1(out []byte, f *display.Frame, rot Rotation, nw, nh int, nr image.Rectangle, rowBytes int) {
	half := f.White()/2 + 1
	for ny := nr.Min.Y; ny < nr.Max.Y; ny++ {
		row := out[(ny-nr.Min.Y)*rowBytes:]
		for nx := nr.Min.X; nx < nr.Min.X+rowBytes*8; nx++ {
			white := true
			if nx < nr.Max.X && nx < nw && ny < nh {
				x, y := rot.FramePoint(nx, ny, nw, nh)
				white = f.GrayAt(x, y) >= half
			}
			if white {
				i := nx - nr.Min.X
				row[i/8] |= 0x80 >> (i % 8)
			}
		}
	}
}
