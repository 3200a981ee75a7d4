package display

import (
	"image"
	"time"
)

// Scheduler is the refresh policy: it decides what to refresh, in which
// mode and when. It reads no clock and does no I/O. The caller reports
// events with the time they happened and calls Plan with the current
// time and the areas that differ from the panel. The same calls in the
// same order give the same plans, so tests are tables of time steps.
//
// The policy:
//   - the first change after an idle period goes out at once;
//   - while the panel is busy, changes accumulate and go out together
//     when it is ready. A panel that takes one region at a time gets
//     the regions of one plan one after another, each when it is ready;
//   - output that no input caused is rate-limited to one refresh start
//     per MinInterval. That bounds the delay of a continuous stream and
//     keeps floods to few refreshes, and the last change always goes
//     out;
//   - ghosting is tracked per tile; cleaning refreshes wait for an idle
//     pause after input, unless a tile would exceed HardPartials, and
//     tiles that were never touched are cleaned after LongClean;
//   - black-and-white content uses the fastest two-level mode, gray
//     content a sixteen-level one;
//   - RequestFull forces a cleaning refresh of the whole panel, and the
//     panel sleeps after SleepAfter with nothing to do, once the tiles
//     with partial refreshes are cleaned.
//
// Panels whose Info.Flashes is false never get cleaning refreshes.
type Scheduler struct {
	info Info
	opts SchedulerOptions

	fast, gray, clean Mode
	cleanable         bool // the panel flashes and has a cleaning mode

	busyUntil    time.Time
	lastStart    time.Time // start of the newest refresh
	lastInput    time.Time
	lastActivity time.Time // newest damage, input or refresh
	full         bool      // a full refresh was requested
	sleepNext    bool      // sleep once the clean before sleep is done
	asleep       bool
	sleptAt      time.Time
	finishing    bool // Finish was called, so MergeCap is ignored
	focus        image.Rectangle

	// leftover holds the merged regions of the last partial plan that a
	// panel taking one region at a time has not had yet. They go out as
	// soon as it is ready, without the rate limit, because they changed
	// before the refresh that went first.
	leftover []image.Rectangle

	grid tileGrid
	mark []bool // scratch: tiles that Plan's dirty areas touch
}

// Dirty is an area where the frame to show differs from the panel, and
// the number of its pixels that are neither black nor white.
type Dirty struct {
	Rect image.Rectangle
	Gray int
}

// Refresh is one refresh that a Plan requests.
type Refresh struct {
	Region

	// Clean is true for a cleaning refresh, which flashes on e-paper
	// and resets the ghosting of the tiles it covers.
	Clean bool
}

// Plan is the list of actions for the caller to carry out now, in this
// order: wake the panel, send the refreshes one after another, then put
// the panel to sleep.
type Plan struct {
	Wake      bool
	Refreshes []Refresh
	Sleep     bool

	// Next is when Plan should be called again if no event comes
	// first; zero means only an event can bring new work.
	Next time.Time
}

// NewScheduler returns a scheduler for panel info whose tiles count as
// clean at now.
func NewScheduler(info Info, opts SchedulerOptions, now time.Time) *Scheduler {
	opts = opts.withDefaults(info)
	s := &Scheduler{
		info:         info,
		opts:         opts,
		fast:         info.FastMode(2).Mode,
		lastActivity: now,
		grid:         newTileGrid(info.Width, info.Height, opts.Tile, now),
	}
	s.mark = make([]bool, len(s.grid.tiles))
	s.gray = s.fast
	if g := info.FastMode(16); g.Levels >= 16 {
		s.gray = g.Mode
	}
	if c, ok := info.CleanMode(); ok {
		s.clean = c.Mode
		s.cleanable = info.Flashes
		if s.gray == s.fast && c.Levels >= 16 {
			s.gray = c.Mode
		}
	}
	if _, ok := info.Spec(opts.GrayMode); ok {
		s.gray = opts.GrayMode
	}
	return s
}

// Options returns the settings in use, defaults filled in.
func (s *Scheduler) Options() SchedulerOptions { return s.opts }

// Damage records that the source changed region r at now.
func (s *Scheduler) Damage(now time.Time, r image.Rectangle) {
	r = r.Intersect(s.info.Bounds())
	if r.Empty() {
		return
	}
	s.grid.each(r, func(t *tile) { t.lastDamage = now })
	s.lastActivity = later(s.lastActivity, now)
	s.sleepNext = false
}

// Input records an input event, such as a keystroke, at now.
func (s *Scheduler) Input(now time.Time) {
	s.lastInput = later(s.lastInput, now)
	s.lastActivity = later(s.lastActivity, now)
	s.sleepNext = false
}

// Focus sets the area that the user looks at, such as the cursor cell
// of a terminal. Of the regions that changed together, the one that
// contains it is refreshed first.
func (s *Scheduler) Focus(r image.Rectangle) { s.focus = r }

