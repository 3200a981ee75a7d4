package term

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// floodText returns random lines of plain text, sometimes with SGR,
// wide and combining characters, long lines and tabs.
func floodText(rng *rand.Rand, lines, cols int, plain bool) string {
	pieces := []string{"a", "b", "z", "0", " ", "é", "Ω", "中", "😀", "e\u0301", "─"}
	if plain {
		pieces = []string{"a", "\t", "é", "中", " "}
	}
	var b strings.Builder
	for i := 0; i < lines; i++ {
		n := rng.Intn(cols * 2)
		if plain || rng.Intn(3) == 0 {
			n = rng.Intn(cols + 2)
		}
		for j := 0; j < n; j++ {
			switch k := rng.Intn(40); {
			case k == 0:
				fmt.Fprintf(&b, "\x1b[%d;%dm", 30+rng.Intn(8), rng.Intn(8))
			case k == 1:
				b.WriteString("\x1b[m")
			case k < 6:
				b.WriteString(pieces[rng.Intn(len(pieces))])
			default:
				b.WriteByte(byte('a' + rng.Intn(26)))
			}
		}
		switch rng.Intn(50) + 50*boolToInt(plain) {
		case 0:
			b.WriteString("\t")
		case 1:
			b.WriteString("\n")
		}
		b.WriteString("\r\n")
	}
	return b.String()
}

// TestFloodSkipMatchesFullParse writes the same random floods with and
// without skipFlood and compares every cell and the cursor.
func TestFloodSkipMatchesFullParse(t *testing.T) {
	for seed := int64(0); seed < 200; seed++ {
		rng := rand.New(rand.NewSource(seed))
		cols, rows := 10+rng.Intn(30), 3+rng.Intn(10)
		text := floodText(rng, 50+rng.Intn(400), cols, seed%2 == 0)
		var chunks []string
		for len(text) > 0 {
			n := min(len(text), 1+rng.Intn(6000))
			chunks = append(chunks, text[:n])
			text = text[n:]
		}

		var terms [2]*Terminal
		for i := range terms {
			term, err := New(Options{Width: cols * 8, Height: rows * 16, Depth: 1, FontSize: 16})
			if err != nil {
				t.Fatal(err)
			}
			defer term.Close()
			term.noFloodSkip = i == 1
			for _, c := range chunks {
				term.Write([]byte(c))
			}
			terms[i] = term
		}
		fast, full := terms[0], terms[1]
		if a, b := fast.Text(), full.Text(); a != b {
			t.Fatalf("seed %d (%dx%d): screens differ:\n%s\nwant\n%s", seed, cols, rows, a, b)
		}
		fc, fr := fast.Cursor()
		wc, wr := full.Cursor()
		if fc != wc || fr != wr {
			t.Fatalf("seed %d: cursor %d,%d, want %d,%d", seed, fc, fr, wc, wr)
		}
		for y := 0; y < rows; y++ {
			for x := 0; x < cols; x++ {
				a, b := fast.emu.Cell(x, y), full.emu.Cell(x, y)
				if a != b {
					t.Fatalf("seed %d: cell %d,%d is %+v, want %+v", seed, x, y, a, b)
				}
			}
		}
	}
}

// TestFloodSkipApplies checks that a plain flood does take the short
// path, so the comparison above tests something.
func TestFloodSkipApplies(t *testing.T) {
	term, err := New(Options{Width: 80 * 8, Height: 24 * 16, Depth: 1, FontSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	term.Write([]byte("\r\n"))
	text := []byte(strings.Repeat("some plain line of text\r\n", 200))
	term.mu.Lock()
	out := term.skipFlood(text)
	term.mu.Unlock()
	if len(out) >= len(text)/2 {
		t.Errorf("skipFlood kept %d of %d bytes, want under half", len(out), len(text))
	}
}

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestScrollbackStaysSmall checks that a long flood keeps no history in
// the emulator, whose default scrollback would hold 10000 lines.
func TestScrollbackStaysSmall(t *testing.T) {
	term, err := New(Options{Width: 80 * 8, Height: 24 * 16, Depth: 1, FontSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	term.noFloodSkip = true
	for i := 0; i < 200; i++ {
		term.Write([]byte(strings.Repeat(fmt.Sprintf("line %d of the flood\r\n", i), 10)))
	}
	if n := term.emu.(*xvtEmulator).vt.ScrollbackLen(); n > 1 {
		t.Errorf("scrollback holds %d lines, want at most 1", n)
	}
}
