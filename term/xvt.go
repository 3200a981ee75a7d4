package term

import (
	"image"
	"image/color"
	"io"
	"reflect"
	"unicode/utf8"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// xvtEmulator adapts github.com/charmbracelet/x/vt v0.1.0. The caller
// serializes every call but those of the reply goroutine.
type xvtEmulator struct {
	vt      *vt.Emulator
	title   string
	modes   map[ansi.Mode]bool
	phantom reflect.Value // the emulator's unexported pending-wrap flag
}

var _ emulator = (*xvtEmulator)(nil)

// newXVT returns an emulator whose own replies (those the scanner does
// not handle first, such as mode reports) go to replies. x/vt writes
// them to a pipe that blocks its parser until read, so a goroutine
// drains the pipe until Close.
func newXVT(cols, rows int, replies func([]byte)) *xvtEmulator {
	e := &xvtEmulator{vt: vt.NewEmulator(cols, rows), modes: map[ansi.Mode]bool{
		ansi.ModeAutoWrap: true,
	}}
	// x/vt keeps 10000 lines of scrollback by default, which costs tens
	// of megabytes and a copy of the whole history for every line once
	// full. Nothing here shows scrollback, and 1 is the smallest size
	// its API accepts.
	e.vt.SetScrollbackSize(1)
	e.phantom = reflect.ValueOf(e.vt).Elem().FieldByName("atPhantom")
	e.vt.SetCallbacks(vt.Callbacks{
		Title:       func(s string) { e.title = s },
		EnableMode:  func(m ansi.Mode) { e.modes[m] = true },
		DisableMode: func(m ansi.Mode) { e.modes[m] = false },
	})
	go drain(e.vt, replies)
	return e
}

// drain reads the emulator's replies and hands them to replies from a
// second goroutine through a queue, so that a slow replies writer never
// stalls the parser. Replies beyond the queue's room are dropped.
func drain(r io.Reader, replies func([]byte)) {
	queue := make(chan []byte, replyQueue)
	go func() {
		for p := range queue {
			replies(p)
		}
	}()
	defer close(queue)

	buf := make([]byte, 256)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			select {
			case queue <- append([]byte(nil), buf[:n]...):
			default:
			}
		}
		if err != nil {
			return
		}
	}
}

// replyQueue is how many reads of replies may wait for the writer.
const replyQueue = 64

func (e *xvtEmulator) Write(p []byte) { _, _ = e.vt.Write(p) }

// Close ends the reply goroutine. It closes the reply pipe directly
// because x/vt's Close sets a flag that Read reads without a lock.
func (e *xvtEmulator) Close() {
	if pw, ok := e.vt.InputPipe().(*io.PipeWriter); ok {
		_ = pw.Close()
	}
}

func (e *xvtEmulator) Resize(cols, rows int) { e.vt.Resize(cols, rows) }

func (e *xvtEmulator) Size() (cols, rows int) {
	return e.vt.Width(), e.vt.Height()
}

func (e *xvtEmulator) Cursor() (col, row int) {
	p := e.vt.CursorPosition()
	return p.X, p.Y
}

func (e *xvtEmulator) Title() string { return e.title }

func (e *xvtEmulator) Modes() modes {
	return modes{
		appCursor:    e.modes[ansi.ModeCursorKeys],
		cursorHidden: e.vt.CursorHidden(),
		altScreen:    e.vt.IsAltScreen(),
	}
}

func (e *xvtEmulator) Cell(col, row int) Cell {
	c := e.vt.CellAt(col, row)
	if c == nil {
		return Cell{Rune: ' ', FG: DefaultFG, BG: DefaultBG, Width: 1}
	}
	out := Cell{FG: fromColor(c.Style.Fg, DefaultFG),
		BG: fromColor(c.Style.Bg, DefaultBG), Width: uint8(c.Width)}
	r, n := utf8.DecodeRuneInString(c.Content)
	out.Rune = r
	if n < len(c.Content) {
		out.Comb = truncateUTF8(c.Content[n:], maxMarkBytes)
	}
	if c.Content == "" {
		out.Rune = ' '
		if c.Width != 0 {
			out.Width = 1
		}
	}
	out.Attr = fromUVAttrs(c.Style.Attrs)
	if c.Style.Underline != 0 {
		out.Attr |= AttrUnderline
	}
	return out
}

