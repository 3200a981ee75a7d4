package term

import (
	"fmt"
	"math"
	"slices"
)

// glyphSource is a face whose glyphs fill cells of one size.
type glyphSource interface {
	// glyph returns r's rows (bit x is pixel x from the left) and width,
	// or nil when the face lacks r.
	glyph(r rune) (rows []uint64, width int)
}

// fontSet finds the bitmap of every character in cells of one size: a
// regular and a bold face, box drawing from geometry, GNU Unifont for
// what the faces lack, and a box for what Unifont lacks too.
type fontSet struct {
	width, height int // cell size in pixels
	ascent        int // baseline, in rows from the cell's top
	scale         int // enlargement of the faces' bitmaps
	regular, bold glyphSource
	fallback      *ekbf
	cache         map[glyphKey]glyphEntry
}

type glyphKey struct {
	r     rune
	bold  bool
	cells uint8
}

// glyphEntry is a bitmap ready to draw. With synthBold set, the
// renderer emboldens it by double striking.
type glyphEntry struct {
	rows      []uint64
	synthBold bool
}

// terminusHeights are the bundled Terminus Font sizes, in pixels.
var terminusHeights = []int{12, 14, 16, 18, 20, 22, 24, 28, 32}

// defaultCellHeight is the cell height, in pixels, for an unknown DPI.
const defaultCellHeight = 16

// cellHeightForDPI returns a cell height that gives text of about 9
// points (a 0.16 inch line), or defaultCellHeight when dpi is unknown.
func cellHeightForDPI(dpi int) int {
	if dpi <= 0 {
		return defaultCellHeight
	}
	return int(math.Round(float64(dpi) * 0.16))
}

// chooseTerminus returns the bundled height and integer scale whose
// product is nearest to size. Each step of enlargement counts as 4
// pixels of difference, because enlarged bitmaps look coarse.
func chooseTerminus(size int) (height, scale int) {
	best := math.MaxInt
	for s := 1; s <= 4; s++ {
		for _, h := range terminusHeights {
			d := h*s - size
			if d < 0 {
				d = -d
			}
			d += 4 * (s - 1)
			if d < best {
				best, height, scale = d, h, s
			}
		}
	}
	return height, scale
}

// newBundledFontSet returns Terminus Font at the size nearest to size.
func newBundledFontSet(size int) (*fontSet, error) {
	h, scale := chooseTerminus(size)
	regular, err := loadFace(fmt.Sprintf("terminus-%dn.ekbf.gz", h))
	if err != nil {
		return nil, err
	}
	bold, err := loadFace(fmt.Sprintf("terminus-%db.ekbf.gz", h))
	if err != nil {
		return nil, err
	}
	fs := &fontSet{
		width:   regular.cellWidth() * scale,
		height:  regular.height * scale,
		ascent:  regular.ascent * scale,
		scale:   scale,
		regular: regular,
		bold:    bold,
	}
	return fs, fs.loadFallback()
}

func (fs *fontSet) loadFallback() error {
	f, err := loadFace("unifont.ekbf.gz")
	fs.fallback = f
	fs.cache = make(map[glyphKey]glyphEntry)
	return err
}

// glyph returns the bitmap of r, bold or not, across cells cells.
func (fs *fontSet) glyph(r rune, bold bool, cells int) glyphEntry {
	key := glyphKey{r, bold, uint8(cells)}
	if e, ok := fs.cache[key]; ok {
		return e
	}
	e := fs.findGlyph(r, bold, cells)
	fs.cache[key] = e
	return e
}

func (fs *fontSet) findGlyph(r rune, bold bool, cells int) glyphEntry {
	w := fs.width * cells
	if isBoxOrBlock(r) {
		return glyphEntry{rows: drawBox(r, w, fs.height)}
	}
	regular, _ := fs.regular.glyph(r)
	if bold && fs.bold != nil {
		// Terminus's 12-pixel bold draws ASCII like its regular face,
		// so a bold glyph equal to the regular one is double struck.
		if rows, _ := fs.bold.glyph(r); rows != nil && !slices.Equal(rows, regular) {
			return glyphEntry{rows: scaleRows(rows, fs.scale)}
		}
	}
	if regular != nil {
		return glyphEntry{rows: scaleRows(regular, fs.scale), synthBold: bold}
	}
	if fs.fallback != nil {
		if rows, gw := fs.fallback.glyph(r); rows != nil {
			return glyphEntry{
				rows:      resample(rows, gw, fs.fallback.height, w, fs.height),
				synthBold: bold,
			}
		}
	}
	return glyphEntry{rows: missingGlyph(w, fs.height)}
}

// resample scales a bitmap of w by h pixels to dw by dh. A pixel is on
// when any source pixel it covers is on, so thin strokes survive
// shrinking; enlarging repeats pixels.
func resample(rows []uint64, w, h, dw, dh int) []uint64 {
	if w == dw && h == dh {
		return rows
	}
	out := make([]uint64, dh)
	for y := 0; y < dh; y++ {
		y0, y1 := y*h/dh, max((y+1)*h/dh, y*h/dh+1)
		var src uint64
		for sy := y0; sy < y1 && sy < h; sy++ {
			src |= rows[sy]
		}
		for x := 0; x < dw && x < 64; x++ {
			x0, x1 := x*w/dw, max((x+1)*w/dw, x*w/dw+1)
			span := (uint64(1)<<(x1-x0) - 1) << x0
			if src&span != 0 {
				out[y] |= 1 << x
			}
		}
	}
	return out
}
