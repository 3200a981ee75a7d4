package term

import (
	"image"
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
