package term

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/einkterm/einkterm/display"
)

// newTest returns a 20x5 terminal with 8x16 cells.
func newTest(t *testing.T, replies *bytes.Buffer) *Terminal {
	t.Helper()
	opts := Options{Width: 20 * 8, Height: 5 * 16, Depth: 1, FontSize: 16}
	if replies != nil {
		opts.Replies = replies
	}
	term, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return term
}

// screen joins rows into the form Text returns.
func screen(rows ...string) string {
	return strings.Join(rows, "\n") + "\n"
}

func TestWriteText(t *testing.T) {
	tests := []struct {
		name     string
		writes   []string
		want     string
		col, row int
	}{
		{"plain", []string{"hello"}, screen("hello", "", "", "", ""), 5, 0},
		{"newline", []string{"a\r\nb"}, screen("a", "b", "", "", ""), 1, 1},
		{"cup", []string{"\x1b[3;4Hx"}, screen("", "", "   x", "", ""), 4, 2},
		{"cup empty row", []string{"\x1b[;10Hx"}, screen("         x", "", "", "", ""), 10, 0},
		{"cup zero", []string{"\x1b[0;0Hx"}, screen("x", "", "", "", ""), 1, 0},
		{"cnl zero", []string{"\x1b[2;3H\x1b[0Ex"}, screen("", "", "x", "", ""), 1, 2},
		{"erase line", []string{"abcdef\x1b[1;3H\x1b[K"}, screen("ab", "", "", "", ""), 2, 0},
		{"split utf8", []string{"\xc3", "\xa9t\xe2\x82", "\xac"}, screen("ét€", "", "", "", ""), 3, 0},
		{"invalid utf8", []string{"a\xffb"}, screen("a\uFFFDb", "", "", "", ""), 3, 0},
		{"split csi", []string{"\x1b[", "2;", "2Hz"}, screen("", " z", "", "", ""), 2, 1},
		{"control inside csi", []string{"ab\x1b[1\bD"}, screen("ab", "", "", "", ""), 0, 0},
		{"scroll", []string{"1\r\n2\r\n3\r\n4\r\n5\r\n6"}, screen("2", "3", "4", "5", "6"), 1, 4},
		{"wrap", []string{strings.Repeat("x", 22)}, screen(strings.Repeat("x", 20), "xx", "", "", ""), 2, 1},
		{"title", []string{"\x1b]0;hi\x07ok"}, screen("ok", "", "", "", ""), 2, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			term := newTest(t, nil)
			for _, w := range tc.writes {
				if n, err := term.Write([]byte(w)); err != nil || n != len(w) {
					t.Fatalf("Write(%q) = %d, %v", w, n, err)
				}
			}
			if got := term.Text(); got != tc.want {
				t.Errorf("Text:\n%q\nwant\n%q", got, tc.want)
			}
			col, row := term.Cursor()
			if col != tc.col || row != tc.row {
				t.Errorf("Cursor = %d,%d, want %d,%d", col, row, tc.col, tc.row)
			}
		})
	}
}

func TestWriteReplies(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\x1b[c", da1Reply},
		{"\x1b[0c", da1Reply},
		{"\x1b[>c", da2Reply},
		{"\x1b[5n", "\x1b[0n"},
		{"ab\x1b[2;1Hxyz\x1b[6n", "\x1b[2;4R"},
		{"\x1bZ", da1Reply},
	}
	for _, tc := range tests {
		var out bytes.Buffer
		term := newTest(t, &out)
		term.Write([]byte(tc.in))
		if out.String() != tc.want {
			t.Errorf("reply to %q = %q, want %q", tc.in, out.String(), tc.want)
		}
	}
}

func TestModes(t *testing.T) {
	term := newTest(t, nil)
	if term.AppCursorKeys() || term.BracketedPaste() {
		t.Fatal("modes set at start")
	}
	term.Write([]byte("\x1b[?1h\x1b[?2004h\x1b]2;my title\x1b\\"))
	if !term.AppCursorKeys() {
		t.Error("AppCursorKeys false after ESC[?1h")
	}
	if !term.BracketedPaste() {
		t.Error("BracketedPaste false after ESC[?2004h")
	}
	if term.Title() != "my title" {
		t.Errorf("Title = %q", term.Title())
	}
	term.Write([]byte("\x1b[?1l\x1b[?2004l"))
	if term.AppCursorKeys() || term.BracketedPaste() {
		t.Error("modes still set after reset")
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{
		{Width: 100, Height: 100, Depth: 3},
		{Width: 0, Height: 100, Depth: 1},
		{Width: 3, Height: 3, Depth: 1},
		{Width: 100, Height: 100, Depth: 1, FontFile: "testdata/missing.ttf"},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) succeeded", o)
		}
	}
}

func TestResize(t *testing.T) {
	term := newTest(t, nil)
	cols, rows := term.Resize(10*8, 3*16+5)
	if cols != 10 || rows != 3 {
		t.Fatalf("Resize = %d,%d, want 10,3", cols, rows)
	}
	if c, r := term.Size(); c != 10 || r != 3 {
		t.Errorf("Size = %d,%d, want 10,3", c, r)
	}
}

func TestSetFontSize(t *testing.T) {
	term, err := New(Options{Width: 320, Height: 240, Depth: 1, FontSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	term.Write([]byte("hello"))
	cols, rows, err := term.SetFontSize(32)
	if err != nil {
		t.Fatal(err)
	}
	if cols != 20 || rows != 7 {
		t.Errorf("SetFontSize(32) = %d,%d, want 20,7", cols, rows)
	}
	if cs := term.CellSize(); cs.X != 16 || cs.Y != 32 {
		t.Errorf("cell size %v, want 16x32", cs)
	}
	if c, r := term.Size(); c != 20 || r != 7 {
		t.Errorf("Size = %d,%d, want 20,7", c, r)
	}
	if !strings.HasPrefix(term.Text(), "hello\n") {
		t.Errorf("text lost on font change: %q", term.Text())
	}
}

func TestConcurrentWriteRender(t *testing.T) {
	term, err := New(Options{Width: 320, Height: 240, Depth: 1, FontSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	f := display.NewFrame(320, 240, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 200; i++ {
			term.Write([]byte("中文 text \x1b[7mrev\x1b[m\r\n"))
		}
	}()
	for i := 0; i < 50; i++ {
		term.Render(f)
	}
	<-done
	term.Render(f)
	if !strings.Contains(term.Text(), "中文 text rev") {
		t.Errorf("screen after concurrent writes: %q", term.Text())
	}
}

// blockingWriter blocks every Write until release is closed.
type blockingWriter struct{ release chan struct{} }

func (w blockingWriter) Write(p []byte) (int, error) {
	<-w.release
	return len(p), nil
}

func TestStalledRepliesDoNotBlockWrite(t *testing.T) {
	w := blockingWriter{release: make(chan struct{})}
	defer close(w.release)
	term, err := New(Options{Width: 160, Height: 80, Depth: 1, FontSize: 16, Replies: w})
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()

	done := make(chan struct{})
	go func() {
		defer close(done)
		// DECRQM: x/vt replies on its own pipe.
		for i := 0; i < 500; i++ {
			term.Write([]byte("\x1b[?1$p"))
		}
		term.Write([]byte("ok"))
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Write blocked behind a stalled Replies writer")
	}
	if !strings.HasPrefix(term.Text(), "ok\n") {
		t.Errorf("screen %q, want ok", term.Text())
	}
}
