package eink

import (
	"context"
	"errors"
	"image"
	"log/slog"
	"time"

	"github.com/einkterm/einkterm/display"
)

// ResilientOptions configures NewResilient. Zero values mean the system
// clock, no logging, and a backoff from 1 s up to 1 min.
type ResilientOptions struct {
	Clock      display.Clock
	Logger     *slog.Logger
	MinBackoff time.Duration
	MaxBackoff time.Duration
}

// Resilient wraps a panel so that a panel fault does not end the
// session. A refresh that fails with ErrBusy or ErrIO is logged, its
// frame kept, and retried with the regions that arrive meanwhile after a
// backoff that doubles up to MaxBackoff. Other errors, such as a frame
// of the wrong size, are returned. It is not safe for concurrent use.
type Resilient struct {
	panel display.Panel
	opts  ResilientOptions
	log   *slog.Logger

	backoff  time.Duration
	retryAt  time.Time
	frame    *display.Frame // copy of the frame of a failed refresh
	rect     image.Rectangle
	mode     display.Mode
	failures int
}

var _ display.Panel = (*Resilient)(nil)

// NewResilient returns p wrapped.
func NewResilient(p display.Panel, opts ResilientOptions) *Resilient {
	if opts.Clock == nil {
		opts.Clock = display.SystemClock{}
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = time.Minute
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Resilient{panel: p, opts: opts, log: log}
}

// Retryable reports whether err is a panel fault that a retry may cure.
func Retryable(err error) bool {
	return errors.Is(err, ErrBusy) || errors.Is(err, ErrIO)
}

// Info returns the wrapped panel's Info.
func (r *Resilient) Info() display.Info { return r.panel.Info() }

// Failures returns the number of failed attempts since the last success.
func (r *Resilient) Failures() int { return r.failures }

// Refresh sends the region, or while a failed one waits for its retry,
// adds it to the one retried.
func (r *Resilient) Refresh(f *display.Frame, rect image.Rectangle, m display.Mode) error {
	if r.frame != nil {
		r.frame = f.Clone()
		r.rect = r.rect.Union(rect)
		r.mode = r.costlier(r.mode, m)
		if r.opts.Clock.Now().Before(r.retryAt) {
			return nil
		}
		return r.retry()
	}
	return r.try(f, []image.Rectangle{rect}, m)
}

// RefreshBatch sends the regions rects together, as the wrapped panel
// takes them. While a failed refresh waits for its retry, they are added
// to the region retried.
func (r *Resilient) RefreshBatch(f *display.Frame, rects []image.Rectangle, m display.Mode) error {
	if r.frame != nil {
		return r.Refresh(f, union(rects), m)
	}
	return r.try(f, rects, m)
}

func (r *Resilient) try(f *display.Frame, rects []image.Rectangle, m display.Mode) error {
	err := display.RefreshBatch(r.panel, f, rects, m)
	switch {
	case err == nil:
		if r.failures > 0 {
			r.log.Info("eink: panel recovered", "failures", r.failures)
		}
		r.failures, r.backoff, r.frame = 0, 0, nil
		return nil
	case !Retryable(err):
		return err
	}
	r.fail(f, union(rects), m, err)
	return nil
}

// union returns the smallest rectangle that contains rects.
func union(rects []image.Rectangle) image.Rectangle {
	var u image.Rectangle
	for _, r := range rects {
		u = u.Union(r)
	}
	return u
}

func (r *Resilient) retry() error {
	f, rect, m := r.frame, r.rect, r.mode
	r.frame = nil
	return r.try(f, []image.Rectangle{rect}, m)
}

func (r *Resilient) fail(f *display.Frame, rect image.Rectangle, m display.Mode, err error) {
	r.failures++
	r.backoff = min(max(2*r.backoff, r.opts.MinBackoff), r.opts.MaxBackoff)
	r.retryAt = r.opts.Clock.Now().Add(r.backoff)
	r.frame, r.rect, r.mode = f.Clone(), rect, m
	r.log.Warn("eink: refresh failed, will retry", "err", err,
		"failures", r.failures, "retry_in", r.backoff)
}

// costlier returns the mode whose waveform takes longer, so that a retry
// that merges a cleaning refresh still cleans.
func (r *Resilient) costlier(a, b display.Mode) display.Mode {
	info := r.panel.Info()
	sa, _ := info.Spec(a)
	sb, _ := info.Spec(b)
	if sb.Fixed > sa.Fixed {
		return b
	}
	return a
}

// Wait waits for the panel, or for a pending retry and then runs it.
// Panel faults are logged, not returned.
func (r *Resilient) Wait(ctx context.Context) error {
	if r.frame != nil {
		if err := Sleep(ctx, r.opts.Clock, r.retryAt.Sub(r.opts.Clock.Now())); err != nil {
			return err
		}
		return r.retry()
	}
	err := r.panel.Wait(ctx)
	if err != nil && Retryable(err) {
		r.failures++
		r.log.Warn("eink: waiting for the panel failed", "err", err, "failures", r.failures)
		return nil
	}
	return err
}

// BusyUntil returns when a pending retry runs, or the wrapped panel's
// BusyUntil when it has one, else the zero time.
func (r *Resilient) BusyUntil() time.Time {
	if r.frame != nil {
		return r.retryAt
	}
	if b, ok := r.panel.(interface{ BusyUntil() time.Time }); ok {
		return b.BusyUntil()
	}
	return time.Time{}
}

// Busy reports whether the panel is busy or a retry is pending.
func (r *Resilient) Busy() bool { return r.frame != nil || r.panel.Busy() }

// Sleep puts the wrapped panel to sleep.
func (r *Resilient) Sleep() error { return r.panel.Sleep() }

// Wake wakes the wrapped panel.
func (r *Resilient) Wake() error { return r.panel.Wake() }

// Close tries a pending refresh once more, so that the panel shows the
// last frame, then closes the wrapped panel.
func (r *Resilient) Close() error {
	var err error
	if r.frame != nil {
		f, rect, m := r.frame, r.rect, r.mode
		r.frame = nil
		err = r.panel.Refresh(f, rect, m)
		if err == nil {
			err = r.panel.Wait(context.Background())
		}
	}
	if cerr := r.panel.Close(); err == nil {
		err = cerr
	}
	return err
}
