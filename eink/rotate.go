package eink

import (
	"fmt"
	"image"
)

// Rotation is how far frames are turned clockwise against the
// controller's native RAM layout, in degrees: 0, 90, 180 or 270.
type Rotation int

// ParseRotation checks that deg is 0, 90, 180 or 270.
func ParseRotation(deg int) (Rotation, error) {
	switch deg {
	case 0, 90, 180, 270:
		return Rotation(deg), nil
	}
	return 0, fmt.Errorf("eink: invalid rotation %d: use 0, 90, 180 or 270", deg)
}

// Size returns the frame size for a native size of nw x nh.
func (r Rotation) Size(nw, nh int) (w, h int) {
	if r == 90 || r == 270 {
		return nh, nw
	}
	return nw, nh
}

// ToNative maps frame rectangle fr onto the native RAM of size nw x nh.
// With 90, frame pixel (x, y) lands at native (nw-1-y, x).
func (r Rotation) ToNative(fr image.Rectangle, nw, nh int) image.Rectangle {
	switch r {
	case 90:
		return image.Rect(nw-fr.Max.Y, fr.Min.X, nw-fr.Min.Y, fr.Max.X)
	case 180:
		return image.Rect(nw-fr.Max.X, nh-fr.Max.Y, nw-fr.Min.X, nh-fr.Min.Y)
	case 270:
		return image.Rect(fr.Min.Y, nh-fr.Max.X, fr.Max.Y, nh-fr.Min.X)
	}
	return fr
}

// FramePoint returns the frame pixel shown at native pixel (nx, ny).
func (r Rotation) FramePoint(nx, ny, nw, nh int) (x, y int) {
	switch r {
	case 90:
		return ny, nw - 1 - nx
	case 180:
		return nw - 1 - nx, nh - 1 - ny
	case 270:
		return nh - 1 - ny, nx
	}
	return nx, ny
}

// AlignNative grows native rectangle nr so that its x edges are
// multiples of ax and its y edges multiples of ay. It does not clip, so
// the result may pass the visible width of a RAM wider than the panel.
func AlignNative(nr image.Rectangle, ax, ay int) image.Rectangle {
	if ax > 1 {
		nr.Min.X = nr.Min.X / ax * ax
		nr.Max.X = (nr.Max.X + ax - 1) / ax * ax
	}
	if ay > 1 {
		nr.Min.Y = nr.Min.Y / ay * ay
		nr.Max.Y = (nr.Max.Y + ay - 1) / ay * ay
	}
	return nr
}

// Walk returns the frame pixel shown at native (nx, ny) and the step in
// frame coordinates for each native pixel to the right, so that a row of
// native pixels can be read without mapping each one.
func (r Rotation) Walk(nx, ny, nw, nh int) (x, y, dx, dy int) {
	x, y = r.FramePoint(nx, ny, nw, nh)
	switch r {
	case 90:
		return x, y, 0, -1
	case 180:
		return x, y, -1, 0
	case 270:
		return x, y, 0, 1
	}
	return x, y, 1, 0
}
