package vnc

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"sync"
	"sync/atomic"

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

	// CutText receives the server's clipboard text; nil drops it.
	CutText func(text string)

	// FullRefresh is called for the full-refresh key command; nil means
	// the command does nothing.
	FullRefresh func()

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
	return &Viewer{
		c:     c,
		view:  view,
		frame: display.NewFrame(info.Width, info.Height, info.Depth),
		sink:  sink,
		opts:  opts,
		log:   log,
		cmds:  make(chan func() bool, 16),
	}, nil
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
	if err := v.request(false); err != nil {
		return err
	}
	ready := make(chan error, 1)
	needFull := false
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-v.c.Done():
			return fmt.Errorf("vnc: connection to the server lost: %w", v.c.Err())
		case m := <-v.c.Messages():
			switch m := m.(type) {
			case *Update:
				needFull = needFull || m.Resized
				v.show(m)
				go func() { ready <- v.waitReady(ctx) }()
			case *CutText:
				v.log.Debug("vnc: server clipboard changed", "bytes", len(m.Text), "truncated", m.Truncated)
				if v.opts.CutText != nil {
					v.opts.CutText(m.Text)
				}
			case *Bell:
				v.log.Debug("vnc: bell")
			}
		case err := <-ready:
			if err != nil {
				return err
			}
			if err := v.request(!needFull); err != nil {
				return err
			}
			needFull = false
		case cmd := <-v.cmds:
			if cmd() {
				return ErrQuit
			}
		}
	}
}

func (v *Viewer) waitReady(ctx context.Context) error {
	if v.opts.Ready == nil {
		return nil
	}
	return v.opts.Ready(ctx)
}

func (v *Viewer) request(incremental bool) error {
	v.requests.Add(1)
	if err := v.c.RequestUpdate(incremental); err != nil {
		return fmt.Errorf("vnc: connection to the server lost: sending update request: %w", err)
	}
	return nil
}

// show renders an update into the frame and submits its damage.
func (v *Viewer) show(u *Update) {
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
	if len(damage) > 0 {
		v.sink.Submit(v.frame, damage)
	}
}

// redraw renders the whole panel, after the view changed.
func (v *Viewer) redraw() {
	var damage []display.Damage
	v.c.Framebuffer(func(fb *image.Gray) {
		damage = v.view.RenderAll(fb, v.frame)
	})
	v.sink.Submit(v.frame, damage)
}
