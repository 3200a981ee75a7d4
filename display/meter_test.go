package display_test

import (
	"image"
	"time"

	"github.com/einkterm/einkterm/display"
)

// meter is a panel that measures what passes through it to the panel
// below: which pixels each refresh changed, and the ghosting of each
// 32 px tile counted from those changes.
type meter struct {
	display.Panel
	clock *display.ManualClock
	t0    time.Time
	info  display.Info
	img   *display.Frame // what the panel shows
	log   []metered

	tiles       []int // partials since the last clean, per tile
	cols        int
	maxPartials int
	misaligned  int // refreshes whose region the panel does not accept
}

// meterTile is the side of the tiles in which meter counts partials, the
// scheduler's default.
const meterTile = 32

// metered is one refresh as the meter saw it.
type metered struct {
	start   time.Duration // when the panel starts it
	end     time.Duration
	rect    image.Rectangle
	mode    display.Mode
	flash   bool
	bytes   int
	bands   []image.Rectangle // where it changed pixels
	changed int               // pixels of bands after alignment
	joined  bool              // shares the waveform of the refresh before
}

func newMeter(p display.Panel, clock *display.ManualClock) *meter {
	info := p.Info()
	cols := (info.Width + meterTile - 1) / meterTile
	rows := (info.Height + meterTile - 1) / meterTile
	return &meter{
		Panel: p,
		clock: clock,
		t0:    clock.Now(),
		info:  info,
		img:   display.NewFrame(info.Width, info.Height, info.Depth),
		tiles: make([]int, cols*rows),
		cols:  cols,
	}
}

// BusyUntil returns when the panel's running refresh ends.
func (m *meter) BusyUntil() time.Time {
	if b, ok := m.Panel.(interface{ BusyUntil() time.Time }); ok {
		return b.BusyUntil()
	}
	return time.Time{}
}

// LogInput passes an input event to the panel's log.
func (m *meter) LogInput(kind string) {
	if l, ok := m.Panel.(interface{ LogInput(string) }); ok {
		l.LogInput(kind)
	}
}

// Refresh measures the refresh and passes it on.
func (m *meter) Refresh(f *display.Frame, r image.Rectangle, mode display.Mode) error {
	m.measure(f, []image.Rectangle{r}, mode)
	return m.Panel.Refresh(f, r, mode)
}

// RefreshBatch measures the regions of one batch and passes them on.
func (m *meter) RefreshBatch(f *display.Frame, rs []image.Rectangle, mode display.Mode) error {
	if !m.info.Concurrent {
		for _, r := range rs {
			if err := m.Refresh(f, r, mode); err != nil {
				return err
			}
		}
		return nil
	}
	m.measure(f, rs, mode)
	return display.RefreshBatch(m.Panel, f, rs, mode)
}

// measure logs the regions rs of one refresh, which start together and
// share one waveform.
func (m *meter) measure(f *display.Frame, rs []image.Rectangle, mode display.Mode) {
	spec, _ := m.info.Spec(mode)
	now := m.clock.Now()
	start := now
	if bu := m.BusyUntil(); bu.After(start) {
		start = bu
	}
	busy := m.info.BatchCost(rs, mode)
	for i, r := range rs {
		if !display.IsAligned(r, m.info, mode) {
			m.misaligned++
		}
		bands := display.Diff(nil, m.img, f, r)
		rec := metered{
			start:  start.Sub(m.t0),
			rect:   r,
			mode:   mode,
			flash:  spec.Flash,
			bytes:  m.info.RegionBytes(r),
			bands:  bands,
			joined: i > 0,
		}
		rec.end = rec.start + busy
		aligned := make([]image.Rectangle, len(bands))
		for i, b := range bands {
			aligned[i] = display.AlignRect(b, m.info, mode)
		}
		rec.changed = unionArea(aligned)
		m.countGhosts(rec)
		m.log = append(m.log, rec)
		m.img.CopyRect(f, r)
	}
}

// countGhosts resets the tiles that a flashing refresh covers and counts
// a partial on the tiles where a partial refresh changed pixels.
func (m *meter) countGhosts(rec metered) {
	bounds := m.info.Bounds()
	for i := range m.tiles {
		x, y := i%m.cols*meterTile, i/m.cols*meterTile
		t := image.Rect(x, y, x+meterTile, y+meterTile).Intersect(bounds)
		if rec.flash {
			if t.In(rec.rect) {
				m.tiles[i] = 0
			}
			continue
		}
		for _, b := range rec.bands {
			if b.Overlaps(t) {
				m.tiles[i]++
				m.maxPartials = max(m.maxPartials, m.tiles[i])
				break
			}
		}
	}
}

// unionArea returns the number of pixels that rs cover together.
func unionArea(rs []image.Rectangle) int {
	var bounds image.Rectangle
	for _, r := range rs {
		bounds = bounds.Union(r)
	}
	n := 0
	type span struct{ lo, hi int }
	var spans []span
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		spans = spans[:0]
		for _, r := range rs {
			if y >= r.Min.Y && y < r.Max.Y {
				spans = append(spans, span{r.Min.X, r.Max.X})
			}
		}
		sortSpans(spans, func(a, b span) bool { return a.lo < b.lo })
		end := -1 << 31
		for _, s := range spans {
			lo := max(s.lo, end)
			if s.hi > lo {
				n += s.hi - lo
			}
			end = max(end, s.hi)
		}
	}
	return n
}

func sortSpans[T any](s []T, less func(a, b T) bool) { sortProcs(s, less) }
