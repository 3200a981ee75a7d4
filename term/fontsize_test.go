package term

import (
	"image"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/einkterm/einkterm/display"
	"golang.org/x/image/font/gofont/gomono"
)

// writeGoMono writes Go Mono to a temporary file and returns its path.
func writeGoMono(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mono.ttf")
	if err := os.WriteFile(path, gomono.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFontSizeOutOfRange(t *testing.T) {
	mono := writeGoMono(t)
	for _, font := range []string{"", mono} {
		for _, size := range []int{-1, 3, MinFontSize - 1, MaxFontSize + 1, 96, 100000} {
			opts := Options{Width: 800, Height: 600, Depth: 1, FontSize: size, FontFile: font}
			_, err := New(opts)
			if err == nil {
				t.Errorf("New with font %q at size %d succeeded", font, size)
				continue
			}
			want := []string{"font size", "6 to 48", strconv.Itoa(size)}
			for _, w := range want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("New with font %q at size %d: error %q does not contain %q", font, size, err, w)
				}
			}
		}
	}
}

func TestSetFontSizeOutOfRange(t *testing.T) {
	term, err := New(Options{Width: 320, Height: 240, Depth: 1, FontSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	for _, size := range []int{-4, 5, 49, 100000} {
		if _, _, err := term.SetFontSize(size); err == nil || !strings.Contains(err.Error(), "6 to 48") {
			t.Errorf("SetFontSize(%d): error %v, want one naming the range 6 to 48", size, err)
		}
	}
	if cs := term.CellSize(); cs.Y != 16 {
		t.Errorf("cell height %d after rejected sizes, want 16 kept", cs.Y)
	}
}

// Every size in the range renders with the bundled font and with
// monospaced TTF fonts: cells fit the glyph rows, and a wide character
// is drawn.
func TestFontSizeRangeRenders(t *testing.T) {
	fonts := map[string]string{"bundled": "", "Go Mono": writeGoMono(t)}
	const dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
	if _, err := os.Stat(dejavu); err == nil {
		fonts["DejaVu Sans Mono"] = dejavu
	}
	for name, path := range fonts {
		for size := MinFontSize; size <= MaxFontSize; size++ {
			term, err := New(Options{Width: 400, Height: 200, Depth: 1, FontSize: size, FontFile: path})
			if err != nil {
				t.Errorf("%s at size %d: %v", name, size, err)
				continue
			}
			cs := term.CellSize()
			if cs.X < 1 || cs.X > maxCellWidth || cs.Y < 1 {
				t.Errorf("%s at size %d: cell %v, want 1 to %d pixels wide", name, size, cs, maxCellWidth)
			}
			if path != "" && cs.Y > size {
				t.Errorf("%s at size %d: cell height %d is above the size", name, size, cs.Y)
			}
			term.Write([]byte("\x1b[?25l中"))
			f := display.NewFrame(400, 200, 1)
			term.Render(f)
			if n := countLevel(f, image.Rect(0, 0, 2*cs.X, cs.Y), 0); n == 0 {
				t.Errorf("%s at size %d: the wide character 中 drew no black pixels", name, size)
			}
			term.Close()
		}
	}
}

func TestFontSizeFromDPIClamped(t *testing.T) {
	tests := []struct{ dpi, cellHeight int }{
		{20, 12}, // 3 pixels, raised to 6, and the bundled font's smallest is 12
		{600, 48},
	}
	for _, tc := range tests {
		term, err := New(Options{Width: 800, Height: 600, Depth: 1, DPI: tc.dpi})
		if err != nil {
			t.Fatalf("DPI %d: %v", tc.dpi, err)
		}
		if got := term.CellSize().Y; got != tc.cellHeight {
			t.Errorf("DPI %d: cell height %d, want %d", tc.dpi, got, tc.cellHeight)
		}
		term.Close()
	}
}
