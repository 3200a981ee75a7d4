package vnc

import (
	"fmt"
	"image"

	"github.com/einkterm/einkterm/display"
)

// Scale selects how the remote desktop maps onto the panel.
type Scale uint8

const (
	// ScaleFit shrinks or enlarges the desktop to fill the panel,
	// keeping its aspect ratio, and centres it on white.
	ScaleFit Scale = iota
	// ScaleNone shows the desktop pixel for pixel through a viewport
	// that can be moved.
	ScaleNone
)

// ViewOptions configures a View.
type ViewOptions struct {
	Scale    Scale
	Rotation int // degrees clockwise: 0, 90, 180 or 270
	Dither   Dither
}

// View maps the remote framebuffer to a panel frame: scaling, viewport,
// rotation and dithering. Rendering one panel pixel reads only the
// remote pixels under it, so rendering any region twice from the same
// remote pixels gives the same bits.
type View struct {
	opts   ViewOptions
	panel  image.Point // panel size
	view   image.Point // the panel's size before rotation
	remote image.Point // remote framebuffer size
	q      quantizer

	// Fit mode: the scaled desktop's place in view coordinates, and the
	// remote span [lo, hi) under each of its columns and rows.
	area       image.Rectangle
	cols, rows []span

	// ScaleNone: the remote pixel at the view's top left corner.
	offset image.Point
}

type span struct{ lo, hi int }

// NewView returns a view of a remote framebuffer of the given size on a
// panel described by info.
func NewView(info display.Info, remote image.Point, opts ViewOptions) (*View, error) {
	switch opts.Rotation {
	case 0, 90, 180, 270:
	default:
		return nil, fmt.Errorf("vnc: rotation %d: use 0, 90, 180 or 270", opts.Rotation)
	}
	v := &View{
		opts:  opts,
		panel: image.Pt(info.Width, info.Height),
		q:     newQuantizer(1<<info.Depth, opts.Dither),
	}
	v.view = v.panel
	if opts.Rotation == 90 || opts.Rotation == 270 {
		v.view = image.Pt(v.panel.Y, v.panel.X)
	}
	v.SetRemoteSize(remote)
	return v, nil
}

// SetRemoteSize changes the remote framebuffer size, after a resize.
func (v *View) SetRemoteSize(remote image.Point) {
	v.remote = remote
	if remote.X <= 0 || remote.Y <= 0 {
		v.area = image.Rectangle{}
		return
	}
	// The largest size of the remote's aspect ratio that fits the view.
	w, h := v.view.X, remote.Y*v.view.X/remote.X
	if h > v.view.Y {
		w, h = remote.X*v.view.Y/remote.Y, v.view.Y
	}
	w, h = max(w, 1), max(h, 1)
	off := image.Pt((v.view.X-w)/2, (v.view.Y-h)/2)
	v.area = image.Rectangle{Min: off, Max: off.Add(image.Pt(w, h))}
	v.cols = spans(w, remote.X)
	v.rows = spans(h, remote.Y)
	v.clampOffset()
}

// spans returns, for each of n output pixels over src input pixels, the
// inputs [lo, hi) it covers: at least one, and every input it overlaps.
func spans(n, src int) []span {
	s := make([]span, n)
	for i := range s {
		lo := i * src / n
		hi := ((i+1)*src + n - 1) / n
		s[i] = span{lo, max(hi, lo+1)}
	}
	return s
}

// Pan moves the viewport of ScaleNone by (dx, dy) remote pixels, kept
// inside the desktop, and reports whether it moved.
func (v *View) Pan(dx, dy int) bool {
	old := v.offset
	v.offset = v.offset.Add(image.Pt(dx, dy))
	v.clampOffset()
	return v.offset != old
}

func (v *View) clampOffset() {
	v.offset.X = max(0, min(v.offset.X, v.remote.X-v.view.X))
	v.offset.Y = max(0, min(v.offset.Y, v.remote.Y-v.view.Y))
}

// SetScale switches between ScaleFit and ScaleNone.
func (v *View) SetScale(s Scale) { v.opts.Scale = s }

// Scale returns the current scale mode.
func (v *View) Scale() Scale { return v.opts.Scale }

// ViewSize returns the panel's size before rotation: how much of the
// desktop ScaleNone shows.
func (v *View) ViewSize() image.Point { return v.view }

// Render draws the panel regions under the remote rectangles rects from
// fb into frame and returns the regions in which a pixel changed, as
// damage. fb must have the size last given to the view.
func (v *View) Render(fb *image.Gray, rects []image.Rectangle, frame *display.Frame) []display.Damage {
	var damage []display.Damage
	for _, r := range rects {
		p := v.PanelRect(r)
		if p.Empty() {
			continue
		}
		if v.renderPanel(fb, p, frame) > 0 {
			damage = append(damage, display.Damage{Kind: display.Changed, Rect: p})
		}
	}
	return damage
}

