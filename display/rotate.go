package display

import (
	"context"
	"fmt"
	"image"
	"time"
)

// Rotate returns panel p turned by degrees clockwise. Frames are drawn
// upright in the rotated geometry that Info reports. Each refreshed
// region is turned into p's native orientation before p receives it, so
// p (a recorder, say) logs native coordinates. Info also turns the
// alignment, the minimum size and each mode's alignment, and moves the
// alignment grid's origin so that aligned regions stay aligned on p.
//
// Degrees may be any multiple of 90, negative too; 0 returns p itself.
// Other values are a programming error and panic. The result keeps p's
// Keyboard, and passes LogInput, Dir and BusyUntil on when p has them.
func Rotate(p Panel, degrees int) Panel {
	d := ((degrees % 360) + 360) % 360
	if d%90 != 0 {
		panic(fmt.Sprintf("display: rotation %d is not a multiple of 90 degrees", degrees))
	}
	if d == 0 {
		return p
	}
	native := p.Info()
	r := &rotated{
		panel:  p,
		native: native,
		deg:    d,
		info:   rotateInfo(native, d),
		frame:  NewFrame(native.Width, native.Height, native.Depth),
	}
	if kb, ok := p.(Keyboard); ok {
		return &rotatedKeyboard{r, kb}
	}
	return r
}

// rotated is a Panel turned by deg degrees clockwise.
type rotated struct {
	panel  Panel
	native Info
	deg    int
	info   Info
	frame  *Frame // the native image sent to panel
}

// rotatedKeyboard is a rotated panel that has a keyboard of its own.
type rotatedKeyboard struct {
	*rotated
	kb Keyboard
}

var (
	_ Panel    = (*rotated)(nil)
	_ Keyboard = (*rotatedKeyboard)(nil)
)

// Input returns the keyboard of the rotated panel.
func (r *rotatedKeyboard) Input() <-chan []byte { return r.kb.Input() }

// rotateInfo returns info as seen through a rotation by deg degrees.
func rotateInfo(n Info, deg int) Info {
	info := n
	info.Modes = append([]ModeSpec(nil), n.Modes...)
	o := n.AlignOrigin
	switch deg {
	case 90:
		info.AlignOrigin = image.Pt(o.Y, n.Width-o.X)
	case 180:
		info.AlignOrigin = image.Pt(n.Width-o.X, n.Height-o.Y)
	case 270:
		info.AlignOrigin = image.Pt(n.Height-o.Y, o.X)
	}
	if deg == 180 {
		return info
	}
	info.Width, info.Height = n.Height, n.Width
	info.Align = Align{X: n.Align.Y, Y: n.Align.X}
	info.MinSize = image.Pt(n.MinSize.Y, n.MinSize.X)
	for i := range info.Modes {
		m := &info.Modes[i]
		m.AlignX, m.AlignY = m.AlignY, m.AlignX
	}
	return info
}

// nativeRect returns frame region r in the native panel's coordinates.
func (r *rotated) nativeRect(f image.Rectangle) image.Rectangle {
	w, h := r.native.Width, r.native.Height
	switch r.deg {
	case 90:
		return image.Rect(w-f.Max.Y, f.Min.X, w-f.Min.Y, f.Max.X)
	case 180:
		return image.Rect(w-f.Max.X, h-f.Max.Y, w-f.Min.X, h-f.Min.Y)
	default:
		return image.Rect(f.Min.Y, h-f.Max.X, f.Max.Y, h-f.Min.X)
	}
}

// nativePoint returns the native position of frame pixel (x, y).
func (r *rotated) nativePoint(x, y int) (int, int) {
	w, h := r.native.Width, r.native.Height
	switch r.deg {
	case 90:
		return w - 1 - y, x
	case 180:
		return w - 1 - x, h - 1 - y
	default:
		return y, h - 1 - x
	}
}

// Info returns the rotated panel's info.
func (r *rotated) Info() Info { return r.info }

