package display

import (
	"context"
	"fmt"
	"image"
	"log/slog"
	"sync"
	"time"
)

// Loop carries frames from a source to a panel. The source draws into
// its own frame and calls Submit with the damage. The loop diffs the
// damaged areas against what the panel shows and lets a Scheduler decide
// what to refresh and when. Run drives it with the loop's Clock; Step
// runs one decision, for callers that drive time themselves.
type Loop struct {
	panel Panel
	info  Info
	log   *slog.Logger
	clock Clock

	stepMu sync.Mutex // serializes Step

	mu      sync.Mutex
	pending *Frame            // the newest frame from the source
	hints   []image.Rectangle // areas in which pending may differ from shown
	scrolls []Damage          // scrolls not yet shown
	sched   *Scheduler
	stats   LoopStats
	wake    chan struct{}

	shown *Frame // each pixel of pending as of its last refresh
	out   *Frame // the frame sent to the panel: shown, quantized where needed
}

// LoopOptions configures a Loop.
type LoopOptions struct {
	// Logger receives debug lines for each refresh; nil means silent.
	Logger *slog.Logger

	// Clock is the loop's time source; nil means SystemClock.
	Clock Clock

	// Scheduler holds the refresh policy's settings.
	Scheduler SchedulerOptions
}

// LoopStats counts what a loop sent to its panel.
type LoopStats struct {
	Refreshes int // refreshes of any kind
	Cleans    int // cleaning (flashing) refreshes among them
	Pixels    int // pixels in the refreshed regions
	Bytes     int // bytes of the refreshed regions at the panel's depth
	Scrolls   int // scrolls passed to a Scroller panel
	Sleeps    int // times the panel was put to sleep
}

// maxHints bounds the damage list; past it the hints are replaced by
// their bounding box, which the diff trims again.
const maxHints = 256

// pollInterval is how often the loop polls a busy panel that does not
// report when it will be ready.
const pollInterval = 10 * time.Millisecond

// NewLoop returns a loop for panel p, starting from a white frame.
func NewLoop(p Panel, opts LoopOptions) *Loop {
	info := p.Info()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	clock := opts.Clock
	if clock == nil {
		clock = SystemClock{}
	}
	return &Loop{
		panel:   p,
		info:    info,
		log:     log,
		clock:   clock,
		pending: NewFrame(info.Width, info.Height, info.Depth),
		shown:   NewFrame(info.Width, info.Height, info.Depth),
		out:     NewFrame(info.Width, info.Height, info.Depth),
		sched:   NewScheduler(info, opts.Scheduler, clock.Now()),
		wake:    make(chan struct{}, 1),
	}
}

// Info returns the panel's info.
func (l *Loop) Info() Info { return l.info }

// Stats returns what the loop has sent so far.
func (l *Loop) Stats() LoopStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stats
}

// Submit copies the damaged regions of f into the loop's pending frame.
// f must have the panel's size and depth. Scrolled damage is passed on
// to panels that implement Scroller.
func (l *Loop) Submit(f *Frame, damage []Damage) {
	now := l.clock.Now()
	l.mu.Lock()
	for _, d := range damage {
		r := d.Rect.Intersect(l.info.Bounds())
		if r.Empty() {
			continue
		}
		l.pending.CopyRect(f, r)
		l.hints = append(l.hints, r)
		l.sched.Damage(now, r)
		if d.Kind == Scrolled {
			l.scrolls = append(l.scrolls, Damage{Kind: Scrolled, Rect: r, Dy: d.Dy})
		}
	}
	if len(l.hints) > maxHints {
		l.hints = []image.Rectangle{rectsBounds(l.hints)}
	}
	l.mu.Unlock()
	l.signal()
}

// NoteInput records for the refresh policy that an input event, such as
// a keystroke, reached the session. The echo that follows goes out at
// once, and cleaning refreshes wait for a pause.
func (l *Loop) NoteInput() {
	now := l.clock.Now()
	l.mu.Lock()
	l.sched.Input(now)
	l.mu.Unlock()
	l.signal()
}

// RequestFull requests a flashing refresh of the whole panel, or a plain
// one on panels that do not flash.
func (l *Loop) RequestFull() {
	l.mu.Lock()
	l.sched.RequestFull()
	l.mu.Unlock()
	l.signal()
}

func (l *Loop) signal() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// Run sends damage to the panel until ctx is done. Before it returns it
// sends the last submitted frame and waits for the panel, so the panel
// never keeps a stale picture. That final step is bounded by the panel's
// own Wait.
func (l *Loop) Run(ctx context.Context) error {
	for {
		if l.panel.Busy() && l.hasHints() {
			if err := l.panel.Wait(ctx); err != nil {
				return l.Flush(context.WithoutCancel(ctx))
			}
		}
		next, err := l.Step(ctx)
		if err != nil {
			return err
		}
		var timer <-chan time.Time
		if !next.IsZero() {
			timer = l.clock.After(next.Sub(l.clock.Now()))
		}
		select {
		case <-ctx.Done():
			return l.Flush(context.WithoutCancel(ctx))
		case <-l.wake:
		case <-timer:
		}
	}
}

// Flush sends all pending damage at once, ignoring the rate limit, and
// waits until the panel is idle.
func (l *Loop) Flush(ctx context.Context) error {
	for l.hasHints() {
		if err := l.panel.Wait(ctx); err != nil {
			return err
		}
		l.mu.Lock()
		l.sched.Expedite()
		l.mu.Unlock()
		before := l.Stats().Refreshes
		if _, err := l.Step(ctx); err != nil {
			return err
		}
		if l.Stats().Refreshes == before {
			break
		}
	}
	return l.panel.Wait(ctx)
}

func (l *Loop) hasHints() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.hints) > 0
}

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
	for _, s := range sends {
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
		l.log.Debug("refresh", "rect", s.Rect, "mode", s.Mode, "clean", s.Clean)
		if err := l.panel.Refresh(l.out, s.Rect, s.Mode); err != nil {
			return fmt.Errorf("display: refresh %v in %v: %w", s.Rect, s.Mode, err)
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
