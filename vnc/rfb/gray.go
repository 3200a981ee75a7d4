package rfb

import "fmt"

// Converter turns pixels of one format into 8-bit gray with the Rec. 601
// luma weights that image/color's GrayModel uses. It holds the colour
// map for formats that have one.
type Converter struct {
	pf      PixelFormat
	red     []uint32 // luma share of each red value, in 1/65536
	green   []uint32
	blue    []uint32
	palette [256]uint8 // gray of each colour-map entry
}

// NewConverter returns a converter for pf, which must be valid.
func NewConverter(pf PixelFormat) (*Converter, error) {
	if err := pf.Validate(); err != nil {
		return nil, err
	}
	c := &Converter{pf: pf}
	if pf.TrueColor {
		c.red = lumaTable(pf.RedMax, 19595)
		c.green = lumaTable(pf.GreenMax, 38470)
		c.blue = lumaTable(pf.BlueMax, 7471)
	}
	return c, nil
}

// lumaTable returns weight*v*255/max for every channel value v, so the
// three tables of a pixel add up to its gray level times 65536.
func lumaTable(max uint16, weight uint32) []uint32 {
	t := make([]uint32, int(max)+1)
	for v := range t {
		if max > 0 {
			t[v] = uint32((uint64(v)*255*uint64(weight) + uint64(max)/2) / uint64(max))
		}
	}
	return t
}

// Format returns the pixel format of c.
func (c *Converter) Format() PixelFormat { return c.pf }

// Gray returns the gray level of pixel p.
func (c *Converter) Gray(p uint32) uint8 {
	pf := &c.pf
	if !pf.TrueColor {
		return c.palette[p&0xff]
	}
	r := c.red[p>>pf.RedShift&uint32(pf.RedMax)]
	g := c.green[p>>pf.GreenShift&uint32(pf.GreenMax)]
	b := c.blue[p>>pf.BlueShift&uint32(pf.BlueMax)]
	return uint8((r + g + b + 1<<15) >> 16)
}

// GrayRow converts the whole pixels in src to gray levels in dst, one per
// pixel, until either runs out.
func (c *Converter) GrayRow(dst []uint8, src []byte) {
	bpp := c.pf.BytesPerPixel()
	n := min(len(dst), len(src)/bpp)
	pf := &c.pf
	bytesAligned := pf.RedShift%8 == 0 && pf.GreenShift%8 == 0 && pf.BlueShift%8 == 0
	if pf.TrueColor && bpp == 4 && bytesAligned && pf.RedMax == 255 && pf.GreenMax == 255 && pf.BlueMax == 255 {
		c.grayRow32(dst[:n], src)
		return
	}
	for i := range n {
		dst[i] = c.Gray(c.pf.Pixel(src[i*bpp:]))
	}
}

// grayRow32 is GrayRow for 32-bit pixels with 8-bit channels, which
// TigerVNC and x11vnc send by default.
func (c *Converter) grayRow32(dst []uint8, src []byte) {
	rs, gs, bs := c.pf.RedShift/8, c.pf.GreenShift/8, c.pf.BlueShift/8
	if c.pf.BigEndian {
		rs, gs, bs = 3-rs, 3-gs, 3-bs
	}
	red, green, blue := c.red[:256], c.green[:256], c.blue[:256]
	for i := range dst {
		p := src[i*4 : i*4+4]
		y := red[p[rs&3]] + green[p[gs&3]] + blue[p[bs&3]]
		dst[i] = uint8((y + 1<<15) >> 16)
	}
}

// Color is a colour-map entry with 16 bits per channel.
type Color struct{ R, G, B uint16 }

// SetColors stores colour-map entries from index first on. It rejects
// entries beyond the 256 that an 8-bit colour map has.
func (c *Converter) SetColors(first int, colors []Color) error {
	if first < 0 || first+len(colors) > len(c.palette) {
		return fmt.Errorf("rfb: colour-map entries %d to %d are outside the 256-entry map",
			first, first+len(colors)-1)
	}
	for i, col := range colors {
		y := (19595*uint32(col.R) + 38470*uint32(col.G) + 7471*uint32(col.B) + 1<<15) >> 24
		c.palette[first+i] = uint8(y)
	}
	return nil
}
