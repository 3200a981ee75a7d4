package term

import (
	"image"

	"golang.org/x/image/font/basicfont"
)

// bitmapFont is a fixed-cell 1-bit font. Bit x of a glyph row is the
// pixel x columns from the cell's left edge.
type bitmapFont struct {
	width, height int // cell size in pixels
	ascent        int // baseline, in rows from the cell's top
	glyphs        map[rune][]uint64
}

// glyph returns the rows of r's bitmap, or nil when the font lacks r.
func (f *bitmapFont) glyph(r rune) []uint64 {
	return f.glyphs[r]
}

// basicFont converts basicfont.Face7x13, scaled by an integer factor.
func basicFont(scale int) *bitmapFont {
	face := basicfont.Face7x13
	h := face.Ascent + face.Descent
	f := &bitmapFont{
		width:  face.Advance * scale,
		height: h * scale,
		ascent: face.Ascent * scale,
		glyphs: make(map[rune][]uint64),
	}
	for _, rg := range face.Ranges {
		for r := rg.Low; r < rg.High; r++ {
			top := (int(r-rg.Low) + rg.Offset) * h
			f.glyphs[r] = scaleRows(maskRows(face.Mask, top, face.Width, h), scale)
		}
	}
	return f
}

func maskRows(m image.Image, top, w, h int) []uint64 {
	rows := make([]uint64, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			_, _, _, a := m.At(x, top+y).RGBA()
			if a >= 0x8000 {
				rows[y] |= 1 << x
			}
		}
	}
	return rows
}

// scaleRows enlarges a bitmap by an integer factor, pixel by pixel.
func scaleRows(rows []uint64, scale int) []uint64 {
	if scale == 1 {
		return rows
	}
	out := make([]uint64, 0, len(rows)*scale)
	for _, r := range rows {
		var s uint64
		for x := 0; x < 64/scale; x++ {
			if r&(1<<x) != 0 {
				s |= (1<<scale - 1) << (x * scale)
			}
		}
		for i := 0; i < scale; i++ {
			out = append(out, s)
		}
	}
	return out
}
