package term

import (
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/einkterm/einkterm/deploy/peertest"
)

// vttestSession runs vttest in a pty whose output feeds a Terminal, as
// einkterm shell does, and whose input receives the Terminal's replies
// and the test's keys.
type vttestSession struct {
	t    *testing.T
	term *Terminal
	pty  *os.File

	mu   sync.Mutex
	last time.Time // when output last arrived
}

func startVttest(t *testing.T) *vttestSession {
	path := peertest.Require(t, "vttest", "vttest")
	cmd := exec.Command(path, "24x80.80")
	cmd.Env = append(os.Environ(), "TERM=vt100")
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		t.Fatalf("start vttest: %v", err)
	}

	s := &vttestSession{t: t, pty: ptmx, last: time.Now()}
	s.term, err = New(Options{Width: 80 * 8, Height: 24 * 16, Depth: 1, FontSize: 16, Replies: ptmx})
	if err != nil {
		t.Fatal(err)
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			if n > 0 {
				s.term.Write(buf[:n])
				s.mu.Lock()
				s.last = time.Now()
				s.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		ptmx.Close()
		<-done
		s.term.Close()
	})
	return s
}

// waitFor waits until the screen contains want and output has been quiet
// for a moment, and returns the screen's lines.
func (s *vttestSession) waitFor(want string) []string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		quiet := time.Since(s.last) > 300*time.Millisecond
		s.mu.Unlock()
		text := s.term.Text()
		if quiet && strings.Contains(text, want) {
			return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("screen never showed %q; it shows:\n%s", want, s.term.Text())
	return nil
}

// next sends keys and waits until the screen changes and then shows
// want.
func (s *vttestSession) next(keys, want string) []string {
	s.t.Helper()
	before := s.term.Text()
	s.send(keys)
	deadline := time.Now().Add(20 * time.Second)
	for s.term.Text() == before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	return s.waitFor(want)
}

func (s *vttestSession) send(keys string) {
	s.t.Helper()
	if _, err := io.WriteString(s.pty, keys); err != nil {
		s.t.Fatalf("send %q: %v", keys, err)
	}
}

// rowIs checks one screen row.
func rowIs(t *testing.T, screen string, lines []string, row int, want string) {
	t.Helper()
	if lines[row] != want {
		t.Errorf("%s: row %d is %q, want %q", screen, row, lines[row], want)
	}
}

// TestVttestCursorMovement runs vttest's first menu, "Test of cursor
// movements", and checks each screen against what a VT100 shows.
func TestVttestCursorMovement(t *testing.T) {
	s := startVttest(t)
	s.waitFor("Enter choice number")

	// The border test draws it twice, at 80 and at the 132 columns that
	// 24x80.80 keeps at 80.
	for i := 0; i < 2; i++ {
		keys := "1\r"
		if i > 0 {
			keys = "\r"
		}
		lines := s.next(keys, "Push <RETURN>")
		stars, pluses := strings.Repeat("*", 80), "*"+strings.Repeat("+", 78)+"*"
		rowIs(t, "border", lines, 0, stars)
		rowIs(t, "border", lines, 1, pluses)
		rowIs(t, "border", lines, 22, pluses)
		rowIs(t, "border", lines, 23, stars)
		frame := "*+        " + strings.Repeat("E", 60) + "        +*"
		rowIs(t, "border", lines, 8, frame)
		rowIs(t, "border", lines, 15, frame)
		for r := 2; r < 22; r++ {
			l := lines[r]
			if len(l) != 80 || !strings.HasPrefix(l, "*+") || !strings.HasSuffix(l, "+*") {
				t.Errorf("border: row %d is %q, want *+ ... +*", r, l)
			}
		}
		for r := 9; r < 15; r++ {
			if l := lines[r]; len(l) != 80 || l[10] != 'E' || l[69] != 'E' {
				t.Errorf("border: row %d is %q, want E at columns 10 and 69", r, l)
			}
		}
	}

	for i := 0; i < 2; i++ {
		lines := s.next("\r", "Push <RETURN>")
		for r := 2; r < 20; r++ {
			want := string(rune('I'+r-2)) + strings.Repeat(" ", 78) + string(rune('i'+r-2))
			rowIs(t, "autowrap", lines, r, want)
		}
	}

	lines := s.next("\r", "four identical lines")
	for r := 3; r < 7; r++ {
		rowIs(t, "controls in sequences", lines, r, "A B C D E F G H I")
	}

	lines = s.next("\r", "leading zeros")
	rowIs(t, "leading zeros", lines, 3, "This is a correct sentence")
}

