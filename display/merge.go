package display

import (
	"image"
	"sort"
	"time"
)

// Region is a panel region to refresh and the update mode for it.
type Region struct {
	Rect image.Rectangle
	Mode Mode
}

// MergeRegions merges and aligns regions for one round of refreshes and
// returns regions that are aligned for their modes, inside the panel,
// pairwise disjoint and together cover every input region. Input regions
// outside the panel are dropped.
//
// Two regions are merged when, by the panel's cost model, one refresh of
// their union is no slower than two refreshes. Each refresh pays its
// mode's Fixed time plus PerByte for every byte sent, and on panels with
// Info.Concurrent disjoint regions share one waveform. A union whose
// unchanged pixels outnumber the pixels its parts covered pays
// cost.Waste for each excess pixel, which keeps distant regions apart on
// fast panels, and a union larger than cost.Cap times those pixels is
// never made. Overlapping regions are always merged. The merged region's
// mode is the stronger of the two (see StrongerMode).
func MergeRegions(rs []Region, info Info, cost MergeCost) []Region {
	m := merger{info: info, cost: cost}
	for _, r := range rs {
		a := AlignRect(r.Rect, info, r.Mode)
		if a.Empty() {
			continue
		}
		m.items = append(m.items, mergeItem{Region{a, r.Mode}, area(a)})
	}
	m.mergeNeighbours()
	m.mergePairs()
	out := make([]Region, len(m.items))
	for i, it := range m.items {
		out[i] = it.Region
	}
	return out
}

// MergeCost holds the costs that MergeRegions weighs besides the
// panel's refresh times.
type MergeCost struct {
	// Waste is the cost of each unchanged pixel that a merged region
	// refreshes beyond as many as its parts covered. Zero merges by
	// time alone.
	Waste time.Duration

	// Cap is the maximum number of pixels that a merged region may
	// refresh per pixel its parts covered. Zero means no cap.
	Cap float64
}

// mergeItem is a merged region and the pixels its parts covered.
type mergeItem struct {
	Region
	covered int
}

type merger struct {
	info  Info
	cost  MergeCost
	items []mergeItem
}

// mergeNeighbours merges each region with the next one from the top
// while that pays, so that the bands of a screen of text become blocks
// in linear time before the quadratic pass.
func (m *merger) mergeNeighbours() {
	sort.Slice(m.items, func(i, j int) bool {
		a, b := m.items[i].Rect, m.items[j].Rect
		if a.Min.Y != b.Min.Y {
			return a.Min.Y < b.Min.Y
		}
		return a.Min.X < b.Min.X
	})
	var out []mergeItem
	for _, it := range m.items {
		n := len(out)
		if n > 0 {
			if u, ok := m.union(out[n-1], it); ok {
				out[n-1] = u
				continue
			}
		}
		out = append(out, it)
	}
	m.items = out
}

// mergePairs merges the pair with the largest saving until no pair pays.
// The saving of each pair is kept in a table and updated for the merged
// region only.
func (m *merger) mergePairs() {
	n := len(m.items)
	if n < 2 {
		return
	}
	saving := make([][]time.Duration, n)
	for i := range saving {
		saving[i] = make([]time.Duration, n)
	}
	alive := make([]bool, n)
	for i := range alive {
		alive[i] = true
		for j := 0; j < i; j++ {
			saving[i][j] = m.saving(m.items[i], m.items[j])
		}
	}
	for {
		bi, bj, best := -1, -1, time.Duration(-1)
		for i := 0; i < n; i++ {
			for j := 0; j < i && alive[i]; j++ {
				if alive[j] && saving[i][j] > best {
					bi, bj, best = i, j, saving[i][j]
				}
			}
		}
		if bi < 0 {
			break
		}
		u, _ := m.union(m.items[bi], m.items[bj])
		m.items[bi], alive[bj] = u, false
		for k := 0; k < n; k++ {
			if k == bi || !alive[k] {
				continue
			}
			s := m.saving(m.items[bi], m.items[k])
			if k < bi {
				saving[bi][k] = s
			} else {
				saving[k][bi] = s
			}
		}
	}
	out := m.items[:0]
	for i, it := range m.items {
		if alive[i] {
			out = append(out, it)
		}
	}
	m.items = out
}

// never is the saving of a pair that must not merge.
const never = time.Duration(-1 << 62)

// saving returns how much faster one refresh of the union of a and b is
// than two, less the waste, or never when the merge does not pay.
// Overlapping regions always pay.
func (m *merger) saving(a, b mergeItem) time.Duration {
	if a.Rect.Overlaps(b.Rect) {
		return 1 << 62
	}
	u, ok := m.union(a, b)
	if !ok {
		return never
	}
	return m.pairCost(a, b) - m.refreshCost(u)
}

// union returns the merged region of a and b and whether merging them
// pays: the union's cost, waste included, is at most the pair's.
func (m *merger) union(a, b mergeItem) (mergeItem, bool) {
	mode := StrongerMode(m.info, a.Mode, b.Mode)
	r := AlignRect(a.Rect.Union(b.Rect), m.info, mode)
	u := mergeItem{Region{r, mode}, a.covered + b.covered}
	if a.Rect.Overlaps(b.Rect) {
		// Count the overlap once. Counting the whole union as covered
		// would let it absorb any later merge for free.
		u.covered = min(max(u.covered-area(a.Rect.Intersect(b.Rect)), a.covered, b.covered), area(r))
		return u, true
	}
	if m.cost.Cap > 0 && float64(area(r)) > m.cost.Cap*float64(u.covered) {
		return u, false
	}
	return u, m.refreshCost(u) <= m.pairCost(a, b)
}

// refreshCost returns the modelled time of refreshing it, with the
// waste of the unchanged pixels beyond as many as its parts covered. A
// block of ragged text lines, about half changed, so merges by time
// alone, while an echo and a distant status line stay apart.
func (m *merger) refreshCost(it mergeItem) time.Duration {
	wasted := max(area(it.Rect)-2*it.covered, 0)
	return m.info.Cost(it.Rect, it.Mode) + time.Duration(wasted)*m.cost.Waste
}

// pairCost returns the modelled time of refreshing a and b apart. On a
// concurrent panel the two waveforms run at once, so only the longer
// one counts.
func (m *merger) pairCost(a, b mergeItem) time.Duration {
	ca, cb := m.refreshCost(a), m.refreshCost(b)
	if !m.info.Concurrent {
		return ca + cb
	}
	sa, _ := m.info.Spec(a.Mode)
	sb, _ := m.info.Spec(b.Mode)
	return ca + cb - min(sa.Fixed, sb.Fixed)
}

// StrongerMode returns the mode that shows what both a and b show: a
// flashing mode before a non-flashing one, then the one with more gray
// levels, then the slower one. A mode the panel lacks loses.
func StrongerMode(info Info, a, b Mode) Mode {
	sa, okA := info.Spec(a)
	sb, okB := info.Spec(b)
	switch {
	case !okB:
		return a
	case !okA:
		return b
	case sa.Flash != sb.Flash:
		if sa.Flash {
			return a
		}
		return b
	case sa.Levels != sb.Levels:
		if sa.Levels > sb.Levels {
			return a
		}
		return b
	case sb.Fixed > sa.Fixed:
		return b
	}
	return a
}

func area(r image.Rectangle) int {
	return r.Dx() * r.Dy()
}
