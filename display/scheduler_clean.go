package display

import (
	"image"
	"time"
)

// planFull plans the refresh that RequestFull requests: the whole panel in the cleaning mode,
// or in the fastest mode on panels that do not flash.
func (s *Scheduler) planFull(now time.Time) []Refresh {
	s.full, s.leftover = false, nil
	r := Refresh{Region{s.info.Bounds(), s.gray}, false}
	if s.cleanable {
		r = Refresh{Region{s.info.Bounds(), s.clean}, true}
		s.cleaned(now, r.Rect)
	}
	s.start(now, s.info.Cost(r.Rect, r.Mode))
	return []Refresh{r}
}

// dueTile reports whether tile t needs a clean in the next idle pause.
func (s *Scheduler) dueTile(now time.Time, t *tile) bool {
	switch {
	case t.partials >= s.opts.SoftPartials:
		return true
	case t.partials > 0 && !off(s.opts.MaxAge) && !now.Before(t.cleaned.Add(s.opts.MaxAge)):
		return true
	}
	return !off(s.opts.LongClean) && !now.Before(t.cleaned.Add(s.opts.LongClean))
}

// cleanDue reports whether some tile needs a clean.
func (s *Scheduler) cleanDue(now time.Time) bool {
	if !s.cleanable || s.asleep {
		return false
	}
	at := s.nextClean(now)
	return !at.IsZero() && !at.After(now)
}

// planClean sends one cleaning refresh over the tiles that need it,
// the tiles for which extra returns true and the dirty areas, or over
// the whole panel when that region would cover more than half of it.
func (s *Scheduler) planClean(now time.Time, dirty []Dirty, extra func(t *tile) bool) []Refresh {
	bounds := s.info.Bounds()
	var r image.Rectangle
	for i := range s.grid.tiles {
		t := &s.grid.tiles[i]
		if s.dueTile(now, t) || extra(t) {
			r = r.Union(s.grid.rect(i, bounds))
		}
	}
	for _, d := range dirty {
		r = r.Union(d.Rect)
	}
	if 2*area(r) > area(bounds) {
		r = bounds
	}
	r = AlignRect(r, s.info, s.clean)
	s.cleaned(now, r)
	s.start(now, s.info.Cost(r, s.clean))
	return []Refresh{{Region{r, s.clean}, true}}
}

// halfway reports whether tile t is halfway to SoftPartials. Such tiles
// join a clean, so that tiles that change together do not each flash on
// their own.
func (s *Scheduler) halfway(t *tile) bool {
	return 2*t.partials >= s.opts.SoftPartials
}

// ghosted reports whether some tile had a partial refresh since its
// last clean.
func (s *Scheduler) ghosted() bool {
	for i := range s.grid.tiles {
		if s.grid.tiles[i].partials > 0 {
			return true
		}
	}
	return false
}

// nextClean returns the earliest time a tile becomes due for a clean,
// now when one is due already, or the zero time when none will be
// without more refreshes. It runs on every Plan, so it compares times
// once per tile and adds the timers only to the oldest ones.
func (s *Scheduler) nextClean(now time.Time) time.Time {
	var oldest, oldestTouched time.Time
	for i := range s.grid.tiles {
		t := &s.grid.tiles[i]
		if t.partials >= s.opts.SoftPartials {
			return now
		}
		if oldest.IsZero() || t.cleaned.Before(oldest) {
			oldest = t.cleaned
		}
		if t.partials > 0 && (oldestTouched.IsZero() || t.cleaned.Before(oldestTouched)) {
			oldestTouched = t.cleaned
		}
	}
	var at time.Time
	if !off(s.opts.LongClean) && !oldest.IsZero() {
		at = oldest.Add(s.opts.LongClean)
	}
	if !off(s.opts.MaxAge) && !oldestTouched.IsZero() {
		if due := oldestTouched.Add(s.opts.MaxAge); at.IsZero() || due.Before(at) {
			at = due
		}
	}
	if !at.IsZero() && at.Before(now) {
		at = now
	}
	return at
}

// next returns when Plan should run again: when the panel is ready or
// the rate limit ends for pending work, when a clean may start, or when
// the panel should sleep.
func (s *Scheduler) next(now time.Time, pending bool) time.Time {
	var at time.Time
	consider := func(t time.Time) {
		if t.IsZero() {
			return
		}
		if !t.After(now) {
			t = now.Add(time.Millisecond)
		}
		if at.IsZero() || t.Before(at) {
			at = t
		}
	}
	if pending {
		t := s.busyUntil
		if !s.lastStart.IsZero() && !s.boosted(now) && len(s.leftover) == 0 {
			t = later(t, s.lastStart.Add(s.opts.MinInterval))
		}
		consider(t)
	}
	if s.asleep {
		return at
	}
	if s.cleanable {
		if c := s.nextClean(now); !c.IsZero() {
			consider(later(later(c, s.busyUntil), s.lastInput.Add(s.opts.IdlePause)))
		}
	}
	if s.sleepNext {
		consider(s.busyUntil)
	}
	if !off(s.opts.SleepAfter) {
		consider(s.sleepAt())
	}
	return at
}