// Refresh turns region rect of f into the native orientation and
// refreshes it on the panel.
func (r *rotated) Refresh(f *Frame, rect image.Rectangle, m Mode) error {
	if f.Width != r.info.Width || f.Height != r.info.Height || f.Depth != r.info.Depth {
		return fmt.Errorf("display: frame %dx%d at %d bpp does not fit rotated panel %s (%dx%d at %d bpp)",
			f.Width, f.Height, f.Depth, r.info.Name, r.info.Width, r.info.Height, r.info.Depth)
	}
	rect = rect.Intersect(f.Bounds())
	r.turn(f, rect)
	return r.panel.Refresh(r.frame, r.nativeRect(rect), m)
}

// RefreshBatch turns the regions rects of f into the native orientation
// and refreshes them on the panel, in one call when it takes batches.
func (r *rotated) RefreshBatch(f *Frame, rects []image.Rectangle, m Mode) error {
	if f.Width != r.info.Width || f.Height != r.info.Height || f.Depth != r.info.Depth {
		return fmt.Errorf("display: frame %dx%d at %d bpp does not fit rotated panel %s (%dx%d at %d bpp)",
			f.Width, f.Height, f.Depth, r.info.Name, r.info.Width, r.info.Height, r.info.Depth)
	}
	native := make([]image.Rectangle, 0, len(rects))
	for _, rect := range rects {
		rect = rect.Intersect(f.Bounds())
		r.turn(f, rect)
		native = append(native, r.nativeRect(rect))
	}
	return RefreshBatch(r.panel, r.frame, native, m)
}

// turn copies region rect of f into the native frame. Each frame row
// walks a native row (180 degrees) or column (90 and 270) with packed
// byte arithmetic.
// NOTE: a whole 1872x1404 frame at 4 bpp still takes about 8 ms on a
// 2-core x86 VM (BenchmarkRotateRefresh).
func (r *rotated) turn(f *Frame, rect image.Rectangle) {
	depth := f.Depth
	mask := byte(1<<depth - 1)
	dst := r.frame
	dx, dy := 0, 1 // native step for one frame pixel to the right
	switch r.deg {
	case 180:
		dx, dy = -1, 0
	case 270:
		dx, dy = 0, -1
	}
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		src := f.Pix[y*f.Stride : (y+1)*f.Stride]
		nx, ny := r.nativePoint(rect.Min.X, y)
		for x := rect.Min.X; x < rect.Max.X; x++ {
			bit := x * depth
			v := src[bit>>3] >> (8 - depth - bit&7) & mask
			nbit := nx * depth
			i := ny*dst.Stride + nbit>>3
			shift := 8 - depth - nbit&7
			dst.Pix[i] = dst.Pix[i]&^(mask<<shift) | v<<shift
			nx += dx
			ny += dy
		}
	}
}

// Wait waits for the panel.
func (r *rotated) Wait(ctx context.Context) error { return r.panel.Wait(ctx) }

// Busy reports whether the panel is busy.
func (r *rotated) Busy() bool { return r.panel.Busy() }

// Sleep puts the panel to sleep.
func (r *rotated) Sleep() error { return r.panel.Sleep() }

// Wake wakes the panel.
func (r *rotated) Wake() error { return r.panel.Wake() }

// Close closes the panel.
func (r *rotated) Close() error { return r.panel.Close() }

// Unwrap returns the native panel.
func (r *rotated) Unwrap() Panel { return r.panel }

// LogInput passes an input event to the panel's log, if it keeps one.
func (r *rotated) LogInput(kind string) {
	if l, ok := r.panel.(interface{ LogInput(string) }); ok {
		l.LogInput(kind)
	}
}

// Dir returns the panel's output folder, or "" when it has none.
func (r *rotated) Dir() string {
	if d, ok := r.panel.(interface{ Dir() string }); ok {
		return d.Dir()
	}
	return ""
}

// BusyUntil returns when the panel's running refresh ends, or the zero
// time when the panel cannot tell.
func (r *rotated) BusyUntil() time.Time {
	if b, ok := r.panel.(interface{ BusyUntil() time.Time }); ok {
		return b.BusyUntil()
	}
	return time.Time{}
}
