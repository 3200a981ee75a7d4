package term

import (
	"fmt"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

var _ csiFixer = (*xvtEmulator)(nil)

// needsFix lists the sequences that x/vt v0.1.0 gets wrong.
func (e *xvtEmulator) needsFix(priv, final byte, params [][]byte) bool {
	switch {
	case priv == 0 && (final == 'L' || final == 'M'):
		return true
	case priv == 0 && (final == '@' || final == 'P'):
		// x/vt v0.1.0 ignores ICH and DCH outside the scroll region,
		// where xterm applies them; fixCSI checks the cursor's row.
		return true
	case priv == 0 && final == 'J':
		return paramInt(params, 0) == 1
	case priv == '?' && (final == 'h' || final == 'l'):
		for i := range params {
			switch paramInt(params, i) {
			case 6, 47, 1047, 1049:
				return true
			}
		}
	}
	return false
}

// fixCSI runs seq through x/vt and corrects what it gets wrong. IL and
// DL move the cursor down by the top margin. ED 1 erases the whole
// cursor line. DECOM does not home the cursor, and entering the
// alternate screen homes it.
func (e *xvtEmulator) fixCSI(seq []byte, priv, final byte, params [][]byte) {
	col, row := e.Cursor()
	switch {
	case final == '@' || final == 'P':
		region, ok := e.scrollRegion()
		if !ok || (row >= region.Min.Y && row < region.Max.Y) {
			e.vt.Write(seq)
			break
		}
		e.shiftChars(col, row, max(paramInt(params, 0), 1), final == '@')

	case final == 'L' || final == 'M':
		e.vt.Write(seq)
		_, now := e.Cursor()
		if now > row {
			e.vt.Write(fmt.Appendf(nil, "\x1b[%dA", now-row))
		}

	case final == 'J':
		keep := e.rowCells(col+1, row)
		e.vt.Write(seq)
		for i, c := range keep {
			e.vt.SetCell(col+1+i, row, c)
		}

	default:
		e.vt.Write(seq)
		for i := range params {
			switch paramInt(params, i) {
			case 6:
				e.vt.Write([]byte("\x1b[H"))
			case 47, 1047, 1049:
				if final == 'h' && !e.modes[ansi.ModeOrigin] {
					e.vt.Write(fmt.Appendf(nil, "\x1b[%d;%dH", row+1, col+1))
				}
			}
		}
	}
}

// shiftChars inserts n blank cells at column col of row, shifting the
// rest right and off the edge, or with insert false deletes n cells
// there, shifting the rest left and filling the end with blanks. The
// cursor stays.
func (e *xvtEmulator) shiftChars(col, row, n int, insert bool) {
	cells := e.rowCells(col, row)
	n = min(n, len(cells))
	blank := make([]*uv.Cell, n)
	for i := range blank {
		blank[i] = &uv.Cell{Content: " ", Width: 1}
	}
	var shifted []*uv.Cell
	if insert {
		shifted = append(blank, cells[:len(cells)-n]...)
	} else {
		shifted = append(cells[n:], blank...)
	}
	for i, c := range shifted {
		e.vt.SetCell(col+i, row, c)
	}
}

// rowCells copies the cells of a row from column col to its end.
func (e *xvtEmulator) rowCells(col, row int) []*uv.Cell {
	var cells []*uv.Cell
	for x := col; x < e.vt.Width(); x++ {
		c := e.vt.CellAt(x, row)
		if c != nil {
			cp := *c
			c = &cp
		}
		cells = append(cells, c)
	}
	return cells
}
