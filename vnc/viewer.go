package vnc

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/einkterm/einkterm/display"
)

// Sink takes rendered frames: display.Loop is one.
type Sink interface {
	Submit(f *display.Frame, damage []display.Damage)
}

// ViewerOptions configures a Viewer.
type ViewerOptions struct {
	View ViewOptions

	// Ready blocks until the panel can take another refresh, or ctx is
	// done. The viewer asks the server for the next update only after
	// Ready returns, so a busy desktop sends no more than the panel can
	// show. Nil means no wait.
	Ready func(ctx context.Context) error

	// Refreshes returns how many refreshes the sink has sent to the
	// panel, as display.Loop's Stats does. When set, the viewer waits
	// after an update that changed the picture until the sink has
	// started a refresh for it, then calls Ready: a refresh loop may
	// hold damage back while the panel is idle. Nil skips that wait.
	Refreshes func() int

	// CutText receives the server's clipboard text; nil drops it.
	CutText func(text string)

	// FullRefresh is called for the full-refresh key command; nil means
	// the command does nothing.
	FullRefresh func()

	// Initial is the picture the viewer starts from, such as an earlier
	// connection's last frame, so that a reconnect keeps it on the panel
	// until the server's first update replaces it. Nil, or a frame of
	// another size or depth than the panel, starts from white.
	Initial *display.Frame

	// Logger receives viewer events; nil means silent.
	Logger *slog.Logger
}

// Stats counts a viewer's traffic.
type Stats struct {
	Requests int64 // FramebufferUpdateRequests sent
	Updates  int64 // FramebufferUpdates received
	Rects    int64 // rectangles in those updates
}

// Viewer shows a Client's desktop on a panel: it renders each update
// into a panel frame, hands the frame to a Sink, and paces update
// requests to the panel.
type Viewer struct {
	c     *Client
	view  *View
	frame *display.Frame
	sink  Sink
	opts  ViewerOptions
	log   *slog.Logger
	cmds  chan func() bool

	requests, updates, rects atomic.Int64

	imu     sync.Mutex
	pending []byte // an unfinished UTF-8 sequence of typed bytes
	prefix  bool   // the command key was pressed
}

// CommandKey is the byte (Ctrl-]) that starts a viewer command in typed
// input; the next key selects it. Typed twice it sends Ctrl-] itself.
const CommandKey = 0x1d

// ErrQuit is returned by Run after the quit command.
var ErrQuit = errors.New("vnc: viewer quit by the user")

// NewViewer returns a viewer of c on a panel described by info.
func NewViewer(c *Client, info display.Info, sink Sink, opts ViewerOptions) (*Viewer, error) {
	w, h := c.Size()
	view, err := NewView(info, image.Pt(w, h), opts.View)
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	frame := display.NewFrame(info.Width, info.Height, info.Depth)
	if i := opts.Initial; i != nil && i.Width == frame.Width && i.Height == frame.Height && i.Depth == frame.Depth {
		frame.CopyRect(i, frame.Bounds())
		// The earlier desktop may have had another size, so the bars
		// around this one could still show it: they start white.
		clearOutside(frame, view.PanelRect(image.Rect(0, 0, w, h)))
	}
	return &Viewer{
		c:     c,
		view:  view,
		frame: frame,
		sink:  sink,
		opts:  opts,
		log:   log,
		cmds:  make(chan func() bool, 16),
	}, nil
}

// clearOutside makes every pixel of frame outside r white.
func clearOutside(frame *display.Frame, r image.Rectangle) {
	b := frame.Bounds()
	r = r.Intersect(b)
	if r.Empty() {
		frame.Fill(frame.White())
		return
	}
	for _, bar := range []image.Rectangle{
		image.Rect(b.Min.X, b.Min.Y, b.Max.X, r.Min.Y),
		image.Rect(b.Min.X, r.Max.Y, b.Max.X, b.Max.Y),
		image.Rect(b.Min.X, r.Min.Y, r.Min.X, r.Max.Y),
		image.Rect(r.Max.X, r.Min.Y, b.Max.X, r.Max.Y),
	} {
		if !bar.Empty() {
			frame.FillRect(bar, frame.White())
		}
	}
}

// Stats returns the viewer's counters.
func (v *Viewer) Stats() Stats {
	return Stats{Requests: v.requests.Load(), Updates: v.updates.Load(), Rects: v.rects.Load()}
}

// Frame returns the viewer's panel frame. Only call it after Run has
// returned.
func (v *Viewer) Frame() *display.Frame { return v.frame }

