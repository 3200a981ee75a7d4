package sim

import (
	"fmt"
	"image"
)

// Window size limits of shiny's X11 driver (maxShmSide and maxShmSize in
// golang.org/x/exp/shiny/driver/x11driver/screen.go): a buffer is at most
// 32767 pixels a side and 256 MiB of 4-byte pixels.
const (
	maxWindowSide  = 32767
	maxBufferBytes = 1 << 28
)

// maxShrink is the largest divisor of panel pixels. It fits an
// 8192-pixel-wide panel, the largest custom size, on a 1280-pixel screen.
const maxShrink = 8

// windowSize returns the window size in pixels for an upright panel of up
// pixels at zoom, or at 1/shrink when shrink is above 1, with the status
// line below.
func windowSize(up image.Point, zoom, shrink int) image.Point {
	return image.Pt(
		ceilDiv(up.X*zoom, shrink),
		ceilDiv(up.Y*zoom, shrink)+statusHeight,
	)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// fitsX11 reports whether the X11 driver can create a window of size.
func fitsX11(size image.Point) bool {
	return size.X <= maxWindowSide && size.Y <= maxWindowSide &&
		4*int64(size.X)*int64(size.Y) <= maxBufferBytes
}

// maxZoomFor returns the largest zoom up to maxZoom at which the X11
// driver can create the window for an upright panel of up pixels, or 0
// when even zoom 1 is too large.
func maxZoomFor(up image.Point) int {
	for z := maxZoom; z >= 1; z-- {
		if fitsX11(windowSize(up, z, 1)) {
			return z
		}
	}
	return 0
}

// fitScale returns the zoom and shrink at which the window for an
// upright panel of up pixels fits a screen of sw by sh pixels, leaving a
// tenth for desktop bars. It prefers the largest zoom up to maxAutoZoom,
// then the smallest shrink, and returns maxShrink when nothing fits.
func fitScale(up image.Point, sw, sh int) (zoom, shrink int) {
	fits := func(s image.Point) bool { return s.X*10 <= sw*9 && s.Y*10 <= sh*9 }
	for z := min(maxAutoZoom, maxZoomFor(up)); z > 1; z-- {
		if fits(windowSize(up, z, 1)) {
			return z, 1
		}
	}
	for d := 1; d < maxShrink; d++ {
		if fits(windowSize(up, 1, d)) && fitsX11(windowSize(up, 1, d)) {
			return 1, d
		}
	}
	return 1, maxShrink
}

// resizeScale returns the zoom and shrink for a window resized to px:
// the largest zoom at which the panel fits it, or the smallest shrink.
func resizeScale(up image.Point, px image.Point) (zoom, shrink int) {
	z := min(px.X/up.X, (px.Y-statusHeight)/up.Y, maxZoomFor(up))
	if z >= 1 {
		return z, 1
	}
	for d := 2; d < maxShrink; d++ {
		s := windowSize(up, 1, d)
		if s.X <= px.X && s.Y <= px.Y {
			return 1, d
		}
	}
	return 1, maxShrink
}

// checkScale rejects a zoom and shrink whose window the X11 driver
// cannot create, naming the largest zoom that works.
func checkScale(up image.Point, zoom, shrink int) error {
	size := windowSize(up, zoom, shrink)
	if fitsX11(size) {
		return nil
	}
	limit := "use a shrink of 2 or more"
	if z := maxZoomFor(up); z >= 1 {
		limit = fmt.Sprintf("use zoom %d or less", z)
	}
	return fmt.Errorf("sim: zoom %s makes a %dx%d window for the %dx%d panel, beyond the X11 limit of %d pixels a side and %d MiB of pixels: %s",
		zoomText(zoom, shrink), size.X, size.Y, up.X, up.Y, maxWindowSide, maxBufferBytes>>20, limit)
}

// zoomText returns the scale as a zoom: "2", or "1/2" for a shrink of 2.
func zoomText(zoom, shrink int) string {
	if shrink > 1 {
		return fmt.Sprintf("1/%d", shrink)
	}
	return fmt.Sprint(zoom)
}
