package term

import (
	"image"
	"slices"

	"github.com/einkterm/einkterm/display"
)

// A screen that scrolled shows most of its old rows again, a few rows
// higher or lower. Render finds such a band of rows, moves its pixels
// in the frame instead of drawing them again, and reports the move as
// Scrolled damage, so that a panel able to move its memory sends less.

// scrollBand is a band of rows [top, end) whose row y shows what row
// y+shift showed before.
type scrollBand struct {
	top, end, shift int
}

// findScroll returns the band of rows, starting at the first row that
// changed, that shows old rows moved by the smallest shift. The band
// must hold at least two rows with content, since blank rows match at
// any shift.
func findScroll(old, cur []drawnCell, cols, rows int) (scrollBand, bool) {
	row := func(cells []drawnCell, y int) []drawnCell { return cells[y*cols : (y+1)*cols] }
	same := func(y, src int) bool { return slices.Equal(row(cur, y), row(old, src)) }

	top := 0
	for top < rows && same(top, top) {
		top++
	}
	for d := 1; top < rows && d < rows-top; d++ {
		for _, shift := range []int{d, -d} {
			end, content := top, 0
			for end < rows && end+shift >= 0 && end+shift < rows && same(end, end+shift) {
				if !blankRow(row(cur, end)) {
					content++
				}
				end++
			}
			if content >= 2 {
				return scrollBand{top, end, shift}, true
			}
		}
	}
	return scrollBand{}, false
}

// blankRow reports whether a row shows nothing but its background.
func blankRow(line []drawnCell) bool {
	for _, c := range line {
		if c.r != ' ' || c.comb != "" || c.cursor != cursorNone || c.attr&(AttrUnderline|AttrStrike) != 0 || c.bg != line[0].bg {
			return false
		}
	}
	return true
}

// applyScroll moves the band's pixels in f, returns old with the band's
// rows moved the same way, and the damage that describes the move.
func (t *Terminal) applyScroll(f *display.Frame, b scrollBand, old []drawnCell, cols int) ([]drawnCell, []display.Damage) {
	ch := t.font.height
	moveRows(f, b.top*ch, b.end*ch, b.shift*ch)

	moved := slices.Clone(old)
	for y := b.top; y < b.end; y++ {
		copy(moved[y*cols:(y+1)*cols], old[(y+b.shift)*cols:(y+b.shift+1)*cols])
	}

	// The region holds the rows the pixels come from and go to; the rows
	// the move uncovers are changed.
	width := cols * t.font.width
	var region, uncovered image.Rectangle
	if b.shift > 0 {
		region = image.Rect(0, b.top*ch, width, (b.end+b.shift)*ch)
		uncovered = image.Rect(0, b.end*ch, width, (b.end+b.shift)*ch)
	} else {
		region = image.Rect(0, (b.top+b.shift)*ch, width, b.end*ch)
		uncovered = image.Rect(0, (b.top+b.shift)*ch, width, b.top*ch)
	}
	damage := []display.Damage{
		{Kind: display.Scrolled, Rect: region.Intersect(f.Bounds()), Dy: -b.shift * ch},
		{Kind: display.Changed, Rect: uncovered.Intersect(f.Bounds())},
	}
	return moved, damage
}

// moveRows sets each pixel row y in [y0, y1) of f to row y+dy.
func moveRows(f *display.Frame, y0, y1, dy int) {
	row := func(y int) []byte { return f.Pix[y*f.Stride : (y+1)*f.Stride] }
	if dy > 0 {
		for y := y0; y < y1; y++ {
			copy(row(y), row(y+dy))
		}
		return
	}
	for y := y1 - 1; y >= y0; y-- {
		copy(row(y), row(y+dy))
	}
}
