package fb

import "fmt"

// Bitfield is one colour channel of a pixel: Length bits starting at bit
// Offset of the pixel value, as in struct fb_bitfield.
type Bitfield struct {
	Offset, Length uint32
}

// Format is a framebuffer pixel layout.
type Format struct {
	// BitsPerPixel is 8, 16, 24 or 32.
	BitsPerPixel int

	// Gray is true for a grayscale device, whose pixel value is the gray
	// level itself (8 bits per pixel only).
	Gray bool

	// Inverted is true for a grayscale device where 0 is white, which
	// the kernel reports as grayscale 2 (GRAYSCALE_8BIT_INVERTED in the
	// i.MX mxcfb.h headers).
	Inverted bool

	// Red, Green and Blue place the channels of a colour pixel.
	Red, Green, Blue Bitfield
}

// Common layouts, as the kernel reports them on little-endian machines.
var (
	RGB565   = Format{BitsPerPixel: 16, Red: Bitfield{11, 5}, Green: Bitfield{5, 6}, Blue: Bitfield{0, 5}}
	XRGB8888 = Format{BitsPerPixel: 32, Red: Bitfield{16, 8}, Green: Bitfield{8, 8}, Blue: Bitfield{0, 8}}
	XBGR8888 = Format{BitsPerPixel: 32, Red: Bitfield{0, 8}, Green: Bitfield{8, 8}, Blue: Bitfield{16, 8}}
	RGB888   = Format{BitsPerPixel: 24, Red: Bitfield{16, 8}, Green: Bitfield{8, 8}, Blue: Bitfield{0, 8}}
	Gray8    = Format{BitsPerPixel: 8, Gray: true}

	Gray8Inverted = Format{BitsPerPixel: 8, Gray: true, Inverted: true}
)

// String returns a short name such as "RGB565" or "gray8".
func (f Format) String() string {
	switch f {
	case RGB565:
		return "RGB565"
	case XRGB8888:
		return "XRGB8888"
	case XBGR8888:
		return "XBGR8888"
	case RGB888:
		return "RGB888"
	case Gray8:
		return "gray8"
	case Gray8Inverted:
		return "gray8-inverted"
	}
	return fmt.Sprintf("%dbpp(r%d/%d g%d/%d b%d/%d)", f.BitsPerPixel,
		f.Red.Offset, f.Red.Length, f.Green.Offset, f.Green.Length,
		f.Blue.Offset, f.Blue.Length)
}

// BytesPerPixel returns BitsPerPixel/8.
func (f Format) BytesPerPixel() int { return f.BitsPerPixel / 8 }

// Validate returns an error when the layout is one the converter cannot
// write.
func (f Format) Validate() error {
	switch {
	case f.BitsPerPixel == 8 && f.Gray:
		return nil
	case f.BitsPerPixel == 8:
		return fmt.Errorf("fb: 8 bpp palette framebuffers are not supported: set a grayscale or 16/32 bpp mode with fbset")
	case f.BitsPerPixel == 16 || f.BitsPerPixel == 24 || f.BitsPerPixel == 32:
	default:
		return fmt.Errorf("fb: %d bits per pixel is not supported: use 8 (gray), 16, 24 or 32", f.BitsPerPixel)
	}
	for _, c := range []Bitfield{f.Red, f.Green, f.Blue} {
		if c.Length == 0 || c.Length > 8 || c.Offset+c.Length > uint32(f.BitsPerPixel) {
			return fmt.Errorf("fb: pixel layout %v has a channel outside the pixel or wider than 8 bits", f)
		}
	}
	return nil
}

// lut returns the device pixel value for each 8-bit gray level.
func (f Format) lut() [256]uint32 {
	var t [256]uint32
	for g := range 256 {
		if f.Gray && f.Inverted {
			t[g] = uint32(255 - g)
			continue
		}
		if f.Gray {
			t[g] = uint32(g)
			continue
		}
		t[g] = channel(f.Red, g) | channel(f.Green, g) | channel(f.Blue, g)
	}
	return t
}

// channel places the top c.Length bits of gray level g at c.Offset.
func channel(c Bitfield, g int) uint32 {
	return uint32(g) >> (8 - c.Length) << c.Offset
}