// TestVttestScreenFeatures runs vttest's second menu, "Test of screen
// features", and checks the screens whose content a VT100 fixes.
func TestVttestScreenFeatures(t *testing.T) {
	s := startVttest(t)
	s.waitFor("Enter choice number")

	lines := s.next("2\r", "Push <RETURN>")
	for r := 0; r < 3; r++ {
		rowIs(t, "wrap around", lines, r, strings.Repeat("*", 80))
	}
	rowIs(t, "wrap around", lines, 3, "")

	lines = s.next("\r", "Push <RETURN>")
	tabs := strings.Repeat("     *", 13)
	rowIs(t, "tabs", lines, 0, " "+tabs)
	rowIs(t, "tabs", lines, 1, " "+tabs)

	for i := 0; i < 4; i++ {
		lines = s.next("\r", "Push <RETURN>")
		rowIs(t, "column mode", lines, 0, "1234567890123456789012345678901234567890123456789012345678901234567890123456789")
		for r := 2; r < 20; r++ {
			if !strings.HasPrefix(strings.TrimLeft(lines[r], " "), "This is 80 column mode") ||
				len(lines[r])-len(strings.TrimLeft(lines[r], " ")) != r {
				t.Errorf("column mode: row %d is %q, want the sentence after %d spaces", r, lines[r], r)
			}
		}
	}

	// Soft and jump scrolling: four screens whose timing, not content,
	// is the test.
	for i := 0; i < 4; i++ {
		lines = s.next("\r", "Push <RETURN>")
	}

	lines = s.next("\r", "Origin mode test")
	rowIs(t, "origin mode", lines, 22, "This line should be the one above the bottom of the screen. Push <RETURN>")
	rowIs(t, "origin mode", lines, 23, "Origin mode test. This line should be at the bottom of the screen.")
	lines = s.next("\r", "at the top of the screen")
	rowIs(t, "origin mode", lines, 0, "This line should be at the top of the screen. Push <RETURN>")
	rowIs(t, "origin mode", lines, 23, "Origin mode test. This line should be at the bottom of the screen.")

	// A VT100 shows light text on dark by default, so vttest's light
	// background is the reverse screen (DECSCNM).
	lines = s.next("\r", "Dark background")
	if s.term.reverseScreenSet() {
		t.Error("rendition: dark background with reverse screen")
	}
	checkRendition(t, s.term, lines)
	lines = s.next("\r", "Light background")
	if !s.term.reverseScreenSet() {
		t.Error("rendition: light background without reverse screen")
	}
	checkRendition(t, s.term, lines)
}

// checkRendition checks the attributes of the graphic rendition test
// pattern: each phrase's first letter carries the attributes it names.
func checkRendition(t *testing.T, term *Terminal, lines []string) {
	t.Helper()
	for r, l := range lines {
		for _, col := range []int{0, 5, 39, 44} {
			if col >= len(l) || l[col] == ' ' || (col > 0 && l[col-1] != ' ') {
				continue
			}
			if (col == 5 && l[0] != ' ') || (col == 44 && l[39] != ' ') {
				continue // a word inside the phrase at column 0 or 39
			}
			end := len(l)
			if col < 39 {
				end = min(end, 39)
			}
			words := strings.Fields(l[col:end])
			if len(words) == 0 {
				continue
			}
			term.mu.Lock()
			c := term.emu.Cell(col, r)
			term.mu.Unlock()
			want := Attr(0)
			for _, w := range words {
				switch w {
				case "bold":
					want |= AttrBold
				case "underline":
					want |= AttrUnderline
				case "blink":
					want |= AttrBlink
				case "negative":
					want |= AttrReverse
				}
			}
			if !strings.Contains("vanilla bold underline blink negative", words[0]) {
				continue
			}
			if c.Attr != want {
				t.Errorf("rendition: %q at row %d col %d has attributes %b, want %b",
					strings.Join(words, " "), r, col, c.Attr, want)
			}
		}
	}
}
