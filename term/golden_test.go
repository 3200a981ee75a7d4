package term

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/einkterm/einkterm/display"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/*.png")

var goldenScenes = []struct {
	name       string
	cols, rows int
	depth      int
	input      string
	fontSize   int
}{
	{"boxes", 24, 6, 1, "┌──┬──┐ ╔══╦══╗ ┏━━┳━━┓\r\n" +
		"│ab│cd│ ║  ║  ║ ┃  ┃  ┃\r\n" +
		"├──┼──┤ ╠══╬══╣ ┣━━╋━━┫\r\n" +
		"└──┴──┘ ╚══╩══╝ ┗━━┻━━┛\r\n" +
		"▀▄█▌▐░▒▓▖▗▘▙▚▛▜▝▞▟ ╭╮╰╯\r\n" +
		"╒═╕╓─╖ ╞═╡╟─╢ ║═╬═║\x1b[?25l", 16},
	{"cjk", 24, 3, 1, "中文 日本語 한국어 ok\r\n" +
		"x😀y ŝ\u0302 e\u0301\r\n\x1b[?25l", 16},
	{"bold", 24, 3, 1, "normal \x1b[1mbold\x1b[m AZaz09\r\n" +
		"Ωμέγα \x1b[1mΩμέγα\x1b[m Привет\r\n" +
		"\x1b[1mПривет\x1b[m \u2603\U0001D11E\x1b[?25l", 16},
	{"reverse", 24, 3, 1, "\x1b[7m reverse \x1b[m \x1b[4munder\x1b[m\r\n" +
		"\x1b[31;47mred/white\x1b[m \x1b[97;44mwhite/blue\x1b[m\r\n" +
		"\x1b[7m\x1b[34;40mdark/dark\x1b[m cursor:", 16},
	{"gray4", 24, 2, 4, "\x1b[31mred\x1b[32mgreen\x1b[34mblue\x1b[m\r\n" +
		"\x1b[48;5;250mlight\x1b[48;5;240m\x1b[97mdark\x1b[m\x1b[?25l", 16},
	{"size12", 24, 2, 1, "Aa Ωω Жж \x1b[1mAa Ωω Жж\x1b[m\r\n┌─┬┐ 中文 ▒█\x1b[?25l", 12},
	{"size32", 16, 2, 1, "Aa Ωω Жж\r\n\x1b[1mAa\x1b[m ┌─┬┐ 中\x1b[?25l", 32},
}

// renderScene draws a scene in a frame that fits cols by rows cells of
// the bundled font at fontSize pixels.
func renderScene(t *testing.T, cols, rows, depth, fontSize int, input string) *display.Frame {
	t.Helper()
	fs, err := newBundledFontSet(fontSize)
	if err != nil {
		t.Fatal(err)
	}
	w, h := cols*fs.width, rows*fs.height
	term, err := New(Options{Width: w, Height: h, Depth: depth, FontSize: fontSize})
	if err != nil {
		t.Fatal(err)
	}
	defer term.Close()
	term.Write([]byte(input))
	f := display.NewFrame(w, h, depth)
	term.Render(f)
	return f
}

func TestGoldenImages(t *testing.T) {
	for _, sc := range goldenScenes {
		t.Run(sc.name, func(t *testing.T) {
			f := renderScene(t, sc.cols, sc.rows, sc.depth, sc.fontSize, sc.input)
			var got bytes.Buffer
			if err := png.Encode(&got, f.Gray()); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", sc.name+".png")
			if *updateGolden {
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			file, err := os.Open(path)
			if err != nil {
				t.Fatalf("%v: run go test -run TestGoldenImages -update-golden", err)
			}
			defer file.Close()
			want, err := png.Decode(file)
			if err != nil {
				t.Fatal(err)
			}
			if diff := countDiff(f.Gray(), want); diff != 0 {
				t.Errorf("%d pixels differ from %s", diff, path)
			}
		})
	}
}

func countDiff(a *image.Gray, b image.Image) int {
	if a.Bounds() != b.Bounds() {
		return a.Bounds().Dx() * a.Bounds().Dy()
	}
	n := 0
	for y := a.Rect.Min.Y; y < a.Rect.Max.Y; y++ {
		for x := a.Rect.Min.X; x < a.Rect.Max.X; x++ {
			r, _, _, _ := b.At(x, y).RGBA()
			if uint8(r>>8) != a.GrayAt(x, y).Y {
				n++
			}
		}
	}
	return n
}
