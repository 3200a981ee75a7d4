package display

import (
	"image"
	"time"
)

// markDirty sets dirtySince on the tiles that dirty touches and clears
// it on the others, which the panel now shows as they should be.
func (s *Scheduler) markDirty(now time.Time, dirty []Dirty) {
	clear(s.mark)
	for _, d := range dirty {
		c0, c1, r0, r1 := s.grid.span(d.Rect.Intersect(s.info.Bounds()))
		for row := r0; row < r1; row++ {
			for col := c0; col < c1; col++ {
				s.mark[row*s.grid.cols+col] = true
			}
		}
	}
	for i := range s.grid.tiles {
		t := &s.grid.tiles[i]
		switch {
		case !s.mark[i]:
			t.dirtySince = time.Time{}
		case t.dirtySince.IsZero() && !t.lastDamage.IsZero():
			t.dirtySince = t.lastDamage
		case t.dirtySince.IsZero():
			t.dirtySince = now
		}
	}
}

// modeFor returns the mode for a dirty area by its content: the gray
// mode when more than ImageGray of its pixels are gray, else the
// fastest two-level mode.
func (s *Scheduler) modeFor(d Dirty) Mode {
	if float64(d.Gray) > s.opts.ImageGray*float64(area(d.Rect)) {
		return s.gray
	}
	return s.fast
}

// planPartial merges the dirty areas by cost and sends them: all at once
// on a concurrent panel, else the most urgent region alone, and the
// rest when the panel is ready again.
func (s *Scheduler) planPartial(now time.Time, dirty []Dirty) []Refresh {
	regions := make([]Region, 0, len(dirty))
	for _, d := range dirty {
		regions = append(regions, Region{d.Rect, s.modeFor(d)})
	}
	cost := MergeCost{Waste: s.opts.WastePerPixel, Cap: s.opts.MergeCap}
	if s.finishing {
		cost.Cap = 0
	}
	merged := MergeRegions(regions, s.info, cost)
	if len(merged) == 0 {
		return nil
	}
	s.leftover = s.leftover[:0]
	if !s.info.Concurrent {
		first := s.pick(now, merged, dirty)
		for i, r := range merged {
			if i != first {
				s.leftover = append(s.leftover, r.Rect)
			}
		}
		merged = merged[first:][:1]
	}

	out := make([]Refresh, 0, len(merged))
	var longest, transfers time.Duration
	for _, r := range merged {
		ref := Refresh{Region: r}
		spec, _ := s.info.Spec(r.Mode)
		switch {
		case spec.Flash:
			// A flashing mode chosen for gray content cleans too.
			ref.Clean = true
			s.cleaned(now, r.Rect)
		case s.cleanable && s.exceedsHard(r.Rect, dirty):
			// Cleaning whole tiles resets their count.
			c := AlignRect(s.tilesOf(r.Rect), s.info, s.clean)
			ref = Refresh{Region{c, s.clean}, true}
			s.cleaned(now, c)
			spec, _ = s.info.Spec(s.clean)
		default:
			s.countPartial(r.Rect, dirty)
		}
		longest = max(longest, spec.Fixed)
		transfers += spec.Cost(s.info.RegionBytes(ref.Rect)) - spec.Fixed
		out = append(out, ref)
	}
	s.start(now, s.batchTime(out, longest, transfers))
	return out
}

// batchTime returns how long the refreshes of one plan keep the panel
// busy: one after another, or with one waveform on concurrent panels.
func (s *Scheduler) batchTime(rs []Refresh, longest, transfers time.Duration) time.Duration {
	if s.info.Concurrent {
		return longest + transfers
	}
	var d time.Duration
	for _, r := range rs {
		d += s.info.Cost(r.Rect, r.Mode)
	}
	return d
}

