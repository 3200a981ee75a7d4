package rfb

// cpixelMode is the way ZRLE packs a pixel (RFC 6143, 7.7.6): whole, or as
// the three bytes that hold every colour bit of a 32-bit true-colour
// pixel of depth 24 or less.
type cpixelMode uint8

const (
	cpixelWhole cpixelMode = iota
	cpixelLow              // the colour bits fit the low 24 bits
	cpixelHigh             // the colour bits fit the high 24 bits
)

func (pf PixelFormat) cpixelMode() cpixelMode {
	if !pf.TrueColor || pf.BPP != 32 || pf.Depth > 24 {
		return cpixelWhole
	}
	fits := func(max uint16, shift uint8) bool {
		return uint64(max)<<shift < 1<<24
	}
	if fits(pf.RedMax, pf.RedShift) && fits(pf.GreenMax, pf.GreenShift) &&
		fits(pf.BlueMax, pf.BlueShift) {
		return cpixelLow
	}
	if pf.RedShift >= 8 && pf.GreenShift >= 8 && pf.BlueShift >= 8 {
		return cpixelHigh
	}
	return cpixelWhole
}

// CPixelSize returns the bytes of a ZRLE compressed pixel in format pf.
func (pf PixelFormat) CPixelSize() int {
	if pf.cpixelMode() == cpixelWhole {
		return pf.BytesPerPixel()
	}
	return 3
}

// cpixel decodes a ZRLE compressed pixel from the first CPixelSize bytes
// of b.
func (pf PixelFormat) cpixel(m cpixelMode, b []byte) uint32 {
	switch m {
	case cpixelLow:
		if pf.BigEndian {
			return uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2])
		}
		return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
	case cpixelHigh:
		if pf.BigEndian {
			return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8
		}
		return uint32(b[0])<<8 | uint32(b[1])<<16 | uint32(b[2])<<24
	}
	return pf.Pixel(b)
}

// putCPixel encodes p as a ZRLE compressed pixel into b.
func (pf PixelFormat) putCPixel(m cpixelMode, b []byte, p uint32) {
	switch m {
	case cpixelLow:
		if pf.BigEndian {
			b[0], b[1], b[2] = byte(p>>16), byte(p>>8), byte(p)
		} else {
			b[0], b[1], b[2] = byte(p), byte(p>>8), byte(p>>16)
		}
	case cpixelHigh:
		if pf.BigEndian {
			b[0], b[1], b[2] = byte(p>>24), byte(p>>16), byte(p>>8)
		} else {
			b[0], b[1], b[2] = byte(p>>8), byte(p>>16), byte(p>>24)
		}
	default:
		pf.PutPixel(b, p)
	}
}
