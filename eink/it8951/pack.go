package it8951

import (
	"image"
	"math/bits"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/eink"
)

// Load arguments: endian<<8 | bpp code<<4. Big-endian 4 and 8 bpp words
// carry the leftmost pixel in the high bits, the frame's own order.
const (
	arg2LE = 0x0000
	arg4BE = 0x0120
	arg8LE = 0x0030
	arg8BE = 0x0130
)

// packer packs native region nr of a frame for a load at bits per pixel.
type packer struct {
	f      *display.Frame
	rot    eink.Rotation
	nw, nh int
	mirror bool // native column x shows column nw-1-x of the image
}

// pack returns the words of nr at bits per pixel, rows starting on a word.
// x edges of nr are multiples of the pixels per word.
func (p packer) pack(nr image.Rectangle, bits int) []byte {
	switch bits {
	case 1:
		return p.pack1(nr)
	case 2:
		return p.pack2(nr)
	}
	if p.rot == 0 && !p.mirror && p.f.Depth == bits {
		return p.copyRows(nr)
	}
	out := make([]byte, 0, nr.Dx()*nr.Dy()*bits/8)
	row := make([]uint8, nr.Dx())
	for y := nr.Min.Y; y < nr.Max.Y; y++ {
		p.row(row, nr.Min.X, y, bits)
		for i := 0; i < len(row); i += 8 / bits {
			var b byte
			for _, v := range row[i : i+8/bits] {
				b = b<<bits | v
			}
			out = append(out, b)
		}
	}
	return out
}

// row fills dst with the levels, scaled to bits, of the native pixels
// from (nx, ny) rightwards, walking the frame instead of mapping each
// pixel. Pixels outside the frame are white.
func (p packer) row(dst []uint8, nx, ny, bits int) {
	f := p.f
	x, y, dx, dy := p.rot.Walk(nx, ny, p.nw, p.nh)
	if p.mirror {
		x, y, dx, dy = p.rot.Walk(p.nw-1-nx, ny, p.nw, p.nh)
		dx, dy = -dx, -dy
	}
	white := f.White()
	for i := range dst {
		var v uint8
		if x < 0 || y < 0 || x >= f.Width || y >= f.Height {
			v = white
		} else {
			bit := x * f.Depth
			v = f.Pix[y*f.Stride+bit/8] >> (8 - f.Depth - bit%8) & white
		}
		dst[i] = v
		x, y = x+dx, y+dy
	}
	if bits != f.Depth {
		for i, v := range dst {
			dst[i] = uint8((int(v)*(1<<bits-1) + int(white)/2) / int(white))
		}
	}
}

// copyRows copies the frame's bytes, which already are big-endian words.
func (p packer) copyRows(nr image.Rectangle) []byte {
	f := p.f
	b0, b1 := nr.Min.X*f.Depth/8, nr.Max.X*f.Depth/8
	out := make([]byte, 0, (b1-b0)*nr.Dy())
	for y := nr.Min.Y; y < nr.Max.Y; y++ {
		out = append(out, f.Pix[y*f.Stride+b0:y*f.Stride+b1]...)
	}
	return out
}

// pack2 packs little-endian 2-bit words: p0 in bits 1:0, p7 in 15:14.
func (p packer) pack2(nr image.Rectangle) []byte {
	out := make([]byte, 0, nr.Dx()*nr.Dy()/4)
	row := make([]uint8, nr.Dx())
	for y := nr.Min.Y; y < nr.Max.Y; y++ {
		p.row(row, nr.Min.X, y, 2)
		for i := 0; i < len(row); i += 8 {
			var w uint16
			for j, v := range row[i : i+8] {
				w |= uint16(v) << (2 * j)
			}
			out = append(out, byte(w>>8), byte(w))
		}
	}
	return out
}

// pack1 packs 1-bit pixels for the 8-bit little-endian load path: each
// byte holds 8 pixels with the leftmost in bit 0, white as 1, and each
// word carries pixels 8..15 in its high byte, sent first.
func (p packer) pack1(nr image.Rectangle) []byte {
	out := make([]byte, nr.Dx()/8*nr.Dy())
	fast := p.rot == 0 && !p.mirror && nr.Max.X <= p.f.Width && (p.f.Depth == 1 || p.f.Depth == 4)
	row := make([]uint8, nr.Dx())
	i := 0
	for y := nr.Min.Y; y < nr.Max.Y; y++ {
		if !fast {
			p.row(row, nr.Min.X, y, 1)
		}
		for x := nr.Min.X; x < nr.Max.X; x += 16 {
			if fast {
				out[i], out[i+1] = p.byte1(x+8, y), p.byte1(x, y)
			} else {
				k := x - nr.Min.X
				out[i], out[i+1] = bitsLSB(row[k+8:k+16]), bitsLSB(row[k:k+8])
			}
			i += 2
		}
	}
	return out
}

// byte1 returns the 8 pixels from (x, y) of a frame that is not rotated,
// leftmost in bit 0.
func (p packer) byte1(x, y int) byte {
	f := p.f
	if f.Depth == 1 {
		return bits.Reverse8(f.Pix[y*f.Stride+x/8])
	}
	o := y*f.Stride + x/2
	row := f.Pix[o : o+4]
	return nib[row[0]] | nib[row[1]]<<2 | nib[row[2]]<<4 | nib[row[3]]<<6
}

// bitsLSB packs 8 one-bit levels, the first in bit 0.
func bitsLSB(v []uint8) byte {
	var b byte
	for i, l := range v {
		b |= l << i
	}
	return b
}

// nib maps a byte of two 4-bit pixels to two bits, the left pixel in bit
// 0, each set when the pixel is in the light half.
var nib = func() (t [256]byte) {
	for b := range t {
		if b>>4 >= 8 {
			t[b] |= 1
		}
		if b&15 >= 8 {
			t[b] |= 2
		}
	}
	return t
}()
