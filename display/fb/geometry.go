package fb

import (
	"bytes"
	"fmt"
)

// Geometry is what the kernel reports about a framebuffer.
type Geometry struct {
	// ID is the driver's name from fb_fix_screeninfo, such as
	// "mxc_epdc_fb" or "simple".
	ID string

	// Width and Height are the visible resolution (xres, yres).
	Width, Height int

	// XOffset and YOffset place the visible area in the virtual one
	// (panning): the visible area starts YOffset lines and XOffset
	// pixels into the memory.
	XOffset, YOffset int

	// Stride is the length of one line in bytes (line_length), which
	// may exceed Width times the bytes per pixel.
	Stride int

	// MemLen is the size of the framebuffer memory (smem_len).
	MemLen int

	// Format is the pixel layout.
	Format Format
}

// Offset returns the byte offset of device pixel (x, y) in the memory.
func (g Geometry) Offset(x, y int) int {
	return (y+g.YOffset)*g.Stride + (x+g.XOffset)*g.Format.BytesPerPixel()
}

// MapLen returns the bytes from the start of the memory to the end of
// the visible area.
func (g Geometry) MapLen() int {
	return g.Offset(0, g.Height-1) + g.Width*g.Format.BytesPerPixel()
}

// Validate returns an error when the geometry cannot be drawn on.
func (g Geometry) Validate() error {
	if err := g.Format.Validate(); err != nil {
		return err
	}
	if g.Width <= 0 || g.Height <= 0 || g.Width > 16384 || g.Height > 16384 {
		return fmt.Errorf("fb: resolution %dx%d is out of range 1 to 16384", g.Width, g.Height)
	}
	if g.XOffset < 0 || g.YOffset < 0 {
		return fmt.Errorf("fb: negative pan offset %d,%d", g.XOffset, g.YOffset)
	}
	if min := (g.Width + g.XOffset) * g.Format.BytesPerPixel(); g.Stride < min {
		return fmt.Errorf("fb: line length %d is shorter than %d pixels of %d bytes",
			g.Stride, g.Width+g.XOffset, g.Format.BytesPerPixel())
	}
	if g.MemLen > 0 && g.MapLen() > g.MemLen {
		return fmt.Errorf("fb: visible area ends at byte %d, past the %d bytes of framebuffer memory",
			g.MapLen(), g.MemLen)
	}
	return nil
}

// varScreenInfo is struct fb_var_screeninfo of linux/fb.h (160 bytes).
type varScreenInfo struct {
	XRes, YRes               uint32
	XResVirtual, YResVirtual uint32
	XOffset, YOffset         uint32
	BitsPerPixel             uint32
	Grayscale                uint32
	Red, Green, Blue, Transp struct{ Offset, Length, MSBRight uint32 }
	Nonstd, Activate         uint32
	HeightMM, WidthMM        uint32
	AccelFlags               uint32
	Pixclock                 uint32
	Margins                  [4]uint32 // left, right, upper, lower
	HSyncLen, VSyncLen       uint32
	Sync, VMode              uint32
	Rotate, Colorspace       uint32
	Reserved                 [4]uint32
}

// fixScreenInfo is struct fb_fix_screeninfo of linux/fb.h. The two
// unsigned long fields are uintptr so the layout matches on 32-bit and
// 64-bit kernels (68 and 80 bytes).
type fixScreenInfo struct {
	ID                            [16]byte
	SmemStart                     uintptr
	SmemLen                       uint32
	Type, TypeAux, Visual         uint32
	XPanStep, YPanStep, YWrapStep uint16
	LineLength                    uint32
	MMIOStart                     uintptr
	MMIOLen                       uint32
	Accel                         uint32
	Capabilities                  uint16
	Reserved                      [2]uint16
}

// fbTypePackedPixels is FB_TYPE_PACKED_PIXELS of linux/fb.h.
const (
	fbTypePackedPixels = 0
)

// geometryOf turns the two kernel structs into a Geometry.
func geometryOf(v varScreenInfo, f fixScreenInfo) (Geometry, error) {
	g := Geometry{
		ID:      string(bytes.TrimRight(f.ID[:], "\x00")),
		Width:   int(v.XRes),
		Height:  int(v.YRes),
		XOffset: int(v.XOffset),
		YOffset: int(v.YOffset),
		Stride:  int(f.LineLength),
		MemLen:  int(f.SmemLen),
		Format: Format{
			BitsPerPixel: int(v.BitsPerPixel),
			Red:          Bitfield{v.Red.Offset, v.Red.Length},
			Green:        Bitfield{v.Green.Offset, v.Green.Length},
			Blue:         Bitfield{v.Blue.Offset, v.Blue.Length},
		},
	}
	if f.Type != fbTypePackedPixels {
		return g, fmt.Errorf("fb: %s has framebuffer type %d, not packed pixels (0); planar layouts are not supported", g.ID, f.Type)
	}
	switch v.Grayscale {
	case 0:
	case 1, 2:
		// 1 is plain gray, and 2 is GRAYSCALE_8BIT_INVERTED of the i.MX
		// EPDC drivers, where 0 is white.
		if v.BitsPerPixel == 8 {
			g.Format = Format{BitsPerPixel: 8, Gray: true, Inverted: v.Grayscale == 2}
		}
	default:
		return g, fmt.Errorf("fb: %s uses FOURCC pixel format %#x, which is not supported", g.ID, v.Grayscale)
	}
	return g, nil
}
