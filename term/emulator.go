package term

import (
	"unicode"

	"github.com/mattn/go-runewidth"
)

// Attr is a set of character attributes of a cell.
type Attr uint8

// Character attributes.
const (
	AttrBold Attr = 1 << iota
	AttrUnderline
	AttrReverse
	AttrItalic
	AttrBlink
	AttrFaint
	AttrInvisible
	AttrStrike
)

// Cell is one character position of the screen.
type Cell struct {
	Rune  rune   // 0 or ' ' for an empty cell
	Comb  string // combining marks that follow Rune, if any
	FG    Color
	BG    Color
	Attr  Attr
	Width uint8 // 1, 2 for the first cell of a wide character, 0 for its second
}

// modes are the terminal modes that matter outside the emulator.
type modes struct {
	appCursor    bool
	bracketed    bool
	cursorHidden bool
	altScreen    bool
}

// emulator is the part of a terminal emulator library that Terminal
// uses. Write receives only complete UTF-8 sequences.
type emulator interface {
	Write(p []byte)
	Resize(cols, rows int)
	Size() (cols, rows int)
	Cell(col, row int) Cell
	Cursor() (col, row int)
	Modes() modes
	Title() string
}

// wideWrapper is an emulator that needs help to wrap a wide character
// written at the last column.
type wideWrapper interface {
	wrapBeforeWide()
}

// markAppender is an emulator that can add combining marks to the
// character it placed last, for marks that arrive in a later Write.
type markAppender interface {
	appendMarks(marks string) bool
}

// isWide reports whether r takes two cells.
func isWide(r rune) bool {
	return r >= 0x1100 && runewidth.RuneWidth(r) == 2
}

// isCombining reports whether r joins the character before it: a
// nonspacing or enclosing mark, a zero width joiner or a variation
// selector.
func isCombining(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me) || r == 0x200d ||
		(r >= 0xfe00 && r <= 0xfe0f)
}

// originReporter is an emulator that reports the row that cursor
// positions count from: the top margin in origin mode (DECOM), else 0.
type originReporter interface {
	originTop() int
}

// csiFixer is an emulator that gets some control sequences wrong and
// corrects them itself. The Terminal passes such a sequence to fixCSI,
// whole, in place of Write, after giving the emulator every byte before
// it.
type csiFixer interface {
	needsFix(priv, final byte, params [][]byte) bool
	fixCSI(seq []byte, priv, final byte, params [][]byte)
}
