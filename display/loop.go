package display

import (
	"context"
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

// SetFocus sets the area that the user looks at, such as the cursor cell
// (see Scheduler.Focus).
func (l *Loop) SetFocus(r image.Rectangle) {
	l.mu.Lock()
	l.sched.Focus(r)
	l.mu.Unlock()
}

// Flush sends all pending damage at once, ignoring the rate limit and
// MergeCap, and waits until the panel is idle. The loop is meant to
// stop after it: later refreshes ignore MergeCap too.
func (l *Loop) Flush(ctx context.Context) error {
	l.mu.Lock()
	l.sched.Finish()
	l.mu.Unlock()
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

// hasHints reports whether damage or a full refresh waits to be sent.
func (l *Loop) hasHints() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.hints) > 0 || l.sched.FullPending()
}
