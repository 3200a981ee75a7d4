package term

import (
	"image"
	"math/bits"

	"github.com/einkterm/einkterm/display"
)

// Cursor shapes drawn by Render.
const (
	cursorNone uint8 = iota
	cursorBlock
	cursorUnderline
	cursorBar
)

// drawnCell is everything that decides a cell's pixels; two equal
// drawnCells look the same.
type drawnCell struct {
	r      rune
	comb   string
	fg, bg uint8
	attr   Attr
	width  uint8
	cursor uint8
}

// renderState records the cells and frame of the previous Render.
type renderState struct {
	cells      []drawnCell
	cols, rows int
	width      int // frame size drawn
	height     int
	depth      int
}

func (r *renderState) invalidate() { r.cells = nil }

// snapshot returns the cells to draw, with the cursor applied.
func (t *Terminal) snapshot(depth int) (cells []drawnCell, cols, rows int) {
	t.mu.Lock()
	defer t.mu.Unlock()

	cols, rows = t.emu.Size()
	m := t.emu.Modes()
	cells = make([]drawnCell, cols*rows)
	for y := 0; y < rows; y++ {
		for x := 0; x < cols; x++ {
			c := t.emu.Cell(x, y)
			d := drawnCell{r: c.Rune, comb: c.Comb, attr: c.Attr, width: c.Width}
			d.fg, d.bg = cellLevels(c, depth, t.reverseScreen)
			if d.r == 0 {
				d.r = ' '
			}
			cells[y*cols+x] = d
		}
	}

	cx, cy := t.emu.Cursor()
	if cx > 0 && cy >= 0 && cy < rows && cx < cols &&
		cells[cy*cols+cx].width == 0 && cells[cy*cols+cx-1].width == 2 {
		cx-- // on the second half of a wide character: mark the whole
	}
	if !m.cursorHidden && cx >= 0 && cy >= 0 && cx < cols && cy < rows {
		cells[cy*cols+cx].cursor = shapeOf(t.cursorShape)
	}
	return cells, cols, rows
}

// shapeOf maps a DECSCUSR parameter to a cursor shape.
func shapeOf(p int) uint8 {
	switch p {
	case 3, 4:
		return cursorUnderline
	case 5, 6:
		return cursorBar
	}
	return cursorBlock
}

// Render draws the cells that changed since the previous call, and the
// old and new cursor cells, into f, and returns the damaged rectangles.
// f must have the size and depth of Options (or of the last Resize); a
// frame of another geometry is redrawn whole. Render returns nil when
// nothing changed.
func (t *Terminal) Render(f *display.Frame) []display.Damage {
	t.renderMu.Lock()
	defer t.renderMu.Unlock()

	cells, cols, rows := t.snapshot(f.Depth)
	rs := &t.render
	full := rs.cells == nil || rs.cols != cols || rs.rows != rows ||
		rs.width != f.Width || rs.height != f.Height || rs.depth != f.Depth

	var damage []display.Damage
	prev := rs.cells
	if full {
		f.Fill(f.White())
		damage = append(damage, display.Damage{Rect: f.Bounds()})
	} else if band, ok := findScroll(prev, cells, cols, rows); ok {
		var moved []display.Damage
		prev, moved = t.applyScroll(f, band, prev, cols)
		damage = append(damage, moved...)
	}
	cw, ch := t.font.width, t.font.height
	for y := 0; y < rows; y++ {
		line := cells[y*cols : (y+1)*cols]
		var old []drawnCell
		if !full {
			old = prev[y*cols : (y+1)*cols]
		}
		lo, hi := t.renderLine(f, y, line, old)
		if lo < hi && !full {
			r := image.Rect(lo*cw, y*ch, hi*cw, (y+1)*ch).Intersect(f.Bounds())
			if !r.Empty() {
				damage = append(damage, display.Damage{Rect: r})
			}
		}
	}

	*rs = renderState{cells: cells, cols: cols, rows: rows,
		width: f.Width, height: f.Height, depth: f.Depth}
	return damage
}

// renderLine draws the cells of row y that differ from old (all when
// old is nil) and returns the span of columns drawn.
func (t *Terminal) renderLine(f *display.Frame, y int, line, old []drawnCell) (lo, hi int) {
	lo, hi = len(line), 0
	cw, ch := t.font.width, t.font.height
	for x := 0; x < len(line); x++ {
		n := 1
		if line[x].width == 2 && x+1 < len(line) {
			n = 2
		}
		if line[x].width == 0 && x > 0 && line[x-1].width == 2 {
			continue // drawn with the wide character before it
		}
		if old != nil && line[x] == old[x] && (n == 1 || line[x+1] == old[x+1]) {
			continue
		}
		t.drawCell(f, x*cw, y*ch, line[x], n)
		lo, hi = min(lo, x), max(hi, x+n)
	}
	return lo, hi
}

