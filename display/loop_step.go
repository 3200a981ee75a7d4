package display

import (
	"context"
	"fmt"
	"image"
	"time"
)

// Step runs the scheduler once at the clock's time and carries out its
// plan. It does not wait for the panel, and returns when Step should
// run again if no Submit, NoteInput or RequestFull comes first (zero
// when only those can bring work).
func (l *Loop) Step(ctx context.Context) (time.Time, error) {
	l.stepMu.Lock()
	defer l.stepMu.Unlock()
	now := l.clock.Now()

	l.mu.Lock()
	l.noteBusy(now)
	dirty := l.dirty()
	plan := l.sched.Plan(now, dirty)
	sends := l.apply(plan, dirty)
	l.mu.Unlock()

	return plan.Next, l.execute(plan, sends)
}

// noteBusy passes the panel's own idea of when it is ready to the
// scheduler. Panels that report no end time are polled.
func (l *Loop) noteBusy(now time.Time) {
	if b, ok := l.panel.(interface{ BusyUntil() time.Time }); ok {
		if t := b.BusyUntil(); !t.IsZero() {
			l.sched.SetBusyUntil(t)
			return
		}
	}
	if l.panel.Busy() {
		l.sched.SetBusyUntil(now.Add(pollInterval))
	}
}

// dirty diffs the hinted areas of the pending frame against the shown
// one, drops the hints that did not change, and returns what changed.
func (l *Loop) dirty() []Dirty {
	var rects []image.Rectangle
	l.hints = disjoint(l.hints)
	for _, h := range l.hints {
		rects = Diff(rects, l.shown, l.pending, h)
	}
	l.hints = append(l.hints[:0], rects...)
	out := make([]Dirty, len(rects))
	for i, r := range rects {
		out[i] = Dirty{Rect: r, Gray: GrayPixels(l.pending, r)}
	}
	return out
}

// disjoint replaces overlapping rectangles of rs by their bounding boxes
// until none overlap, in place, so that a change inside two hints is
// diffed and merged once.
func disjoint(rs []image.Rectangle) []image.Rectangle {
	for i := 0; i < len(rs); i++ {
		for j := i + 1; j < len(rs); j++ {
			if rs[i].Overlaps(rs[j]) {
				rs[i] = rs[i].Union(rs[j])
				rs[j] = rs[len(rs)-1]
				rs = rs[:len(rs)-1]
				j = i // rs[i] grew, so compare it with all the others again
			}
		}
	}
	return rs
}

// send is one refresh to carry out, with the scrolls it shows.
type send struct {
	Refresh
	scrolls []Damage
}

// apply copies what the plan's refreshes show into the shown and sent
// frames, updates the hints and the statistics, and returns the sends.
// A partial refresh copies only the dirty parts of its region, since
// the rest already matches the panel. In a two-level mode on a gray
// panel those parts are quantized to black and white. A clean copies
// its whole region unquantized.
func (l *Loop) apply(plan Plan, dirty []Dirty) []send {
	sends := make([]send, 0, len(plan.Refreshes))
	for _, r := range plan.Refreshes {
		if r.Clean {
			l.shown.CopyRect(l.pending, r.Rect)
			l.out.CopyRect(l.shown, r.Rect)
		} else {
			l.copyDirty(r.Region, dirty)
		}
		sends = append(sends, send{r, l.takeScrolls(r.Rect)})
		l.stats.Refreshes++
		l.stats.Pixels += area(r.Rect)
		l.stats.Bytes += l.info.RegionBytes(r.Rect)
		if r.Clean {
			l.stats.Cleans++
		}
	}
	if plan.Sleep {
		l.stats.Sleeps++
	}
	l.hints = l.hints[:0]
	for _, d := range dirty {
		if !coveredBy(d.Rect, plan.Refreshes) {
			l.hints = append(l.hints, d.Rect)
		}
	}
	return sends
}

func (l *Loop) copyDirty(r Region, dirty []Dirty) {
	spec, _ := l.info.Spec(r.Mode)
	quantize := spec.Levels == 2 && l.info.Depth > 1
	for _, d := range dirty {
		part := d.Rect.Intersect(r.Rect)
		if part.Empty() {
			continue
		}
		l.shown.CopyRect(l.pending, part)
		l.out.CopyRect(l.shown, part)
		if quantize {
			QuantizeBW(l.out, part)
		}
	}
}

// takeScrolls removes the pending scrolls that refresh r shows and
// returns those that lie wholly inside it. A scroll cut by r is dropped
// because r carries all of its pixels anyway.
func (l *Loop) takeScrolls(r image.Rectangle) []Damage {
	var taken []Damage
	kept := l.scrolls[:0]
	for _, s := range l.scrolls {
		switch {
		case s.Rect.In(r):
			taken = append(taken, s)
		case !s.Rect.Overlaps(r):
			kept = append(kept, s)
		}
	}
	l.scrolls = kept
	return taken
}

// execute carries out a plan on the panel.
func (l *Loop) execute(plan Plan, sends []send) error {
	if plan.Wake {
		if err := l.panel.Wake(); err != nil {
			return fmt.Errorf("display: wake panel: %w", err)
		}
	}
	scroller, canScroll := l.panel.(Scroller)
	for i := 0; i < len(sends); i++ {
		s := sends[i]
		for _, sc := range s.scrolls {
			if !canScroll {
				break
			}
			if err := scroller.Scroll(sc.Rect, sc.Dy); err != nil {
				return fmt.Errorf("display: scroll %v by %d: %w", sc.Rect, sc.Dy, err)
			}
			l.mu.Lock()
			l.stats.Scrolls++
			l.mu.Unlock()
		}
		// The regions that follow in the same mode, with no scroll to do
		// first, go out with this one in one batch.
		rects := []image.Rectangle{s.Rect}
		for i+1 < len(sends) && sends[i+1].Mode == s.Mode && len(sends[i+1].scrolls) == 0 {
			i++
			rects = append(rects, sends[i].Rect)
		}
		l.log.Debug("refresh", "rects", rects, "mode", s.Mode, "clean", s.Clean)
		if err := RefreshBatch(l.panel, l.out, rects, s.Mode); err != nil {
			return fmt.Errorf("display: refresh %v in %v: %w", rects, s.Mode, err)
		}
	}
	if plan.Sleep {
		if err := l.panel.Sleep(); err != nil {
			return fmt.Errorf("display: sleep panel: %w", err)
		}
	}
	return nil
}

func coveredBy(r image.Rectangle, rs []Refresh) bool {
	for _, x := range rs {
		if r.In(x.Rect) {
			return true
		}
	}
	return false
}

func rectsBounds(rs []image.Rectangle) image.Rectangle {
	var u image.Rectangle
	for _, r := range rs {
		u = u.Union(r)
	}
	return u
}
