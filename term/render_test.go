package term

import (
	"bytes"
	"fmt"
	"image"
	"math/rand"
	"strings"
	"testing"

	"github.com/einkterm/einkterm/display"
)

// countLevel returns how many pixels of r in f have value v.
func countLevel(f *display.Frame, r image.Rectangle, v uint8) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if f.GrayAt(x, y) == v {
				n++
			}
		}
	}
	return n
}

func TestRenderDepths(t *testing.T) {
	for _, depth := range []int{1, 2, 4, 8} {
		term, err := New(Options{Width: 80, Height: 48, Depth: depth, FontSize: 16})
		if err != nil {
			t.Fatal(err)
		}
		f := display.NewFrame(80, 48, depth)
		cw := term.CellSize()
		cell := func(col, row int) image.Rectangle {
			return image.Rect(col*cw.X, row*cw.Y, (col+1)*cw.X, (row+1)*cw.Y)
		}

		term.Write([]byte("A\x1b[7mR\x1b[m\x1b[?25l"))
		d := term.Render(f)
		if len(d) != 1 || d[0].Rect != f.Bounds() {
			t.Errorf("depth %d: first damage %v, want the whole frame", depth, d)
		}
		if n := countLevel(f, cell(0, 0), 0); n < 10 {
			t.Errorf("depth %d: 'A' has %d black pixels", depth, n)
		}
		white := f.White()
		if n := countLevel(f, cell(1, 0), 0); n < cw.X*cw.Y/2 {
			t.Errorf("depth %d: reverse 'R' has %d black pixels, want most", depth, n)
		}
		if n := countLevel(f, cell(1, 0), white); n < 10 {
			t.Errorf("depth %d: reverse 'R' has %d white pixels", depth, n)
		}
		if n := countLevel(f, cell(2, 0), white); n != cw.X*cw.Y {
			t.Errorf("depth %d: blank cell has %d white pixels", depth, n)
		}

		if d := term.Render(f); d != nil {
			t.Errorf("depth %d: unchanged screen damaged %v", depth, d)
		}

		term.Write([]byte("\x1b[2;3Hx"))
		d = term.Render(f)
		if len(d) != 1 || d[0].Rect != cell(2, 1) {
			t.Errorf("depth %d: damage %v, want cell 2,1 %v", depth, d, cell(2, 1))
		}
	}
}

func TestRenderCursor(t *testing.T) {
	term := newTest(t, nil)
	f := display.NewFrame(160, 80, 1)
	cw := term.CellSize()
	term.Render(f)
	first := image.Rect(0, 0, cw.X, cw.Y)
	if n := countLevel(f, first, 0); n != cw.X*cw.Y {
		t.Errorf("block cursor on a blank cell has %d black pixels, want %d", n, cw.X*cw.Y)
	}

	term.Write([]byte(" "))
	d := term.Render(f)
	if len(d) != 1 || d[0].Rect != image.Rect(0, 0, 2*cw.X, cw.Y) {
		t.Errorf("cursor move damaged %v, want old and new cell", d)
	}
	if n := countLevel(f, first, 0); n != 0 {
		t.Errorf("old cursor cell still has %d black pixels", n)
	}
}

func TestCursorRectMatchesCursor(t *testing.T) {
	term := newTest(t, nil)
	f := display.NewFrame(160, 80, 1)
	term.Write([]byte("ab\r\ncd"))
	term.Render(f)
	cw := term.CellSize()
	want := image.Rect(2*cw.X, cw.Y, 3*cw.X, 2*cw.Y)
	if got := term.CursorRect(); got != want {
		t.Fatalf("CursorRect = %v, want %v", got, want)
	}
	if n := countLevel(f, want, 0); n != cw.X*cw.Y {
		t.Errorf("the cell at CursorRect has %d black pixels, want the %d of a block cursor", n, cw.X*cw.Y)
	}
}

