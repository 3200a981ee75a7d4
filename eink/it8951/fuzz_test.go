package it8951

import (
	"image"
	"testing"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/eink"
)

// FuzzPack packs a random frame region the way Dev.show does (rotation,
// mirror, alignment to whole words) at several load depths. It decodes
// the words in the bit order that each IT8951 load argument names. Every
// native pixel must contain the frame pixel shown there, scaled to the
// load's depth, and pixels beyond the panel's width must be white.
func FuzzPack(f *testing.F) {
	// The shape bytes pick the width, height, rotation, mirror, frame
	// depth and load depth (bit 7: 32-pixel alignment). The rect bytes
	// are x0, y0, x1, y1 in 256ths of the frame. The pix bytes seed the
	// frame content.
	f.Add([]byte{0, 16, 0, 0, 2, 0}, []byte{0, 0, 255, 255}, []byte{0x0f, 0xf0, 0x55})
	f.Add([]byte{1, 7, 1, 1, 2, 2}, []byte{3, 200, 4, 201}, []byte{0xaa})
	f.Add([]byte{2, 33, 2, 0, 0, 0}, []byte{250, 0, 255, 10}, []byte{0x81, 0x7e})
	f.Add([]byte{3, 1, 3, 1, 3, 3}, []byte{0, 0, 1, 1}, []byte{0xff, 0x00, 0x12, 0x34})
	f.Add([]byte{0, 64, 1, 0, 2, 1}, []byte{128, 128, 129, 255}, []byte{0x7f})
	f.Add([]byte{5, 5, 0, 1, 1, 3}, []byte{255, 255, 255, 255}, []byte{})
	f.Fuzz(func(t *testing.T, shape, rect, pix []byte) {
		if len(shape) < 6 || len(rect) < 4 {
			return
		}
		depths := []int{1, 2, 4, 8}
		nw := 32 + int(shape[0])%4*16 + int(shape[0])/4%3
		nh := int(shape[1])%64 + 1
		rot := eink.Rotation(int(shape[2]) % 4 * 90)
		mirror := shape[3]%2 == 1
		depth := depths[int(shape[4])%4]
		fw, fh := rot.Size(nw, nh)
		frame := display.NewFrame(fw, fh, depth)
		fillFrame(frame, pix)

		r := fuzzRect(rect, fw, fh)
		if r.Empty() {
			return
		}
		for _, bits := range []int{1, depth, depths[int(shape[5])%4]} {
			align := 16 / bits
			if bits == 1 {
				align = 16
			}
			if shape[5]&0x80 != 0 {
				align = 32
			}
			nr := rot.ToNative(r, nw, nh)
			if mirror {
				nr = image.Rect(nw-nr.Max.X, nr.Min.Y, nw-nr.Min.X, nr.Max.Y)
			}
			nr = alignX(nr, align, nw)
			p := packer{f: frame, rot: rot, nw: nw, nh: nh, mirror: mirror}
			data := p.pack(nr, bits)
			checkPacked(t, p, nr, bits, data)
		}
	})
}

// fuzzRect maps four bytes to a rectangle in w x h, which may be empty.
func fuzzRect(b []byte, w, h int) image.Rectangle {
	x0, x1 := int(b[0])*w/256, int(b[2])*w/256+1
	y0, y1 := int(b[1])*h/256, int(b[3])*h/256+1
	return image.Rect(x0, y0, x1, y1).Intersect(image.Rect(0, 0, w, h))
}

// fillFrame sets every pixel from a repeating seed, so that runs, edges
// and single odd pixels all occur.
func fillFrame(f *display.Frame, seed []byte) {
	if len(seed) == 0 {
		return
	}
	i := 0
	for y := 0; y < f.Height; y++ {
		for x := 0; x < f.Width; x++ {
			b := seed[i%len(seed)]
			f.SetGray(x, y, b>>(uint(x+y)%4)^uint8(i/len(seed)))
			i++
		}
	}
}

// nativeLevel returns the level, scaled to bits, that native pixel (nx,
// ny) must carry: the frame pixel shown there, or white beyond the
// panel's native width.
func nativeLevel(p packer, nx, ny, bits int) uint8 {
	white := p.f.White()
	v := white
	if nx >= 0 && nx < p.nw && ny >= 0 && ny < p.nh {
		sx := nx
		if p.mirror {
			sx = p.nw - 1 - nx
		}
		x, y := p.rot.FramePoint(sx, ny, p.nw, p.nh)
		v = p.f.GrayAt(x, y)
	}
	if bits == p.f.Depth {
		return v
	}
	return uint8((int(v)*(1<<bits-1) + int(white)/2) / int(white))
}

// unpackedLevel decodes native pixel i of a row from the row's bytes in
// the bit order of the load at bits per pixel.
func unpackedLevel(row []byte, i, bits int) uint8 {
	switch bits {
	case 1:
		// A word has 16 pixels. Its high byte, sent first, contains
		// pixels 8 to 15, and each byte has its leftmost pixel in bit 0.
		w, k := i/16, i%16
		b := row[2*w+1]
		if k >= 8 {
			b, k = row[2*w], k-8
		}
		return b >> k & 1
	case 2:
		w, k := i/8, i%8
		word := uint16(row[2*w])<<8 | uint16(row[2*w+1])
		return uint8(word >> (2 * k) & 3)
	}
	per := 8 / bits
	b := row[i/per]
	shift := 8 - bits*(i%per+1)
	return b >> shift & (1<<bits - 1)
}

func checkPacked(t *testing.T, p packer, nr image.Rectangle, bits int, data []byte) {
	t.Helper()
	rowBytes := nr.Dx() * bits / 8
	if nr.Min.X < 0 || nr.Max.X > p.nw || nr.Min.Y < 0 || nr.Max.Y > p.nh {
		t.Fatalf("%dx%d rot %d mirror %v: native region %v leaves the panel", p.nw, p.nh, p.rot, p.mirror, nr)
	}
	if len(data) != rowBytes*nr.Dy() {
		t.Fatalf("%dx%d rot %d: %v at %d bpp packed to %d bytes, want %d",
			p.nw, p.nh, p.rot, nr, bits, len(data), rowBytes*nr.Dy())
	}
	for y := nr.Min.Y; y < nr.Max.Y; y++ {
		row := data[(y-nr.Min.Y)*rowBytes:][:rowBytes]
		for x := nr.Min.X; x < nr.Max.X; x++ {
			got := unpackedLevel(row, x-nr.Min.X, bits)
			want := nativeLevel(p, x, y, bits)
			if got != want {
				t.Fatalf("%dx%d rot %d mirror %v depth %d: native pixel (%d,%d) of %v at %d bpp = %d, want %d",
					p.nw, p.nh, p.rot, p.mirror, p.f.Depth, x, y, nr, bits, got, want)
			}
		}
	}
}
