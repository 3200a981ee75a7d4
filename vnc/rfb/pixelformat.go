package rfb

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// PixelFormat is the layout of a pixel on the wire (RFC 6143, 7.4).
type PixelFormat struct {
	BPP        uint8 // bits per pixel on the wire: 8, 16 or 32
	Depth      uint8 // useful bits of a pixel
	BigEndian  bool
	TrueColor  bool // false means pixels index a colour map
	RedMax     uint16
	GreenMax   uint16
	BlueMax    uint16
	RedShift   uint8
	GreenShift uint8
	BlueShift  uint8
}

// PixelFormatSize is the length of a pixel format on the wire.
const PixelFormatSize = 16

// Common pixel formats a viewer may request.
var (
	// PixelFormat32 is 24-bit colour in 32-bit little-endian pixels, the
	// format TigerVNC and x11vnc use natively; ZRLE sends 3 bytes of it.
	PixelFormat32 = PixelFormat{BPP: 32, Depth: 24, TrueColor: true,
		RedMax: 255, GreenMax: 255, BlueMax: 255,
		RedShift: 16, GreenShift: 8, BlueShift: 0}

	// PixelFormat16 is RGB 5-6-5 in 16-bit little-endian pixels.
	PixelFormat16 = PixelFormat{BPP: 16, Depth: 16, TrueColor: true,
		RedMax: 31, GreenMax: 63, BlueMax: 31,
		RedShift: 11, GreenShift: 5, BlueShift: 0}

	// PixelFormat8 is BGR 2-3-3 in one byte per pixel.
	PixelFormat8 = PixelFormat{BPP: 8, Depth: 8, TrueColor: true,
		RedMax: 7, GreenMax: 7, BlueMax: 3,
		RedShift: 0, GreenShift: 3, BlueShift: 6}
)

// BytesPerPixel returns the size of a pixel on the wire.
func (pf PixelFormat) BytesPerPixel() int { return int(pf.BPP) / 8 }

// Validate returns an error for a format that no pixel can be decoded
// with. Such a format has a size other than 8, 16 or 32 bits, a colour
// map with more than 8 bits per pixel, or a channel maximum that is not
// 2^n-1 or does not fit the pixel.
func (pf PixelFormat) Validate() error {
	switch pf.BPP {
	case 8, 16, 32:
	default:
		return fmt.Errorf("rfb: pixel format has %d bits per pixel: want 8, 16 or 32", pf.BPP)
	}
	if pf.Depth == 0 || pf.Depth > pf.BPP {
		return fmt.Errorf("rfb: pixel format depth %d is not between 1 and %d bits per pixel", pf.Depth, pf.BPP)
	}
	if !pf.TrueColor {
		if pf.BPP != 8 {
			return fmt.Errorf("rfb: colour-map pixel format with %d bits per pixel: only 8 is supported", pf.BPP)
		}
		return nil
	}
	channels := []struct {
		name  string
		max   uint16
		shift uint8
	}{{"red", pf.RedMax, pf.RedShift}, {"green", pf.GreenMax, pf.GreenShift}, {"blue", pf.BlueMax, pf.BlueShift}}
	for _, c := range channels {
		if c.max&(c.max+1) != 0 {
			return fmt.Errorf("rfb: pixel format %s maximum %d is not 2^n-1", c.name, c.max)
		}
		if int(c.shift)+bits.Len16(c.max) > int(pf.BPP) {
			return fmt.Errorf("rfb: pixel format %s maximum %d shifted by %d does not fit %d bits",
				c.name, c.max, c.shift, pf.BPP)
		}
	}
	return nil
}

// Marshal returns the 16 bytes of pf on the wire.
func (pf PixelFormat) Marshal() [PixelFormatSize]byte {
	var b [PixelFormatSize]byte
	b[0], b[1] = pf.BPP, pf.Depth
	b[2], b[3] = boolByte(pf.BigEndian), boolByte(pf.TrueColor)
	binary.BigEndian.PutUint16(b[4:], pf.RedMax)
	binary.BigEndian.PutUint16(b[6:], pf.GreenMax)
	binary.BigEndian.PutUint16(b[8:], pf.BlueMax)
	b[10], b[11], b[12] = pf.RedShift, pf.GreenShift, pf.BlueShift
	return b
}

// UnmarshalPixelFormat decodes the 16 bytes of a pixel format. It does
// not validate the result.
func UnmarshalPixelFormat(b [PixelFormatSize]byte) PixelFormat {
	return PixelFormat{
		BPP: b[0], Depth: b[1],
		BigEndian: b[2] != 0, TrueColor: b[3] != 0,
		RedMax:   binary.BigEndian.Uint16(b[4:]),
		GreenMax: binary.BigEndian.Uint16(b[6:]),
		BlueMax:  binary.BigEndian.Uint16(b[8:]),
		RedShift: b[10], GreenShift: b[11], BlueShift: b[12],
	}
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

func (pf PixelFormat) order() binary.ByteOrder {
	if pf.BigEndian {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// Pixel decodes one pixel of BytesPerPixel bytes from b.
func (pf PixelFormat) Pixel(b []byte) uint32 {
	switch pf.BPP {
	case 8:
		return uint32(b[0])
	case 16:
		if pf.BigEndian {
			return uint32(b[0])<<8 | uint32(b[1])
		}
		return uint32(b[0]) | uint32(b[1])<<8
	default:
		_ = b[3]
		if pf.BigEndian {
			return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		}
		return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
	}
}

// PutPixel encodes pixel p into the first BytesPerPixel bytes of b.
func (pf PixelFormat) PutPixel(b []byte, p uint32) {
	switch pf.BPP {
	case 8:
		b[0] = byte(p)
	case 16:
		pf.order().PutUint16(b, uint16(p))
	default:
		pf.order().PutUint32(b, p)
	}
}

// FromRGB returns the true-colour pixel nearest to the 8-bit colour
// (r, g, b).
func (pf PixelFormat) FromRGB(r, g, b uint8) uint32 {
	scale := func(v uint8, max uint16) uint32 {
		return (uint32(v)*uint32(max) + 127) / 255
	}
	return scale(r, pf.RedMax)<<pf.RedShift |
		scale(g, pf.GreenMax)<<pf.GreenShift |
		scale(b, pf.BlueMax)<<pf.BlueShift
}