func TestCellLevels(t *testing.T) {
	tests := []struct {
		name   string
		c      Cell
		depth  int
		fg, bg uint8
	}{
		{"default 1bpp", Cell{FG: DefaultFG, BG: DefaultBG}, 1, 0, 1},
		{"reverse 1bpp", Cell{FG: DefaultFG, BG: DefaultBG, Attr: AttrReverse}, 1, 1, 0},
		{"blue on black 1bpp", Cell{FG: Indexed(4), BG: Indexed(0)}, 1, 1, 0},
		{"blue on black reverse", Cell{FG: Indexed(4), BG: Indexed(0), Attr: AttrReverse}, 1, 0, 1},
		{"yellow on white 1bpp", Cell{FG: Indexed(11), BG: Indexed(15)}, 1, 0, 1},
		{"yellow on white 4bpp", Cell{FG: Indexed(11), BG: Indexed(15)}, 4, 0, 15},
		{"red on white 4bpp", Cell{FG: Indexed(1), BG: DefaultBG}, 4, 4, 15},
		{"gray bg 4bpp", Cell{FG: DefaultFG, BG: Indexed(244)}, 4, 0, 8},
		{"rgb 8bpp", Cell{FG: RGB(0, 0, 0), BG: RGB(128, 128, 128)}, 8, 0, 128},
	}
	for _, tc := range tests {
		fg, bg := cellLevels(tc.c, tc.depth, false)
		if fg != tc.fg || bg != tc.bg {
			t.Errorf("%s: levels %d,%d, want %d,%d", tc.name, fg, bg, tc.fg, tc.bg)
		}
	}
}

func TestRenderCursorOnWideCharacter(t *testing.T) {
	term := newTest(t, nil)
	f := display.NewFrame(160, 80, 1)
	cw := term.CellSize()
	term.Write([]byte("中\x1b[1;2H"))
	term.Render(f)
	wide := image.Rect(0, 0, 2*cw.X, cw.Y)
	if n := countLevel(f, wide, 0); n < cw.X*cw.Y {
		t.Errorf("cursor on the second half of 中: %d black pixels, want the block over both cells", n)
	}
}

// TestRenderScrollMatchesFullRender renders after each of many writes
// that scroll, move and erase, and checks that the frame equals a full
// render of the same screen, so moved pixels are never stale.
func TestRenderScrollMatchesFullRender(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	steps := []string{"line %d\r\n", "\x1b[%dS", "\x1b[%dT", "\x1bM", "\x1b[2;%dr", "\x1b[r",
		"\x1b[%d;1H", "\x1b[K", "中文 %d\r\n", "\x1b[7m rev %d \x1b[m\r\n", "\x1b[%dL", "\x1b[%dM"}
	term, err := New(Options{Width: 20 * 8, Height: 8 * 16, Depth: 1, FontSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	f := display.NewFrame(160, 128, 1)
	scrolls := 0
	for i := 0; i < 400; i++ {
		step := steps[rng.Intn(len(steps))]
		if strings.Contains(step, "%d") {
			step = fmt.Sprintf(step, 1+rng.Intn(7))
		}
		term.Write([]byte(step))
		for _, d := range term.Render(f) {
			if d.Kind == display.Scrolled {
				scrolls++
				if d.Dy%16 != 0 || d.Dy == 0 {
					t.Fatalf("step %d: scroll by %d pixels", i, d.Dy)
				}
			}
		}

		want := display.NewFrame(160, 128, 1)
		term.renderMu.Lock()
		saved := term.render
		term.render.invalidate()
		term.renderMu.Unlock()
		term.Render(want)
		term.renderMu.Lock()
		term.render = saved
		term.renderMu.Unlock()
		if !bytes.Equal(f.Pix, want.Pix) {
			t.Fatalf("step %d (%q): incremental frame differs from a full render", i, step)
		}
	}
	if scrolls < 5 {
		t.Errorf("only %d Scrolled damages in 400 steps", scrolls)
	}
}

func TestRenderReportsScroll(t *testing.T) {
	term := newTest(t, nil)
	f := display.NewFrame(160, 80, 1)
	term.Write([]byte("1\r\n2\r\n3\r\n4\r\n5"))
	term.Render(f)
	term.Write([]byte("\r\n6"))
	var scroll *display.Damage
	for _, d := range term.Render(f) {
		if d.Kind == display.Scrolled {
			scroll = &d
		}
	}
	if scroll == nil {
		t.Fatal("no Scrolled damage after a line feed at the bottom")
	}
	// Rows 1 to 3 move up to rows 0 to 2; row 4 holds the cursor both
	// times, so it is drawn, not moved.
	if scroll.Dy != -16 || scroll.Rect != image.Rect(0, 0, 160, 64) {
		t.Errorf("Scrolled %v by %d, want rows 0 to 3 by -16", scroll.Rect, scroll.Dy)
	}
}
