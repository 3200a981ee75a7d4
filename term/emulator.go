package term

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
	appCursor     bool
	bracketed     bool
	cursorHidden  bool
	reverseScreen bool
	altScreen     bool
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
