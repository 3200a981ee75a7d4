// Package paneltest has helpers for the driver tests: test frames,
// rotation of frames into a controller's native layout written apart from
// the drivers' own code, and comparison with an emulated panel.
package paneltest

import (
	"image"
	"math/rand/v2"

	"github.com/einkterm/einkterm/display"
)

// Pattern returns a w x h frame of depth bits with a seeded random
// pattern of blocks, so that every rectangle has both levels.
func Pattern(w, h, depth int, seed uint64) *display.Frame {
	f := display.NewFrame(w, h, depth)
	rng := rand.New(rand.NewPCG(seed, 7))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if (x/3+y/5+rng.IntN(3))%3 == 0 {
				f.SetGray(x, y, uint8(rng.IntN(int(f.White())+1)))
			}
		}
	}
	return f
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
