package display

import "image"

// DamageKind tells how a region of a frame changed.
type DamageKind uint8

const (
	// Changed means the pixels of Rect may differ from before.
	Changed DamageKind = iota

	// Scrolled means the pixels of Rect moved by Dy rows (negative is
	// up); the rows uncovered by the move are reported as Changed
	// damage of their own.
	Scrolled
)

// Damage is a region of a frame that a source changed.
type Damage struct {
	Kind DamageKind
	Rect image.Rectangle
	Dy   int
}

// Bounds returns the union of the rectangles of d.
func Bounds(d []Damage) image.Rectangle {
	var u image.Rectangle
	for _, x := range d {
		u = u.Union(x.Rect)
	}
	return u
}
