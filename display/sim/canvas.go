package sim

import (
	"image"
	"image/color"
	"image/draw"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/einkterm/einkterm/display"
)

// statusHeight is the height in window pixels of the status line under
// the panel.
const statusHeight = 16

// overlayTime is how long a refresh region's outline stays on screen.
const overlayTime = 700 * time.Millisecond

// modeColors are the overlay outline colours: reds for the fast black and
// white modes, green for non-flashing gray, blue for flashing modes.
var modeColors = map[display.Mode]color.RGBA{
	display.ModeA2:      {R: 230, G: 0, B: 0, A: 255},
	display.ModeDU:      {R: 255, G: 140, B: 0, A: 255},
	display.ModePartial: {R: 230, G: 0, B: 0, A: 255},
	display.ModeGL16:    {R: 0, G: 170, B: 0, A: 255},
	display.ModeGC16:    {R: 0, G: 80, B: 255, A: 255},
	display.ModeFull:    {R: 0, G: 80, B: 255, A: 255},
	display.ModeINIT:    {R: 200, G: 0, B: 200, A: 255},
}

// overlay is the outline of one refresh region.
type overlay struct {
	rect  image.Rectangle // panel pixels
	mode  display.Mode
	until time.Time
}

// canvas draws the window's pixels: the panel as it shows now, turned
// upright and scaled by an integer zoom or shrunk by an integer divisor,
// refresh outlines on top and a status line below. It is used only by
// the window's event goroutine.
type canvas struct {
	zoom     int
	shrink   int // above 1, each window pixel averages shrink by shrink panel pixels, and zoom is 1
	turn     orientation
	shown    *image.Gray // panel luminance now in native pixels, flash phases included
	overlays []overlay
	status   string
}

func newCanvas(info display.Info, zoom, rotation int) *canvas {
	shown := image.NewGray(info.Bounds())
	for i := range shown.Pix {
		shown.Pix[i] = 255
	}
	turn := orientation{degrees: rotation, width: info.Width, height: info.Height}
	return &canvas{zoom: zoom, shrink: 1, turn: turn, shown: shown}
}

// size returns the window size in pixels.
func (c *canvas) size() image.Point {
	return windowSize(c.turn.size(), c.zoom, c.shrink)
}

// windowRect returns the window pixels that show native panel region r.
func (c *canvas) windowRect(r image.Rectangle) image.Rectangle {
	u := c.turn.rect(r)
	if c.shrink > 1 {
		d := c.shrink
		return image.Rect(u.Min.X/d, u.Min.Y/d, ceilDiv(u.Max.X, d), ceilDiv(u.Max.Y, d))
	}
	return image.Rectangle{Min: u.Min.Mul(c.zoom), Max: u.Max.Mul(c.zoom)}
}

// applyPhase changes the shown panel for one phase of update u.
func (c *canvas) applyPhase(u Update, k PhaseKind) {
	switch k {
	case PhaseBlack:
		draw.Draw(c.shown, u.Rect, image.Black, image.Point{}, draw.Src)
	case PhaseWhite:
		draw.Draw(c.shown, u.Rect, image.White, image.Point{}, draw.Src)
	case PhaseImage:
		draw.Draw(c.shown, u.Rect, u.Result, u.Rect.Min, draw.Src)
	}
}

// drawPanel draws native panel region r into dst, turned and scaled,
// and returns the window rectangle it covered.
func (c *canvas) drawPanel(dst *image.RGBA, r image.Rectangle) image.Rectangle {
	r = r.Intersect(c.shown.Bounds())
	if c.shrink > 1 {
		return c.drawShrunk(dst, r)
	}
	if c.turn.degrees != 0 {
		return c.drawTurned(dst, r)
	}
	z := c.zoom
	for y := r.Min.Y; y < r.Max.Y; y++ {
		src := c.shown.Pix[c.shown.PixOffset(r.Min.X, y):]
		for dy := 0; dy < z; dy++ {
			row := dst.Pix[dst.PixOffset(r.Min.X*z, y*z+dy):]
			i := 0
			for x := 0; x < r.Dx(); x++ {
				v := src[x]
				for dx := 0; dx < z; dx++ {
					row[i], row[i+1], row[i+2], row[i+3] = v, v, v, 255
					i += 4
				}
			}
		}
	}
	return c.windowRect(r)
}

// drawTurned is drawPanel for a rotated panel, a pixel at a time.
func (c *canvas) drawTurned(dst *image.RGBA, r image.Rectangle) image.Rectangle {
	z := c.zoom
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			v := c.shown.Pix[c.shown.PixOffset(x, y)]
			u := c.turn.point(x, y).Mul(z)
			for d := 0; d < z*z; d++ {
				i := dst.PixOffset(u.X+d%z, u.Y+d/z)
				dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = v, v, v, 255
			}
		}
	}
	return c.windowRect(r)
}

