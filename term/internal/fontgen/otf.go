package main

import (
	"fmt"
	"image"
	"os"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// upperRanges are the code points beyond the Basic Multilingual Plane
// taken from Unifont's upper-plane font: emoji, pictographs and other
// symbols a terminal shows (U+1F000 to U+1FBFF).
var upperRanges = [][2]rune{{0x1f000, 0x1fbff}}

// addOTF rasterizes Unifont's OpenType glyphs of the upper ranges at 16
// pixels, where each outline square is one pixel, into f.
func addOTF(f *font, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	otf, err := opentype.Parse(data)
	if err != nil {
		return err
	}
	face, err := opentype.NewFace(otf, &opentype.FaceOptions{Size: 16, DPI: 72})
	if err != nil {
		return err
	}
	ascent := face.Metrics().Ascent.Round()
	if ascent != f.ascent {
		return fmt.Errorf("ascent %d, want %d like unifont.hex", ascent, f.ascent)
	}
	var buf sfnt.Buffer
	for _, rg := range upperRanges {
		for r := rg[0]; r <= rg[1]; r++ {
			if idx, err := otf.GlyphIndex(&buf, r); err != nil || idx == 0 {
				continue
			}
			if g, ok := rasterize(face, r, ascent, f.height); ok {
				f.glyphs[r] = g
			}
		}
	}
	return nil
}

func rasterize(face xfont.Face, r rune, ascent, height int) (glyph, bool) {
	dr, mask, mp, adv, ok := face.Glyph(fixed.P(0, ascent), r)
	if !ok {
		return glyph{}, false
	}
	width := adv.Round()
	if width != 8 && width != 16 {
		return glyph{}, false
	}
	g := glyph{width: width}
	for y := 0; y < height; y++ {
		g.rows = append(g.rows, make([]byte, width/8))
	}
	for y := dr.Min.Y; y < dr.Max.Y; y++ {
		for x := dr.Min.X; x < dr.Max.X; x++ {
			if x < 0 || x >= width || y < 0 || y >= height {
				continue
			}
			p := image.Pt(mp.X+x-dr.Min.X, mp.Y+y-dr.Min.Y)
			if _, _, _, a := mask.At(p.X, p.Y).RGBA(); a >= 0x8000 {
				g.rows[y][x/8] |= 0x80 >> (x % 8)
			}
		}
	}
	return g, true
}
