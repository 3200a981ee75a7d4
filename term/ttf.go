package term

import (
	"fmt"
	"image"
	"os"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// ttfFace rasterizes an OpenType or TrueType font at 1 bit per pixel:
// outlines are hinted to the pixel grid and each pixel is on when the
// glyph covers at least half of it.
type ttfFace struct {
	font          *opentype.Font
	buf           sfnt.Buffer
	face          font.Face
	width, height int
	ascent        int
}

var _ glyphSource = (*ttfFace)(nil)

// loadTTF opens a font file at a cell height of size pixels.
// Sizes beyond MaxFontSize are rejected first, so the 26.6 fixed-point
// metrics cannot overflow.
func loadTTF(path string, size int) (*ttfFace, error) {
	if size < MinFontSize || size > MaxFontSize {
		return nil, fmt.Errorf("term: font size %d out of range: use %d to %d pixels",
			size, MinFontSize, MaxFontSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("term: font file: %w", err)
	}
	f, err := opentype.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("term: font file %s: %w: use a TTF or OTF file", path, err)
	}

	// Fit the line height (ascent plus descent) to size pixels.
	probe, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 100, DPI: 72})
	if err != nil {
		return nil, fmt.Errorf("term: font file %s: %w", path, err)
	}
	m := probe.Metrics()
	line := float64(m.Ascent+m.Descent) / 64
	points := 100 * float64(size) / line

	// Hinting rounds the metrics, so shrink until the line fits. Small
	// sizes need the most steps, since a rounded pixel is a larger share.
	var face font.Face
	for range 16 {
		face, err = opentype.NewFace(f, &opentype.FaceOptions{
			Size: points, DPI: 72, Hinting: font.HintingFull,
		})
		if err != nil {
			return nil, fmt.Errorf("term: font file %s: %w", path, err)
		}
		m = face.Metrics()
		if (m.Ascent + m.Descent).Round() <= size {
			break
		}
		points *= 0.97
	}
	adv, ok := face.GlyphAdvance('M')
	if !ok {
		return nil, fmt.Errorf("term: font file %s has no 'M': use a font for Latin text", path)
	}
	// A terminal puts each character in a cell of one width; the
	// glyphs of a proportional font would sit in it with uneven gaps.
	if narrow, ok := face.GlyphAdvance('i'); ok && narrow != adv {
		return nil, fmt.Errorf("term: font file %s is proportional ('i' and 'M' are %d and %d pixels wide): use a monospaced font, such as DejaVu Sans Mono",
			path, narrow.Round(), adv.Round())
	}
	t := &ttfFace{font: f, face: face, ascent: m.Ascent.Round(),
		width: adv.Round(), height: (m.Ascent + m.Descent).Round()}
	if t.width < 1 || t.height < 1 {
		return nil, fmt.Errorf("term: font file %s at size %d gives empty %dx%d cells: use a larger size",
			path, size, t.width, t.height)
	}
	if t.width > maxCellWidth {
		return nil, fmt.Errorf("term: font file %s at size %d gives cells %d pixels wide, more than %d: use a smaller size or a narrower font",
			path, size, t.width, maxCellWidth)
	}
	return t, nil
}

func (t *ttfFace) glyph(r rune) ([]uint64, int) {
	if idx, err := t.font.GlyphIndex(&t.buf, r); err != nil || idx == 0 {
		return nil, 0
	}
	dr, mask, mp, _, ok := t.face.Glyph(fixed.P(0, t.ascent), r)
	if !ok {
		return nil, 0
	}
	rows := make([]uint64, t.height)
	for y := dr.Min.Y; y < dr.Max.Y; y++ {
		if y < 0 || y >= t.height {
			continue
		}
		for x := dr.Min.X; x < dr.Max.X; x++ {
			if x < 0 || x >= 64 {
				continue
			}
			p := image.Pt(mp.X+x-dr.Min.X, mp.Y+y-dr.Min.Y)
			if _, _, _, a := mask.At(p.X, p.Y).RGBA(); a >= 0x8000 {
				rows[y] |= 1 << x
			}
		}
	}
	return rows, t.width
}
