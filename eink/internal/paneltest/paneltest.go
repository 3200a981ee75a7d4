// Package paneltest has helpers for the driver tests: test frames,
// rotation of frames into a controller's native layout written apart from
// the drivers' own code, and comparison with an emulated panel.
package paneltest

import (
	"image"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/einkterm/einkterm/display"
)

// Pattern returns a w x h frame of depth bits with a seeded random
// pattern of blocks, so that every rectangle has both levels.
func Pattern(w, h, depth int, seed uint64) *display.Frame {
	f := display.NewFrame(w, h, depth)
	Draw(f, f.Bounds(), seed, false)
	return f
}

// Draw paints region r of f with the seeded pattern of Pattern; with bw
// set it uses black and white only.
func Draw(f *display.Frame, r image.Rectangle, seed uint64, bw bool) {
	rng := rand.New(rand.NewPCG(seed, 7))
	white := int(f.White())
	r = r.Intersect(f.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			n := rng.Uint32()
			v := white
			if (x/3+y/5+int(n%3))%3 == 0 {
				v = int(n>>8) % (white + 1)
				if bw {
					v = int(n>>8) % 2 * white
				}
			}
			f.SetGray(x, y, uint8(v))
		}
	}
}

// Native returns the frame level shown at native pixel (nx, ny) of a
// panel nw x nh whose frames are turned deg degrees clockwise. It turns
// the frame one quarter at a time rather than using a closed formula.
func Native(f *display.Frame, deg, nx, ny, nw, nh int) uint8 {
	x, y := nx, ny
	w, h := nw, nh
	for t := 0; t < deg/90; t++ {
		// One clockwise quarter turn of the frame moves frame point
		// (px, py) of a pw x ph frame to (ph-1-py, px).
		x, y = y, w-1-x
		w, h = h, w
	}
	return f.GrayAt(x, y)
}

// Diff counts the native pixels where shown(nx, ny) differs from the
// frame's level, after mapping each level through want.
func Diff(f *display.Frame, deg, nw, nh int, shown func(x, y int) uint8, want func(uint8) uint8) (n int, first image.Point) {
	first = image.Pt(-1, -1)
	for ny := 0; ny < nh; ny++ {
		for nx := 0; nx < nw; nx++ {
			if shown(nx, ny) != want(Native(f, deg, nx, ny, nw, nh)) {
				if n == 0 {
					first = image.Pt(nx, ny)
				}
				n++
			}
		}
	}
	return n, first
}

// NativePoint returns the native pixel that shows frame pixel (x, y) of
// a frame turned deg degrees clockwise on a panel nw x nh, undoing the
// quarter turns of Native one at a time.
func NativePoint(deg, x, y, nw, nh int) (int, int) {
	w, h := nw, nh
	if deg == 90 || deg == 270 {
		w, h = nh, nw
	}
	for t := 0; t < deg/90; t++ {
		// Undo one quarter turn: frame point (px, py) of a pw x ph frame
		// came from (ph-1-py, px) of a ph x pw frame.
		x, y = h-1-y, x
		w, h = h, w
	}
	return x, y
}

// DiffRect is Diff over the frame pixels of r only.
func DiffRect(f *display.Frame, deg, nw, nh int, r image.Rectangle, shown func(x, y int) uint8, want func(uint8) uint8) (n int, first image.Point) {
	first = image.Pt(-1, -1)
	r = r.Intersect(f.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			nx, ny := NativePoint(deg, x, y, nw, nh)
			if shown(nx, ny) != want(f.GrayAt(x, y)) {
				if n == 0 {
					first = image.Pt(nx, ny)
				}
				n++
			}
		}
	}
	return n, first
}

// Logger returns a logger that writes to t.Log at debug level.
func Logger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
