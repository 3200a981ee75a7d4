package display

import (
	"context"
	"fmt"
	"image"
	"log/slog"
	"sync"
)

// Loop carries frames from a source to a panel. The source draws into
// its own frame and calls Submit with the damage; Run sends what changed
// to the panel, one refresh at a time, gathering the damage that arrives
// while the panel is busy into the next refresh.
//
// NOTE: this first policy sends the bounding box of all damage in the
// fastest mode and never cleans ghosts.
type Loop struct {
	panel Panel
	info  Info
	log   *slog.Logger

	mu      sync.Mutex
	pending *Frame          // the newest frame from the source
	damage  image.Rectangle // where pending may differ from shown
	full    bool            // a full refresh was requested
	wake    chan struct{}

	shown *Frame // what the panel shows; only Run touches it
}

// LoopOptions configures a Loop.
type LoopOptions struct {
	// Logger receives debug lines for each refresh; nil means silent.
	Logger *slog.Logger
}

// NewLoop returns a loop for panel p, starting from a white frame.
func NewLoop(p Panel, opts LoopOptions) *Loop {
	info := p.Info()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Loop{
		panel:   p,
		info:    info,
		log:     log,
		pending: NewFrame(info.Width, info.Height, info.Depth),
		shown:   NewFrame(info.Width, info.Height, info.Depth),
		wake:    make(chan struct{}, 1),
	}
}

// Info returns the panel's info.
func (l *Loop) Info() Info { return l.info }

// Submit copies the damaged regions of f into the loop's pending frame.
// f must have the panel's size and depth.
func (l *Loop) Submit(f *Frame, damage []Damage) {
	l.mu.Lock()
	for _, d := range damage {
		l.pending.CopyRect(f, d.Rect)
		l.damage = l.damage.Union(d.Rect.Intersect(l.info.Bounds()))
	}
	l.mu.Unlock()
	l.signal()
}

// RequestFull asks for a flashing refresh of the whole panel.
func (l *Loop) RequestFull() {
	l.mu.Lock()
	l.full = true
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
// never keeps a stale picture; that final step is bounded by the panel's
// own Wait.
func (l *Loop) Run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return l.Flush(context.WithoutCancel(ctx))
		case <-l.wake:
		}
		if err := l.panel.Wait(ctx); err != nil {
			return l.Flush(context.WithoutCancel(ctx))
		}
		if err := l.step(); err != nil {
			return err
		}
	}
}

// Flush sends all pending damage and waits until the panel is idle.
func (l *Loop) Flush(ctx context.Context) error {
	if err := l.panel.Wait(ctx); err != nil {
		return err
	}
	if err := l.step(); err != nil {
		return err
	}
	return l.panel.Wait(ctx)
}

// step sends one refresh for the pending damage, if any pixel changed.
func (l *Loop) step() error {
	l.mu.Lock()
	rect, full := l.damage, l.full
	l.damage, l.full = image.Rectangle{}, false
	if full {
		rect = l.info.Bounds()
	}
	if !full {
		rect = changedBounds(l.shown, l.pending, rect)
	}
	if rect.Empty() {
		l.mu.Unlock()
		return nil
	}
	mode := l.info.FastMode(2)
	if full {
		if clean, ok := l.info.CleanMode(); ok {
			mode = clean
		}
	}
	rect = AlignRect(rect, l.info, mode.Mode)
	l.shown.CopyRect(l.pending, rect)
	l.mu.Unlock()

	l.log.Debug("refresh", "rect", rect, "mode", mode.Mode)
	if err := l.panel.Refresh(l.shown, rect, mode.Mode); err != nil {
		return fmt.Errorf("display: refresh %v in %v: %w", rect, mode.Mode, err)
	}
	return nil
}

// changedBounds returns the bounding box of the pixels inside r that
// differ between a and b, compared a byte at a time.
func changedBounds(a, b *Frame, r image.Rectangle) image.Rectangle {
	r = r.Intersect(a.Bounds())
	if r.Empty() {
		return image.Rectangle{}
	}
	ppb := 8 / a.Depth
	b0 := r.Min.X / ppb
	b1 := (r.Max.X + ppb - 1) / ppb
	var out image.Rectangle
	for y := r.Min.Y; y < r.Max.Y; y++ {
		o := y * a.Stride
		ra, rb := a.Pix[o+b0:o+b1], b.Pix[o+b0:o+b1]
		lo, hi := -1, -1
		for i := range ra {
			if ra[i] != rb[i] {
				if lo < 0 {
					lo = i
				}
				hi = i
			}
		}
		if lo < 0 {
			continue
		}
		row := image.Rect((b0+lo)*ppb, y, (b0+hi+1)*ppb, y+1)
		out = out.Union(row.Intersect(r))
	}
	return out
}
