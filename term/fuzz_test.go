package term

import (
	"bytes"
	"strings"
	"testing"

	"github.com/einkterm/einkterm/display"
)

// FuzzWrite feeds arbitrary bytes, cut into writes at arbitrary points,
// and checks that nothing panics, the cursor stays on the screen, the
// buffers that carry state between writes stay bounded, and rendering
// works.
func FuzzWrite(f *testing.F) {
	seeds := []string{
		"hello\r\nworld", "\x1b[2J\x1b[;10H中文", "\x1b[?1049h\x1b[999;999H\x1b[?1049l",
		"e\u0301\u0302\u0303", "\xe4\xb8", "\x1b]0;title\x07", "\x1b]2;unterminated",
		"\x1bP1$r\x1b\\", "\x1b[38;2;1;2;3;48;5;300m", "\x1b[4h中x\x1b[4l", "\x1b#8",
		"\x1b[2;4r\x1b[?6h\x1b[99L\x1b[99M\x1b[1J", "\x1b[c\x1b[>c\x1b[6n\x1b[5n\x1bZ",
		"\x1b[" + strings.Repeat("9", 300) + "@", "😀😀😀😀😀😀😀😀😀😀😀", "\x1b[6 q\x1b[?25l", "a\x1b[99999999b\x1b[99999999X\x1b[99999999I",
	}
	for i, s := range seeds {
		f.Add([]byte(s), uint8(i))
	}
	f.Fuzz(func(t *testing.T, data []byte, cut uint8) {
		var replies bytes.Buffer
		term, err := New(Options{Width: 10 * 8, Height: 5 * 16, Depth: 1, FontSize: 16,
			Replies: &replies})
		if err != nil {
			t.Fatal(err)
		}
		defer term.Close()

		step := int(cut%16) + 1
		for i := 0; i < len(data); i += step {
			term.Write(data[i:min(i+step, len(data))])
			if n := len(term.pending); n > 3 {
				t.Fatalf("%d bytes pending after Write, want at most 3", n)
			}
		}
		if len(term.scan.csi) > maxCSI {
			t.Fatalf("control sequence buffer holds %d bytes", len(term.scan.csi))
		}

		cols, rows := term.Size()
		col, row := term.Cursor()
		if col < 0 || row < 0 || col >= cols || row >= rows {
			t.Fatalf("cursor %d,%d outside %dx%d", col, row, cols, rows)
		}
		text := term.Text()
		if n := strings.Count(text, "\n"); n != rows {
			t.Fatalf("Text has %d lines, want %d", n, rows)
		}
		frame := display.NewFrame(80, 80, 1)
		term.Render(frame)
		term.Render(frame)
	})
}
