package display

import (
	"image"
	"time"
)

// BatchRefresher is a panel that refreshes several regions of a frame
// with one waveform, such as a controller that scans the whole panel on
// every update and takes its image data in windows. Such a panel sets
// Info.Concurrent, so the refresh loop plans its regions together and
// sends the regions of one plan that share a mode in one RefreshBatch.
type BatchRefresher interface {
	RefreshBatch(f *Frame, rects []image.Rectangle, m Mode) error
}

// RefreshBatch refreshes rects of f in mode m on p: in one call when p
// is a BatchRefresher, else one Refresh after another.
func RefreshBatch(p Panel, f *Frame, rects []image.Rectangle, m Mode) error {
	if b, ok := p.(BatchRefresher); ok && len(rects) > 1 {
		return b.RefreshBatch(f, rects, m)
	}
	for _, r := range rects {
		if err := p.Refresh(f, r, m); err != nil {
			return err
		}
	}
	return nil
}

// BatchCost returns the modelled time of refreshing rs together in mode
// m: their transfers plus one Fixed time on a concurrent panel, else the
// sum of their costs.
func (i Info) BatchCost(rs []image.Rectangle, m Mode) time.Duration {
	spec, _ := i.Spec(m)
	var d time.Duration
	bytes := 0
	for _, r := range rs {
		bytes += i.RegionBytes(r)
		d += i.Cost(r, m)
	}
	if i.Concurrent && len(rs) > 0 {
		return spec.Cost(bytes)
	}
	return d
}
