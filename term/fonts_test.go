package term

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/einkterm/einkterm/display"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"
)

func TestChooseTerminus(t *testing.T) {
	tests := []struct{ size, height, scale int }{
		{16, 16, 1}, {12, 12, 1}, {13, 12, 1}, {17, 16, 1}, {30, 28, 1},
		{32, 32, 1}, {36, 32, 1}, {48, 24, 2}, {64, 32, 2}, {5, 12, 1}, {96, 32, 3},
	}
	for _, tc := range tests {
		h, s := chooseTerminus(tc.size)
		if h != tc.height || s != tc.scale {
			t.Errorf("chooseTerminus(%d) = %d x%d, want %d x%d", tc.size, h, s, tc.height, tc.scale)
		}
	}
}

func TestFontSizeFromDPI(t *testing.T) {
	tests := []struct{ dpi, cellHeight int }{
		{0, 16}, {100, 16}, {150, 24}, {227, 32}, {300, 48},
	}
	for _, tc := range tests {
		term, err := New(Options{Width: 800, Height: 600, Depth: 1, DPI: tc.dpi})
		if err != nil {
			t.Fatal(err)
		}
		if got := term.CellSize().Y; got != tc.cellHeight {
			t.Errorf("DPI %d: cell height %d, want %d", tc.dpi, got, tc.cellHeight)
		}
		term.Close()
	}
}

func TestBundledCoverage(t *testing.T) {
	for _, h := range terminusHeights {
		for _, weight := range []string{"n", "b"} {
			f, err := loadFace("terminus-" + itoa(h) + weight + ".ekbf.gz")
			if err != nil {
				t.Fatal(err)
			}
			if f.height != h {
				t.Errorf("terminus %d%s: height %d", h, weight, f.height)
			}
			for _, r := range "AzÀéßΩωЖжЁё€" {
				if rows, _ := f.glyph(r); rows == nil || !anyBits(rows) {
					t.Errorf("terminus %d%s lacks %q", h, weight, r)
				}
			}
		}
	}
}

func itoa(n int) string {
	return string([]byte{byte('0' + n/10), byte('0' + n%10)})
}

func anyBits(rows []uint64) bool {
	for _, r := range rows {
		if r != 0 {
			return true
		}
	}
	return false
}

func TestWideFallbackSpansTwoCells(t *testing.T) {
	fs, err := newBundledFontSet(16)
	if err != nil {
		t.Fatal(err)
	}
	g := fs.glyph('中', false, 2)
	var left, right bool
	for _, r := range g.rows {
		left = left || r&0xff != 0
		right = right || r&0xff00 != 0
	}
	if !left || !right {
		t.Errorf("中 drawn in left cell %v, right cell %v; want both", left, right)
	}
	if g.rows == nil || len(g.rows) != fs.height {
		t.Errorf("中 has %d rows, want %d", len(g.rows), fs.height)
	}
}

func TestFallbackCoversEmoji(t *testing.T) {
	f, err := loadFace("unifont.ekbf.gz")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range "😀🚀✔中ä" {
		if rows, w := f.glyph(r); rows == nil || !anyBits(rows) || (w != 8 && w != 16) {
			t.Errorf("Unifont lacks %q (width %d)", r, w)
		}
	}
}

func TestMissingGlyphBox(t *testing.T) {
	fs, err := newBundledFontSet(16)
	if err != nil {
		t.Fatal(err)
	}
	g := fs.glyph(0x10fffd, false, 1)
	want := missingGlyph(fs.width, fs.height)
	for y := range want {
		if g.rows[y] != want[y] {
			t.Fatalf("U+10FFFD row %d = %b, want the missing-glyph box %b", y, g.rows[y], want[y])
		}
	}
}