// RequestFull requests a cleaning refresh of the whole panel as soon as
// it is ready.
func (s *Scheduler) RequestFull() { s.full = true }

// FullPending reports whether a requested full refresh has not been
// planned yet.
func (s *Scheduler) FullPending() bool { return s.full }

// SetBusyUntil records that the panel stays busy until t, for panels
// that are slower than their cost model.
func (s *Scheduler) SetBusyUntil(t time.Time) {
	s.busyUntil = later(s.busyUntil, t)
}

// BusyUntil returns when the modelled panel finishes its last refresh.
func (s *Scheduler) BusyUntil() time.Time { return s.busyUntil }

// Plan returns what to do at now, given the areas that differ from the
// panel, and records the refreshes it requests as sent.
func (s *Scheduler) Plan(now time.Time, dirty []Dirty) Plan {
	s.markDirty(now, dirty)
	var p Plan
	pending := len(dirty) > 0 || s.full
	if s.asleep && (pending || s.lastInput.After(s.sleptAt)) {
		p.Wake, s.asleep = true, false
		s.lastActivity = now
	}
	if now.Before(s.busyUntil) {
		p.Next = s.next(now, pending)
		return p
	}

	switch {
	case s.full:
		p.Refreshes = s.planFull(now)
	case len(dirty) > 0 && s.held(now):
		if rest := s.leftoverDirty(dirty); len(rest) > 0 {
			p.Refreshes = s.planPartial(now, rest)
		}
	case s.idle(now) && s.cleanDue(now):
		p.Refreshes = s.planClean(now, dirty, s.halfway)
	case len(dirty) > 0:
		p.Refreshes = s.planPartial(now, dirty)
	case s.sleepDue(now) && s.cleanable && s.idle(now) && s.ghosted():
		// The panel keeps its picture while asleep, so it goes to
		// sleep clean: the ghosted tiles first, then sleep at once.
		// Before the idle pause the panel sleeps uncleaned, because a
		// clean would flash while the user may still type.
		p.Refreshes = s.planClean(now, nil, func(t *tile) bool { return t.partials > 0 })
		s.sleepNext = true
	case s.sleepNext || s.sleepDue(now):
		p.Sleep, s.asleep, s.sleptAt = true, true, now
		s.sleepNext = false
	}
	p.Next = s.next(now, pending)
	return p
}

// held reports whether a refresh must wait for the rate limit: output
// that no recent input caused goes out at most once per MinInterval.
func (s *Scheduler) held(now time.Time) bool {
	if s.lastStart.IsZero() || !now.Before(s.lastStart.Add(s.opts.MinInterval)) {
		return false
	}
	return !s.boosted(now)
}

// leftoverDirty returns the parts of dirty inside the leftover regions,
// with their gray pixels counted in proportion to area.
func (s *Scheduler) leftoverDirty(dirty []Dirty) []Dirty {
	var out []Dirty
	for _, d := range dirty {
		for _, l := range s.leftover {
			part := d.Rect.Intersect(l)
			if part.Empty() {
				continue
			}
			gray := int(int64(d.Gray) * int64(area(part)) / int64(max(area(d.Rect), 1)))
			out = append(out, Dirty{Rect: part, Gray: gray})
		}
	}
	return out
}

// boosted reports whether an input event came within InputBoost.
func (s *Scheduler) boosted(now time.Time) bool {
	return !s.lastInput.IsZero() && now.Before(s.lastInput.Add(s.opts.InputBoost))
}

// idle reports whether no input came for IdlePause.
func (s *Scheduler) idle(now time.Time) bool {
	return s.lastInput.IsZero() || !now.Before(s.lastInput.Add(s.opts.IdlePause))
}

// sleepDue reports whether the panel should sleep: awake, and nothing
// happened for SleepAfter since the last refresh ended.
func (s *Scheduler) sleepDue(now time.Time) bool {
	if s.asleep || off(s.opts.SleepAfter) {
		return false
	}
	return !now.Before(s.sleepAt())
}

func (s *Scheduler) sleepAt() time.Time {
	return later(s.lastActivity, s.busyUntil).Add(s.opts.SleepAfter)
}

// start records refreshes that begin at now and take d.
func (s *Scheduler) start(now time.Time, d time.Duration) {
	s.lastStart = now
	s.lastActivity = now
	s.busyUntil = now.Add(d)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Finish makes every later Plan ignore MergeCap, so that a loop about
// to stop sends what is pending in few refreshes.
func (s *Scheduler) Finish() { s.finishing = true }

// Expedite makes the next Plan ignore the rate limit and the modelled
// busy time, for a caller that has just waited for the panel itself.
func (s *Scheduler) Expedite() {
	s.lastStart = time.Time{}
	s.busyUntil = time.Time{}
}
