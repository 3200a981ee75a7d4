package display

import (
	"image"
	"time"
)

// tile is the ghosting and damage state of one square of the panel.
type tile struct {
	partials   int       // partial refreshes that changed it since its clean
	cleaned    time.Time // its last cleaning refresh
	dirtySince time.Time // when it became different from the panel; zero if not
	lastDamage time.Time // the newest damage the source reported in it
}

// tileGrid is the panel divided into square tiles.
type tileGrid struct {
	size, cols, rows int
	tiles            []tile
}

func newTileGrid(width, height, size int, now time.Time) tileGrid {
	g := tileGrid{
		size: size,
		cols: (width + size - 1) / size,
		rows: (height + size - 1) / size,
	}
	g.tiles = make([]tile, g.cols*g.rows)
	for i := range g.tiles {
		g.tiles[i].cleaned = now
	}
	return g
}

// span returns the tile columns and rows that r touches, as half-open
// ranges; r must lie inside the panel.
func (g *tileGrid) span(r image.Rectangle) (c0, c1, r0, r1 int) {
	if r.Empty() {
		return 0, 0, 0, 0
	}
	c0, r0 = max(r.Min.X/g.size, 0), max(r.Min.Y/g.size, 0)
	c1 = min((r.Max.X+g.size-1)/g.size, g.cols)
	r1 = min((r.Max.Y+g.size-1)/g.size, g.rows)
	return c0, c1, r0, r1
}

// each calls fn for every tile that r touches.
func (g *tileGrid) each(r image.Rectangle, fn func(t *tile)) {
	c0, c1, r0, r1 := g.span(r)
	for row := r0; row < r1; row++ {
		for col := c0; col < c1; col++ {
			fn(&g.tiles[row*g.cols+col])
		}
	}
}

// rect returns the panel rectangle of tile i, clipped to bounds.
func (g *tileGrid) rect(i int, bounds image.Rectangle) image.Rectangle {
	x, y := i%g.cols*g.size, i/g.cols*g.size
	return image.Rect(x, y, x+g.size, y+g.size).Intersect(bounds)
}