// Run shows the desktop until ctx is done, the server closes the
// connection, or the user quits. It keeps at most one update request
// outstanding, and sends the next only when Ready returns.
func (v *Viewer) Run(ctx context.Context) error {
	// The panel may still show an earlier connection's desktop, or a
	// status line over it: start from the viewer's own frame everywhere.
	v.sink.Submit(v.frame, []display.Damage{{Kind: display.Changed, Rect: v.frame.Bounds()}})
	if err := v.request(false); err != nil {
		return err
	}
	// outstanding: a request has no update yet. waiting: a goroutine
	// waits for the panel. An update the server sends unasked starts no
	// second wait and no second request.
	outstanding, waiting, needFull := true, false, false
	ready := make(chan error, 1)
	stop := make(chan struct{})
	defer close(stop)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-v.c.Done():
			return fmt.Errorf("vnc: connection to the server lost: %w", v.c.Err())
		case m := <-v.c.Messages():
			switch m := m.(type) {
			case *Update:
				v.log.Debug("vnc: update", "rects", len(m.Rects), "resized", m.Resized, "size", m.Size)
				outstanding = false
				needFull = needFull || m.Resized
				before, changed := v.show(m)
				if !waiting {
					waiting = true
					go func() {
						err := v.waitReady(ctx, before, changed)
						select {
						case ready <- err:
						case <-stop:
						}
					}()
				}
			case *CutText:
				v.log.Debug("vnc: server clipboard changed", "bytes", len(m.Text), "truncated", m.Truncated)
				if v.opts.CutText != nil {
					v.opts.CutText(m.Text)
				}
			case *Bell:
				v.log.Debug("vnc: bell")
			}
		case err := <-ready:
			waiting = false
			if err != nil {
				return err
			}
			if outstanding {
				continue
			}
			if err := v.request(!needFull); err != nil {
				return err
			}
			outstanding, needFull = true, false
		case cmd := <-v.cmds:
			if cmd() {
				return ErrQuit
			}
		}
	}
}

// maxRefreshWait bounds the wait for the sink to start a refresh for an
// update, in case it finds nothing to show after all.
const maxRefreshWait = 3 * time.Second

// refreshPoll is how often the viewer checks whether the sink has
// started a refresh; the loop offers no notification.
const refreshPoll = 10 * time.Millisecond

// waitReady returns when the panel can take more: after the sink has
// started a refresh beyond before, when the update changed the picture,
// and then after Ready.
func (v *Viewer) waitReady(ctx context.Context, before int, changed bool) error {
	if changed && v.opts.Refreshes != nil {
		deadline := time.Now().Add(maxRefreshWait)
		t := time.NewTicker(refreshPoll)
		for v.opts.Refreshes() <= before && time.Now().Before(deadline) {
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
		t.Stop()
	}
	if v.opts.Ready == nil {
		return nil
	}
	return v.opts.Ready(ctx)
}

func (v *Viewer) request(incremental bool) error {
	v.requests.Add(1)
	v.log.Debug("vnc: update request", "incremental", incremental)
	if err := v.c.RequestUpdate(incremental); err != nil {
		// A reader that met a bad message closes the connection, and
		// its error names the cause where this write's does not.
		select {
		case <-v.c.Done():
			return fmt.Errorf("vnc: connection to the server lost: %w", v.c.Err())
		case <-time.After(100 * time.Millisecond):
		}
		return fmt.Errorf("vnc: connection to the server lost: sending update request: %w", err)
	}
	return nil
}

// show renders an update into the frame and submits its damage. It
// returns the sink's refresh count from before the submit, and whether
// any panel pixel changed.
func (v *Viewer) show(u *Update) (before int, changed bool) {
	v.updates.Add(1)
	v.rects.Add(int64(len(u.Rects)))
	var damage []display.Damage
	v.c.Framebuffer(func(fb *image.Gray) {
		if u.Resized {
			v.view.SetRemoteSize(fb.Rect.Size())
			damage = v.view.RenderAll(fb, v.frame)
			return
		}
		damage = v.view.Render(fb, u.Rects, v.frame)
	})
	if len(damage) == 0 {
		return 0, false
	}
	if v.opts.Refreshes != nil {
		before = v.opts.Refreshes()
	}
	v.sink.Submit(v.frame, damage)
	return before, true
}

// redraw renders the whole panel, after the view changed.
func (v *Viewer) redraw() {
	var damage []display.Damage
	v.c.Framebuffer(func(fb *image.Gray) {
		damage = v.view.RenderAll(fb, v.frame)
	})
	if len(damage) > 0 {
		v.sink.Submit(v.frame, damage)
	}
}
