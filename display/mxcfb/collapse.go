package mxcfb

import (
	"image"

	"github.com/einkterm/einkterm/display"
)

// Collapse returns regions that the EPDC can run at the same time:
// overlapping regions would collide in the driver, which runs the second
// only after the first ends, so they are merged into their bounding box.
// Then, while more than max remain, the two whose bounding box adds the
// least area are merged. Empty rectangles are dropped. The result covers
// every pixel of rs.
func Collapse(rs []image.Rectangle, max int) []image.Rectangle {
	out := make([]image.Rectangle, 0, len(rs))
	for _, r := range rs {
		if !r.Empty() {
			out = append(out, r)
		}
	}
	out = mergeOverlaps(out)
	for max > 0 && len(out) > max {
		i, j := cheapestPair(out)
		out[i] = out[i].Union(out[j])
		out = append(out[:j], out[j+1:]...)
		out = mergeOverlaps(out)
	}
	return out
}

// mergeOverlaps merges overlapping rectangles until none overlap.
func mergeOverlaps(rs []image.Rectangle) []image.Rectangle {
	for merged := true; merged; {
		merged = false
		for i := 0; i < len(rs) && !merged; i++ {
			for j := i + 1; j < len(rs); j++ {
				if rs[i].Overlaps(rs[j]) {
					rs[i] = rs[i].Union(rs[j])
					rs = append(rs[:j], rs[j+1:]...)
					merged = true
					break
				}
			}
		}
	}
	return rs
}

// cheapestPair returns i < j whose union adds the least area.
func cheapestPair(rs []image.Rectangle) (int, int) {
	bi, bj, best := 0, 1, -1
	for i := range rs {
		for j := i + 1; j < len(rs); j++ {
			u := rs[i].Union(rs[j])
			extra := area(u) - area(rs[i]) - area(rs[j])
			if best < 0 || extra < best {
				bi, bj, best = i, j, extra
			}
		}
	}
	return bi, bj
}

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }

// RefreshRegions sends the regions of f in mode m after Collapse with the
// panel's MaxConcurrent.
func (p *Panel) RefreshRegions(f *display.Frame, rs []image.Rectangle, m display.Mode) error {
	for _, r := range Collapse(rs, p.opts.MaxConcurrent) {
		if err := p.Refresh(f, r, m); err != nil {
			return err
		}
	}
	return nil
}
