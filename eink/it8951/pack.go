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
}

// level returns the gray level of native pixel (x, y) scaled to bits.
func (p packer) level(x, y, bits int) uint8 {
	fx, fy := p.rot.FramePoint(x, y, p.nw, p.nh)
	v := int(p.f.GrayAt(fx, fy))
	return uint8((v*(1<<bits-1) + int(p.f.White())/2) / int(p.f.White()))
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
	if p.rot == 0 && p.f.Depth == bits {
		return p.copyRows(nr)
	}
	out := make([]byte, 0, nr.Dx()*nr.Dy()*bits/8)
	for y := nr.Min.Y; y < nr.Max.Y; y++ {
		for x := nr.Min.X; x < nr.Max.X; x += 8 / bits {
			var b byte
			for i := 0; i < 8/bits; i++ {
				b = b<<bits | p.level(x+i, y, bits)
			}
			out = append(out, b)
		}
	}
	return out
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
	for y := nr.Min.Y; y < nr.Max.Y; y++ {
		for x := nr.Min.X; x < nr.Max.X; x += 8 {
			var w uint16
			for i := 0; i < 8; i++ {
				w |= uint16(p.level(x+i, y, 2)) << (2 * i)
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
	i := 0
	for y := nr.Min.Y; y < nr.Max.Y; y++ {
		for x := nr.Min.X; x < nr.Max.X; x += 16 {
			out[i], out[i+1] = p.byte1(x+8, y), p.byte1(x, y)
			i += 2
		}
	}
	return out
}

// byte1 returns the 8 pixels from native (x, y), leftmost in bit 0.
func (p packer) byte1(x, y int) byte {
	f := p.f
	if p.rot == 0 && x+8 <= f.Width {
		switch f.Depth {
		case 1:
			return bits.Reverse8(f.Pix[y*f.Stride+x/8])
		case 4:
			o := y*f.Stride + x/2
			row := f.Pix[o : o+4]
			return nib[row[0]] | nib[row[1]]<<2 | nib[row[2]]<<4 | nib[row[3]]<<6
		}
	}
	var b byte
	for i := 0; i < 8; i++ {
		if x+i < p.nw && p.level(x+i, y, 1) == 1 {
			b |= 1 << i
		}
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