// pick returns the index of the region to send first on a panel that
// takes one refresh at a time. After input the region with the newest
// change goes first because it contains the echo, and without input the
// oldest change goes first. Between regions that changed at the same
// time, the one with the focus goes first. A region that waited too
// long goes first (see before), so no area starves.
func (s *Scheduler) pick(now time.Time, rs []Region, dirty []Dirty) int {
	ages := make([]regionAge, len(rs))
	for i, r := range rs {
		a := regionAge{focus: r.Rect.Overlaps(s.focus)}
		for _, d := range dirty {
			part := d.Rect.Intersect(r.Rect)
			s.grid.each(part, func(t *tile) {
				if !t.dirtySince.IsZero() && (a.oldest.IsZero() || t.dirtySince.Before(a.oldest)) {
					a.oldest = t.dirtySince
				}
				a.newest = later(a.newest, t.lastDamage)
			})
		}
		ages[i] = a
	}

	best := 0
	for i := 1; i < len(rs); i++ {
		if s.before(now, ages[i], ages[best]) {
			best = i
		}
	}
	return best
}

// regionAge is the times of a region's oldest and newest change, and
// whether the region contains the focus.
type regionAge struct {
	oldest, newest time.Time
	focus          bool
}

// before reports whether region a goes before region b.
//
// After input that came since the last refresh started, the region with
// the newest change contains the echo and goes first, unless the other
// has waited twice MaxDelay. Otherwise a region late by MaxDelay goes
// first. Ties go to the focus.
func (s *Scheduler) before(now time.Time, a, b regionAge) bool {
	wait := s.opts.MaxDelay
	fresh := s.lastInput.After(s.lastStart) && !a.newest.Equal(b.newest)
	if fresh {
		wait *= 2
	}
	lateA := !now.Before(a.oldest.Add(wait))
	lateB := !now.Before(b.oldest.Add(wait))
	switch {
	case lateA != lateB:
		return lateA
	case lateA && !a.oldest.Equal(b.oldest):
		return a.oldest.Before(b.oldest)
	case lateA:
	case fresh || s.boosted(now) && !a.newest.Equal(b.newest):
		return a.newest.After(b.newest)
	case !a.oldest.Equal(b.oldest):
		return a.oldest.Before(b.oldest)
	}
	return a.focus && !b.focus
}

// exceedsHard reports whether a partial refresh of r would take a tile
// that changes in it past HardPartials.
func (s *Scheduler) exceedsHard(r image.Rectangle, dirty []Dirty) bool {
	over := false
	for _, d := range dirty {
		s.grid.each(d.Rect.Intersect(r), func(t *tile) {
			over = over || t.partials+1 > s.opts.HardPartials
		})
	}
	return over
}

// countPartial counts one partial refresh on every tile where region r
// changes pixels. Waveforms such as A2 and DU do not drive pixels that
// keep their level, so tiles that r covers without a change gain no
// ghosting.
func (s *Scheduler) countPartial(r image.Rectangle, dirty []Dirty) {
	clear(s.mark)
	for _, d := range dirty {
		c0, c1, r0, r1 := s.grid.span(d.Rect.Intersect(r))
		for row := r0; row < r1; row++ {
			for col := c0; col < c1; col++ {
				s.mark[row*s.grid.cols+col] = true
			}
		}
	}
	for i, m := range s.mark {
		if m {
			s.grid.tiles[i].partials++
		}
	}
}

// tilesOf returns the union of the tiles that r touches.
func (s *Scheduler) tilesOf(r image.Rectangle) image.Rectangle {
	c0, c1, r0, r1 := s.grid.span(r)
	n := s.grid.size
	return image.Rect(c0*n, r0*n, c1*n, r1*n).Intersect(s.info.Bounds())
}

// cleaned resets the ghosting of the tiles that lie inside r.
func (s *Scheduler) cleaned(now time.Time, r image.Rectangle) {
	bounds := s.info.Bounds()
	for i := range s.grid.tiles {
		if s.grid.rect(i, bounds).In(r) {
			s.grid.tiles[i].partials = 0
			s.grid.tiles[i].cleaned = now
		}
	}
}
