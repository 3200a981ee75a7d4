package server

import "github.com/einkterm/einkterm/vnc/rfb"

// Hextile subencoding flags (RFC 6143, 7.7.4).
const (
	hextileRaw        = 1
	hextileBackground = 2
	hextileForeground = 4
	hextileSubrects   = 8
)

// encodeHextile appends a w by h rectangle in Hextile encoding. A tile of
// one colour is its background alone; a tile of two colours is the
// background, the foreground and the foreground's runs as subrectangles;
// any other tile, or one whose subrectangles would outweigh its pixels,
// is sent raw.
func encodeHextile(b []byte, pf rfb.PixelFormat, pix []uint32, w, h int) []byte {
	tile := make([]uint32, 0, 256)
	for ty := 0; ty < h; ty += 16 {
		for tx := 0; tx < w; tx += 16 {
			tw, th := min(16, w-tx), min(16, h-ty)
			tile = tile[:0]
			for y := ty; y < ty+th; y++ {
				tile = append(tile, pix[y*w+tx:y*w+tx+tw]...)
			}
			b = hextileTile(b, pf, tile, tw, th)
		}
	}
	return b
}

func hextileTile(b []byte, pf rfb.PixelFormat, tile []uint32, w, h int) []byte {
	bg, fg, colors := twoColors(tile)
	bpp := pf.BytesPerPixel()
	if colors == 1 {
		b = append(b, hextileBackground)
		return appendPixel(b, pf, bg)
	}
	if colors == 2 {
		subrects := runsOf(tile, w, h, fg)
		count := len(subrects) / 2
		size := 1 + 2*bpp + 1 + len(subrects)
		if count <= 255 && size < 1+w*h*bpp {
			b = append(b, hextileBackground|hextileForeground|hextileSubrects)
			b = appendPixel(b, pf, bg)
			b = appendPixel(b, pf, fg)
			b = append(b, byte(count))
			return append(b, subrects...)
		}
	}
	b = append(b, hextileRaw)
	return rfb.EncodeRaw(b, pf, tile)
}

// twoColors returns the most common pixel of the tile as the background,
// another as the foreground, and how many distinct pixels the tile has,
// counting no further than 3.
func twoColors(tile []uint32) (bg, fg uint32, colors int) {
	bg = tile[0]
	nbg, nfg := 0, 0
	colors = 1
	for _, p := range tile {
		switch {
		case p == bg:
			nbg++
		case colors == 1:
			fg, colors, nfg = p, 2, 1
		case p == fg:
			nfg++
		default:
			return bg, fg, 3
		}
	}
	if nfg > nbg {
		bg, fg = fg, bg
	}
	return bg, fg, colors
}

// runsOf returns the subrectangles of the foreground pixels: each
// horizontal run of a row, extended down while the rows below repeat it,
// as the two bytes x<<4|y and (w-1)<<4|(h-1).
func runsOf(tile []uint32, w, h int, fg uint32) []byte {
	var done [256]bool
	var out []byte
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if done[y*w+x] || tile[y*w+x] != fg {
				continue
			}
			x1 := x
			for x1 < w && tile[y*w+x1] == fg && !done[y*w+x1] {
				x1++
			}
			y1 := y + 1
			for y1 < h && rowRepeats(tile, w, y1, x, x1, fg, done[:]) {
				y1++
			}
			for yy := y; yy < y1; yy++ {
				for xx := x; xx < x1; xx++ {
					done[yy*w+xx] = true
				}
			}
			out = append(out, byte(x<<4|y), byte((x1-x-1)<<4|(y1-y-1)))
			x = x1 - 1
		}
	}
	return out
}

func rowRepeats(tile []uint32, w, y, x0, x1 int, fg uint32, done []bool) bool {
	for x := x0; x < x1; x++ {
		if tile[y*w+x] != fg || done[y*w+x] {
			return false
		}
	}
	return true
}

func appendPixel(b []byte, pf rfb.PixelFormat, p uint32) []byte {
	var px [4]byte
	pf.PutPixel(px[:], p)
	return append(b, px[:pf.BytesPerPixel()]...)
}