// RenderAll draws the whole panel and returns it as damage, or nothing
// when no pixel changed.
func (v *View) RenderAll(fb *image.Gray, frame *display.Frame) []display.Damage {
	p := image.Rectangle{Max: v.panel}
	if v.renderPanel(fb, p, frame) == 0 {
		return nil
	}
	return []display.Damage{{Kind: display.Changed, Rect: p}}
}

// renderPanel draws panel region p and returns how many pixels changed.
func (v *View) renderPanel(fb *image.Gray, p image.Rectangle, frame *display.Frame) int {
	changed := 0
	for py := p.Min.Y; py < p.Max.Y; py++ {
		for px := p.Min.X; px < p.Max.X; px++ {
			g := v.sample(fb, v.toView(image.Pt(px, py)))
			level := v.q.fastLevel(g, px, py)
			if frame.GrayAt(px, py) != level {
				frame.SetGray(px, py, level)
				changed++
			}
		}
	}
	return changed
}

// sample returns the gray level of view pixel p: the mean of the remote
// pixels under it, or white outside the desktop.
func (v *View) sample(fb *image.Gray, p image.Point) uint8 {
	if v.opts.Scale == ScaleNone {
		r := p.Add(v.offset)
		if !r.In(fb.Rect) {
			return 0xff
		}
		return fb.Pix[fb.PixOffset(r.X, r.Y)]
	}
	if !p.In(v.area) {
		return 0xff
	}
	cs, rs := v.cols[p.X-v.area.Min.X], v.rows[p.Y-v.area.Min.Y]
	if cs.hi-cs.lo == 1 && rs.hi-rs.lo == 1 {
		return fb.Pix[fb.PixOffset(cs.lo, rs.lo)]
	}
	sum := 0
	for y := rs.lo; y < rs.hi; y++ {
		row := fb.Pix[fb.PixOffset(cs.lo, y):]
		for x := range cs.hi - cs.lo {
			sum += int(row[x])
		}
	}
	n := (cs.hi - cs.lo) * (rs.hi - rs.lo)
	return uint8((sum + n/2) / n)
}

// PanelRect returns the panel region whose pixels depend on remote
// rectangle r.
func (v *View) PanelRect(r image.Rectangle) image.Rectangle {
	var vr image.Rectangle
	if v.opts.Scale == ScaleNone {
		vr = r.Sub(v.offset)
	} else {
		if v.area.Empty() {
			return image.Rectangle{}
		}
		w, h := v.area.Dx(), v.area.Dy()
		// A remote pixel x lies under view columns whose spans reach it:
		// from floor(x*w/W) - 1 to ceil((x+1)*w/W).
		vr = image.Rect(
			r.Min.X*w/v.remote.X-1, r.Min.Y*h/v.remote.Y-1,
			(r.Max.X*w+v.remote.X-1)/v.remote.X+1, (r.Max.Y*h+v.remote.Y-1)/v.remote.Y+1,
		).Add(v.area.Min).Intersect(v.area)
	}
	vr = vr.Intersect(image.Rectangle{Max: v.view})
	if vr.Empty() {
		return image.Rectangle{}
	}
	return v.toPanelRect(vr)
}

// toView maps a panel pixel to the view pixel shown there.
func (v *View) toView(p image.Point) image.Point {
	W, H := v.panel.X, v.panel.Y
	switch v.opts.Rotation {
	case 90:
		return image.Pt(p.Y, W-1-p.X)
	case 180:
		return image.Pt(W-1-p.X, H-1-p.Y)
	case 270:
		return image.Pt(H-1-p.Y, p.X)
	}
	return p
}

// toPanelRect maps a view rectangle to the panel rectangle it occupies.
func (v *View) toPanelRect(r image.Rectangle) image.Rectangle {
	W, H := v.panel.X, v.panel.Y
	switch v.opts.Rotation {
	case 90:
		return image.Rect(W-r.Max.Y, r.Min.X, W-r.Min.Y, r.Max.X)
	case 180:
		return image.Rect(W-r.Max.X, H-r.Max.Y, W-r.Min.X, H-r.Min.Y)
	case 270:
		return image.Rect(r.Min.Y, H-r.Max.X, r.Max.Y, H-r.Min.X)
	}
	return r
}

// RemotePoint returns the remote pixel shown at panel pixel p, and false
// when p shows no part of the desktop.
func (v *View) RemotePoint(p image.Point) (image.Point, bool) {
	vp := v.toView(p)
	if v.opts.Scale == ScaleNone {
		r := vp.Add(v.offset)
		return r, r.In(image.Rectangle{Max: v.remote})
	}
	if !vp.In(v.area) {
		return image.Point{}, false
	}
	return image.Pt(v.cols[vp.X-v.area.Min.X].lo, v.rows[vp.Y-v.area.Min.Y].lo), true
}