// drawShrunk is drawPanel for a shrink above 1. Each window pixel is the
// average of the panel pixels it covers, so one-pixel strokes stay
// visible as gray.
func (c *canvas) drawShrunk(dst *image.RGBA, r image.Rectangle) image.Rectangle {
	d := c.shrink
	up := c.turn.size()
	w := c.windowRect(r)
	for wy := w.Min.Y; wy < w.Max.Y; wy++ {
		for wx := w.Min.X; wx < w.Max.X; wx++ {
			sum, n := 0, 0
			for uy := wy * d; uy < min((wy+1)*d, up.Y); uy++ {
				for ux := wx * d; ux < min((wx+1)*d, up.X); ux++ {
					p := c.turn.native(ux, uy)
					sum += int(c.shown.Pix[c.shown.PixOffset(p.X, p.Y)])
					n++
				}
			}
			v := uint8((sum + n/2) / n)
			i := dst.PixOffset(wx, wy)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = v, v, v, 255
		}
	}
	return w
}

// orientation turns native panel pixels upright for a panel mounted at
// degrees clockwise, the inverse of what display.Rotate does to frames.
type orientation struct {
	degrees       int // 0, 90, 180 or 270
	width, height int // native size
}

// size returns the upright size.
func (o orientation) size() image.Point {
	if o.degrees == 90 || o.degrees == 270 {
		return image.Pt(o.height, o.width)
	}
	return image.Pt(o.width, o.height)
}

// point returns the upright position of native pixel (x, y).
func (o orientation) point(x, y int) image.Point {
	switch o.degrees {
	case 90:
		return image.Pt(y, o.width-1-x)
	case 180:
		return image.Pt(o.width-1-x, o.height-1-y)
	case 270:
		return image.Pt(o.height-1-y, x)
	}
	return image.Pt(x, y)
}

// native returns the native pixel shown at upright position (x, y), the
// inverse of point.
func (o orientation) native(x, y int) image.Point {
	switch o.degrees {
	case 90:
		return image.Pt(o.width-1-y, x)
	case 180:
		return image.Pt(o.width-1-x, o.height-1-y)
	case 270:
		return image.Pt(y, o.height-1-x)
	}
	return image.Pt(x, y)
}

// rect returns the upright rectangle of native rectangle r.
func (o orientation) rect(r image.Rectangle) image.Rectangle {
	if r.Empty() {
		return image.Rectangle{}
	}
	// The corners are inclusive pixels, so the result grows by one.
	c := image.Rectangle{
		Min: o.point(r.Min.X, r.Min.Y),
		Max: o.point(r.Max.X-1, r.Max.Y-1),
	}.Canon()
	c.Max = c.Max.Add(image.Pt(1, 1))
	return c
}

// addOverlay adds the outline of a refresh region until the given time.
func (c *canvas) addOverlay(r image.Rectangle, m display.Mode, until time.Time) {
	c.overlays = append(c.overlays, overlay{rect: r, mode: m, until: until})
}

// expireOverlays drops outlines whose time has passed at now, redraws
// the panel under them, and returns the window rectangles it redrew.
func (c *canvas) expireOverlays(dst *image.RGBA, now time.Time) []image.Rectangle {
	var redrawn []image.Rectangle
	kept := c.overlays[:0]
	for _, o := range c.overlays {
		if now.Before(o.until) {
			kept = append(kept, o)
			continue
		}
		redrawn = append(redrawn, c.drawPanel(dst, o.rect))
	}
	c.overlays = kept
	return redrawn
}

// drawOverlays draws the live outlines over dst and returns the window
// rectangles they cover.
func (c *canvas) drawOverlays(dst *image.RGBA) []image.Rectangle {
	var drawn []image.Rectangle
	for _, o := range c.overlays {
		col, ok := modeColors[o.mode]
		if !ok {
			col = color.RGBA{R: 128, G: 128, B: 128, A: 255}
		}
		w := c.windowRect(o.rect)
		outline(dst, w, col)
		drawn = append(drawn, w)
	}
	return drawn
}

// outline draws a 2-pixel frame along the inside of r.
func outline(dst *image.RGBA, r image.Rectangle, col color.RGBA) {
	const t = 2
	u := image.NewUniform(col)
	sides := []image.Rectangle{
		{Min: r.Min, Max: image.Pt(r.Max.X, r.Min.Y+t)},
		{Min: image.Pt(r.Min.X, r.Max.Y-t), Max: r.Max},
		{Min: r.Min, Max: image.Pt(r.Min.X+t, r.Max.Y)},
		{Min: image.Pt(r.Max.X-t, r.Min.Y), Max: r.Max},
	}
	for _, s := range sides {
		draw.Draw(dst, s.Intersect(r), u, image.Point{}, draw.Src)
	}
}

// drawStatus draws the status line under the panel and returns its
// window rectangle. Text wider than the window is cut off.
func (c *canvas) drawStatus(dst *image.RGBA) image.Rectangle {
	size := c.size()
	r := image.Rect(0, size.Y-statusHeight, size.X, size.Y)
	draw.Draw(dst, r, image.NewUniform(color.RGBA{R: 40, G: 40, B: 40, A: 255}), image.Point{}, draw.Src)
	d := font.Drawer{
		Dst:  dst,
		Src:  image.NewUniform(color.RGBA{R: 235, G: 235, B: 235, A: 255}),
		Face: basicfont.Face7x13,
		Dot:  fixed.P(4, r.Min.Y+12),
	}
	d.DrawString(c.status)
	return r
}