// TestBoxJoins checks that every box drawing character's arms meet the
// arms of its neighbours pixel for pixel, at several cell sizes.
func TestBoxJoins(t *testing.T) {
	sizes := [][2]int{{6, 12}, {8, 16}, {10, 20}, {11, 22}, {16, 32}, {7, 13}}
	for _, sz := range sizes {
		w, h := sz[0], sz[1]
		for a := rune(0x2500); a < 0x2580; a++ {
			for b := rune(0x2500); b < 0x2580; b++ {
				armsA, armsB := boxArms[a-0x2500], boxArms[b-0x2500]
				if armsA == "" || armsB == "" {
					continue
				}
				ga, gb := drawBox(a, w, h), drawBox(b, w, h)
				// a's right arm against b's left arm.
				if armsA[1] == armsB[0] && armsA[1] != '0' {
					for y := 0; y < h; y++ {
						if (ga[y]>>(w-1))&1 != gb[y]&1 {
							t.Fatalf("%dx%d: %c%c do not join at row %d", w, h, a, b, y)
						}
					}
				}
				// a's down arm against b's up arm.
				if armsA[3] == armsB[2] && armsA[3] != '0' && ga[h-1] != gb[0] {
					t.Fatalf("%dx%d: %c over %c do not join: %b vs %b", w, h, a, b, ga[h-1], gb[0])
				}
			}
		}
	}
}

func TestBlockElementsFill(t *testing.T) {
	w, h := 8, 16
	full := drawBox('█', w, h)
	for y, r := range full {
		if r != 0xff {
			t.Fatalf("█ row %d = %b, want full", y, r)
		}
	}
	upper, lower := drawBox('▀', w, h), drawBox('▄', w, h)
	for y := 0; y < h; y++ {
		if upper[y]|lower[y] != 0xff || upper[y]&lower[y] != 0 {
			t.Fatalf("▀ and ▄ do not tile row %d: %b %b", y, upper[y], lower[y])
		}
	}
}

func TestUserFont(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "mono.ttf")
	bold := filepath.Join(dir, "monobold.ttf")
	if err := os.WriteFile(regular, gomono.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bold, gomonobold.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	term, err := New(Options{Width: 400, Height: 200, Depth: 1, FontSize: 20,
		FontFile: regular, BoldFontFile: bold})
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	cs := term.CellSize()
	if cs.Y != 20 || cs.X < 8 || cs.X > 14 {
		t.Errorf("Go Mono at 20 px: cell %v, want height 20 and width 8 to 14", cs)
	}

	term.Write([]byte("A\x1b[1mA\x1b[m中\x1b[?25l"))
	f := display.NewFrame(400, 200, 1)
	term.Render(f)
	cell := func(col, n int) int {
		r := f.Bounds()
		r.Min.X, r.Max.X = col*cs.X, (col+n)*cs.X
		r.Max.Y = cs.Y
		return countLevel(f, r, 0)
	}
	plain, heavy, cjk := cell(0, 1), cell(1, 1), cell(2, 2)
	if plain < 10 {
		t.Errorf("A has %d black pixels", plain)
	}
	if heavy <= plain {
		t.Errorf("bold A has %d black pixels, plain %d: want more", heavy, plain)
	}
	if cjk < 20 {
		t.Errorf("中 from the fallback has %d black pixels", cjk)
	}
}

func TestUserFontErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.ttf")
	if err := os.WriteFile(bad, []byte("not a font"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{bad, filepath.Join(t.TempDir(), "missing.ttf")} {
		if _, err := New(Options{Width: 100, Height: 100, Depth: 1, FontFile: path}); err == nil {
			t.Errorf("New with font file %s succeeded", path)
		}
	}
}

func TestBoldDiffersFromRegular(t *testing.T) {
	for _, size := range terminusHeights {
		fs, err := newBundledFontSet(size)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range "AaΩЖ" {
			plain, bold := fs.glyph(r, false, 1), fs.glyph(r, true, 1)
			if slices.Equal(plain.rows, bold.rows) && !bold.synthBold {
				t.Errorf("size %d: bold %q looks like regular", size, r)
			}
		}
	}
}

// TestProportionalFontRejected loads Go Regular, a proportional font:
// it is rejected with the fix, where it would set text with uneven gaps.
func TestProportionalFontRejected(t *testing.T) {
	path := filepath.Join(t.TempDir(), "goregular.ttf")
	if err := os.WriteFile(path, goregular.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := loadTTF(path, 16)
	if err == nil || !strings.Contains(err.Error(), "is proportional") || !strings.Contains(err.Error(), "monospaced") {
		t.Errorf("error %v, want one saying the font is proportional", err)
	}
}
