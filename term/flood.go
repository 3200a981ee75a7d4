package term

import (
	"fmt"
	"unicode/utf8"
)

// A flood (cat of a large file) scrolls the whole screen once per line,
// and x/vt v0.1.0 copies every cell of the screen for each scroll. When
// a chunk of plain text scrolls by more than a screen, the lines that
// scroll out of sight before the chunk ends cannot show, so skipFlood
// replaces them with the same number of scrolls done at once. The
// emulator then spends time only on the text that stays on the screen.

// floodState is the cursor position and screen size that skipFlood
// needs. plain reports the state skipFlood assumes: autowrap on, LF
// without CR, full-screen margins and no pending wrap.
type floodState struct {
	col, row   int
	cols, rows int
	plain      bool
}

// floodReporter is an emulator that can report its floodState.
type floodReporter interface {
	floodState() floodState
}

// skipFlood returns p with the text that scrolls out of sight replaced
// by its scrolls, or p itself when p is not plain text (printable
// characters, CR LF and SGR only) or when the count of scrolls is not
// certain.
func (t *Terminal) skipFlood(p []byte) []byte {
	fr, ok := t.emu.(floodReporter)
	if !ok || t.insertMode || len(p) < 256 {
		return p
	}
	st := fr.floodState()
	if !st.plain {
		return p
	}

	// Count the line advances of each line, exactly or as a lower bound,
	// up to the first byte that is not plain text.
	var cuts []int    // indexes just after each CR LF
	var exact []bool  // whether the advances up to each cut are certain
	var atLeast []int // advances up to and including each cut, at least
	total, certain := 0, true
	lo, hi := st.col, st.col // bounds of the line's width
	ascii := true
scan:
	for i := 0; i < len(p); {
		b := p[i]
		switch {
		case b == '\r' && i+1 < len(p) && p[i+1] == '\n':
			wraps, ok := lineWraps(lo, hi, ascii, st.cols)
			certain = certain && ok
			total += wraps + 1
			i += 2
			cuts = append(cuts, i)
			exact = append(exact, certain)
			atLeast = append(atLeast, total)
			lo, hi, ascii = 0, 0, true
			continue
		case b == 0x1b:
			n := sgrLength(p[i:])
			if n == 0 {
				break scan
			}
			i += n
			continue
		case b == '\t' && !t.customTabs:
			// Default stops every 8 columns; a tab never wraps.
			if hi >= st.cols-1 {
				break scan
			}
			lo, hi = min(lo/8*8+8, st.cols-1), min(hi/8*8+8, st.cols-1)
			i++
			continue
		case b < 0x20 || b == 0x7f:
			break scan
		case b < 0x80:
			lo++
			hi++
			i++
			continue
		}
		_, size := utf8.DecodeRune(p[i:])
		ascii = false
		hi += 2 // a character takes 0, 1 or 2 cells
		i += size
	}

	// The last cut that is certain and whose following text still
	// advances a screen's worth of lines: everything before it scrolls
	// out of sight. Only SGR sequences come before a cut.
	cut, skipped := -1, 0
	for k := range cuts {
		if exact[k] && total-atLeast[k] >= st.rows-1 {
			cut, skipped = cuts[k], atLeast[k]
		}
	}
	if cut < 0 {
		return p
	}
	return append(floodPrefix(p[:cut], skipped, st), p[cut:]...)
}

// lineWraps returns how many times a line of width between lo and hi
// wraps, at least, and whether that count is certain. A wide character
// that does not fit wraps early, which only adds wraps.
func lineWraps(lo, hi int, ascii bool, cols int) (int, bool) {
	if hi <= cols {
		return 0, true
	}
	wraps := 0
	if lo > 0 {
		wraps = (lo - 1) / cols
	}
	return wraps, ascii
}

// floodPrefix returns the sequences that stand in for skipped text: its
// SGR sequences, so the pen ends the same, then the cursor moves and
// scrolls its advance lines would make, ending at column 0.
func floodPrefix(skipped []byte, advances int, st floodState) []byte {
	var out []byte
	for i := 0; i < len(skipped); {
		if skipped[i] == 0x1b {
			n := sgrLength(skipped[i:])
			out = append(out, skipped[i:i+n]...)
			i += n
			continue
		}
		i++
	}
	down := min(advances, st.rows-1-st.row)
	out = append(out, '\r')
	if down > 0 {
		out = fmt.Appendf(out, "\x1b[%dB", down)
	}
	if up := advances - down; up > 0 {
		out = fmt.Appendf(out, "\x1b[%dS", min(up, st.rows))
	}
	return out
}

// sgrLength returns the length of the SGR sequence (ESC [ digits and
// separators m) at the start of p, or 0 when p does not start with one.
func sgrLength(p []byte) int {
	if len(p) < 3 || p[0] != 0x1b || p[1] != '[' {
		return 0
	}
	for i := 2; i < len(p); i++ {
		switch c := p[i]; {
		case c == 'm':
			return i + 1
		case (c >= '0' && c <= '9') || c == ';' || c == ':':
		default:
			return 0
		}
	}
	return 0
}