// drawCell paints a character n cells wide whose top left corner is
// (x0, y0).
func (t *Terminal) drawCell(f *display.Frame, x0, y0 int, c drawnCell, n int) {
	fs := t.font
	fg, bg := c.fg, c.bg
	if c.cursor == cursorBlock {
		fg, bg = bg, fg
	}
	w := fs.width * n
	bold := c.attr&AttrBold != 0
	var g glyphEntry
	if c.r != ' ' && c.width != 0 && c.attr&AttrInvisible == 0 {
		g = fs.glyph(c.r, bold, n)
	}
	marks := t.markRows(c, n)

	mask := uint64(1)<<w - 1
	for y := 0; y < fs.height; y++ {
		var bits uint64
		if y < len(g.rows) {
			bits = g.rows[y]
			if g.synthBold {
				bits |= bits << 1
			}
		}
		for _, m := range marks {
			bits |= m[y]
		}
		if c.attr&AttrUnderline != 0 && y == min(fs.ascent+1, fs.height-1) {
			bits = mask
		}
		if c.attr&AttrStrike != 0 && y == fs.ascent*2/3 {
			bits = mask
		}
		if c.cursor == cursorUnderline && y >= fs.height-2 {
			bits ^= mask
		}
		if c.cursor == cursorBar {
			bits ^= 3
		}
		drawRow(f, x0, y0+y, w, bits&mask, fg, bg)
	}
}

// markRows returns the bitmaps of a cell's combining marks, which are
// drawn over its character. Joiners and variation selectors draw
// nothing.
func (t *Terminal) markRows(c drawnCell, n int) [][]uint64 {
	var out [][]uint64
	for _, m := range c.comb {
		if m == 0x200d || (m >= 0xfe00 && m <= 0xfe0f) || !isCombining(m) {
			continue
		}
		g := t.font.glyph(m, false, n)
		if len(g.rows) == t.font.height {
			out = append(out, g.rows)
		}
	}
	return out
}

// drawRow paints w pixels of row y from x0: fg where bits is set, bg
// elsewhere.
func drawRow(f *display.Frame, x0, y, w int, bits uint64, fg, bg uint8) {
	if f.Depth == 1 && y >= 0 && y < f.Height && x0 >= 0 && x0+w <= f.Width {
		drawRow1(f.Pix[y*f.Stride:], x0, w, bits, fg, bg)
		return
	}
	for x := 0; x < w; x++ {
		v := bg
		if bits&(1<<x) != 0 {
			v = fg
		}
		f.SetGray(x0+x, y, v)
	}
}

// cellLevels returns the gray levels of a cell's text and background on
// a frame of the given depth. The background follows the background
// colour's luminance. The text keeps its own colour only where that
// stays readable, else it is black or white, whichever is farther from
// the background. Reverse video swaps the two, so it always shows.
func cellLevels(c Cell, depth int, reverseScreen bool) (fg, bg uint8) {
	white := uint8(1<<depth - 1)
	bl, fl := c.BG.luminance(), c.FG.luminance()
	bg = quantize(bl, white)
	if depth == 1 {
		fg = white - bg
	} else {
		fg = quantize(fl, white)
		if absDiff(fl, bl) < minContrast {
			fg = 0
			if bl < 128 {
				fg = white
			}
		}
	}
	if c.Attr&AttrInvisible != 0 {
		fg = bg
	}
	if (c.Attr&AttrReverse != 0) != reverseScreen {
		fg, bg = bg, fg
	}
	return fg, bg
}

// minContrast is the smallest luminance difference, out of 255, at which
// coloured text keeps its own gray level.
const minContrast = 96

func quantize(lum, white uint8) uint8 {
	if white == 1 {
		if lum >= 128 {
			return 1
		}
		return 0
	}
	return uint8((int(lum)*int(white) + 127) / 255)
}

func absDiff(a, b uint8) uint8 {
	if a > b {
		return a - b
	}
	return b - a
}

// drawRow1 is drawRow for 1 bit per pixel, a byte at a time.
func drawRow1(row []byte, x0, w int, bits uint64, fg, bg uint8) {
	// Pixel values: fg where bits is set, bg elsewhere.
	var on uint64
	if fg != 0 {
		on = bits
	}
	if bg != 0 {
		on |= ^bits
	}
	x := 0
	for x < w {
		px := x0 + x
		shift := px % 8
		n := min(8-shift, w-x)
		mask := byte(0xff>>shift) &^ byte(0xff>>(shift+n))
		// Gather n pixels, leftmost into the highest bit of the field.
		v := byte(bitrev8(byte(on>>x))) >> shift
		row[px/8] = row[px/8]&^mask | v&mask
		x += n
	}
}

// bitrev8 reverses the bits of a byte.
func bitrev8(b byte) byte {
	return bits.Reverse8(b)
}
