package display

import "image"

// Scroller is implemented by panels that can move a region of their own
// memory. Scroll moves the pixels of r by dy rows (negative is up) and
// is called before the refresh that shows r. That refresh still carries
// all of r's pixels, so a panel may use the move only to send less.
type Scroller interface {
	Scroll(r image.Rectangle, dy int) error
}
