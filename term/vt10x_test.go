package term

import "github.com/hinshun/vt10x"

// vt10x keeps these attribute bits in Glyph.Mode (unexported there).
const (
	vtReverse   = 1 << 0
	vtUnderline = 1 << 1
	vtBold      = 1 << 2
	vtItalic    = 1 << 4
	vtBlink     = 1 << 5
)

// vt10xEmulator adapts github.com/hinshun/vt10x. The caller serializes
// every call.
type vt10xEmulator struct {
	vt vt10x.Terminal
}

var _ emulator = (*vt10xEmulator)(nil)

func newVT10x(cols, rows int) *vt10xEmulator {
	return &vt10xEmulator{vt: vt10x.New(vt10x.WithSize(cols, rows))}
}

func (e *vt10xEmulator) Write(p []byte) {
	_, _ = e.vt.Write(p)
}

func (e *vt10xEmulator) Resize(cols, rows int) { e.vt.Resize(cols, rows) }

func (e *vt10xEmulator) Size() (cols, rows int) { return e.vt.Size() }

func (e *vt10xEmulator) Cursor() (col, row int) {
	c := e.vt.Cursor()
	return c.X, c.Y
}

func (e *vt10xEmulator) Title() string { return e.vt.Title() }

func (e *vt10xEmulator) Modes() modes {
	m := e.vt.Mode()
	return modes{
		appCursor:    m&vt10x.ModeAppCursor != 0,
		cursorHidden: !e.vt.CursorVisible(),
		altScreen:    m&vt10x.ModeAltScreen != 0,
	}
}

func (e *vt10xEmulator) Cell(col, row int) Cell {
	g := e.vt.Cell(col, row)
	c := Cell{Rune: g.Char, FG: fromVT10x(g.FG), BG: fromVT10x(g.BG), Width: 1}
	if g.Mode&vtReverse != 0 {
		// vt10x swaps the colours of a reversed cell when it writes it.
		c.FG, c.BG = c.BG, c.FG
		c.Attr |= AttrReverse
	}
	if g.Mode&vtUnderline != 0 {
		c.Attr |= AttrUnderline
	}
	if g.Mode&vtBold != 0 {
		c.Attr |= AttrBold
	}
	if g.Mode&vtItalic != 0 {
		c.Attr |= AttrItalic
	}
	if g.Mode&vtBlink != 0 {
		c.Attr |= AttrBlink
	}
	return c
}

// fromVT10x converts a vt10x colour. vt10x stores an RGB colour whose
// value is below 256 like a palette index, so such colours become
// palette colours.
func fromVT10x(c vt10x.Color) Color {
	switch {
	case c == vt10x.DefaultFG:
		return DefaultFG
	case c == vt10x.DefaultBG:
		return DefaultBG
	case c < 256:
		return Indexed(uint8(c))
	case c < 1<<24:
		return RGB(uint8(c>>16), uint8(c>>8), uint8(c))
	}
	return DefaultFG
}