// uvAttrs maps ultraviolet's attribute bits to Attr.
var uvAttrs = [...]struct {
	uv  uint8
	own Attr
}{
	{uv.AttrBold, AttrBold}, {uv.AttrFaint, AttrFaint},
	{uv.AttrItalic, AttrItalic}, {uv.AttrBlink, AttrBlink},
	{uv.AttrRapidBlink, AttrBlink}, {uv.AttrReverse, AttrReverse},
	{uv.AttrConceal, AttrInvisible}, {uv.AttrStrikethrough, AttrStrike},
}

func fromUVAttrs(a uint8) Attr {
	if a == 0 {
		return 0
	}
	var out Attr
	for _, p := range uvAttrs {
		if a&p.uv != 0 {
			out |= p.own
		}
	}
	return out
}

// fromColor converts an x/vt colour; nil is the default def.
func fromColor(c color.Color, def Color) Color {
	switch c := c.(type) {
	case nil:
		return def
	case ansi.BasicColor:
		return Indexed(uint8(c))
	case ansi.IndexedColor:
		return Indexed(uint8(c))
	case ansi.TrueColor:
		return RGB(uint8(c>>16), uint8(c>>8), uint8(c))
	}
	r, g, b, _ := c.RGBA()
	return RGB(uint8(r>>8), uint8(g>>8), uint8(b>>8))
}

// wrapBeforeWide moves the cursor to the next line when a wide
// character is about to be written at the last column, as xterm does.
// x/vt v0.1.0 drops such a character instead.
func (e *xvtEmulator) wrapBeforeWide() {
	col, _ := e.Cursor()
	if col < e.vt.Width()-1 || !e.modes[ansi.ModeAutoWrap] {
		return
	}
	if e.phantom.IsValid() && e.phantom.Bool() {
		return // x/vt wraps on its own
	}
	e.vt.Write([]byte("\r\x1bD"))
}

// appendMarks adds combining marks to the character written last, which
// x/vt has already placed because it ended a Write call.
func (e *xvtEmulator) appendMarks(marks string) bool {
	col, row := e.Cursor()
	if !(e.phantom.IsValid() && e.phantom.Bool()) {
		col--
	}
	if col > 0 {
		if c := e.vt.CellAt(col, row); c != nil && c.Width == 0 {
			col--
		}
	}
	c := e.vt.CellAt(col, row)
	if col < 0 || c == nil || c.Content == "" || c.Content == " " {
		return false
	}
	if len(c.Content)+len(marks) > maxMarkBytes {
		return true // drop marks beyond the limit
	}
	nc := *c
	nc.Content += marks
	e.vt.SetCell(col, row, &nc)
	return true
}

// maxMarkBytes bounds the combining marks kept on one cell, so a stream
// of marks cannot grow a cell without limit.
const maxMarkBytes = 32

// truncateUTF8 cuts s to at most n bytes at a character boundary.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

var (
	_ floodReporter  = (*xvtEmulator)(nil)
	_ originReporter = (*xvtEmulator)(nil)
)

func (e *xvtEmulator) originTop() int {
	if !e.modes[ansi.ModeOrigin] {
		return 0
	}
	region, ok := e.scrollRegion()
	if !ok {
		return 0
	}
	return region.Min.Y
}

// scrollRegion reads the scroll region from x/vt's unexported screen,
// since v0.1.0 exports no way to read it.
func (e *xvtEmulator) scrollRegion() (image.Rectangle, bool) {
	scr := reflect.ValueOf(e.vt).Elem().FieldByName("scr")
	if !scr.IsValid() || scr.IsNil() {
		return image.Rectangle{}, false
	}
	region := scr.Elem().FieldByName("scroll")
	if !region.IsValid() {
		return image.Rectangle{}, false
	}
	point := func(v reflect.Value) image.Point {
		return image.Pt(int(v.FieldByName("X").Int()), int(v.FieldByName("Y").Int()))
	}
	return image.Rectangle{Min: point(region.FieldByName("Min")),
		Max: point(region.FieldByName("Max"))}, true
}

func (e *xvtEmulator) floodState() floodState {
	col, row := e.Cursor()
	st := floodState{col: col, row: row, cols: e.vt.Width(), rows: e.vt.Height()}
	if !e.modes[ansi.ModeAutoWrap] || e.modes[ansi.ModeLineFeedNewLine] ||
		!e.phantom.IsValid() || e.phantom.Bool() {
		return st
	}
	region, ok := e.scrollRegion()
	st.plain = ok && region == image.Rect(0, 0, st.cols, st.rows)
	return st
}
