package sim

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/mobile/event/key"

	"github.com/einkterm/einkterm/display"
)

// Options configures a Sim. The zero value opens a window with a zoom
// that fits the screen.
type Options struct {
	// Zoom is the integer scale of panel pixels on screen, 1 to 16 and
	// at most what the X11 driver's window size limit allows. Zero with
	// a zero Shrink picks the largest zoom up to 4 at which the window
	// fits the screen or, for a panel larger than the screen, the
	// smallest Shrink that fits.
	Zoom int

	// Shrink, 2 to 8, shows each Shrink by Shrink block of panel pixels
	// as one window pixel, their average, for panels larger than the
	// screen. Zoom must then be 0 or 1. The model keeps every panel
	// pixel whatever the window shows.
	Shrink int

	// Rotation is the panel's mounting angle in degrees clockwise: 0,
	// 90, 180 or 270. The Sim works in native pixels, as a panel behind
	// display.Rotate does, and the window turns them upright.
	Rotation int

	// Overlay starts with refresh outlines shown; F12 toggles them.
	Overlay bool

	// Ghost sets the ghosting model; the zero value means its defaults.
	Ghost GhostOptions

	// Clock models refresh time; nil means display.SystemClock.
	Clock display.Clock

	// Logger receives a debug line per refresh, warnings for pastes
	// that failed and a warning when the window or the X connection is
	// lost. Nil means silent.
	Logger *slog.Logger
}

// maxAutoZoom caps the zoom picked to fit the screen, and maxZoom any
// zoom.
const (
	maxAutoZoom = 4
	maxZoom     = 16
)

// Sim is the simulator window: a display.Panel that models an e-paper
// panel's timing, flashing, ghosting, gray levels and alignment, and a
// display.Keyboard that sends what is typed into the window.
type Sim struct {
	info  display.Info
	clock display.Clock
	log   *slog.Logger
	x     *xConn
	win   *window
	input *inputQueue

	closeOnce sync.Once

	mu        sync.Mutex
	model     *Model
	keys      int
	asleep    bool
	closed    bool
	appCursor bool
	bracketed bool
	lostErr   error // set when the window went without Close, see Err

	// set by AttachSession
	modes       terminalModes
	fullRefresh func()
}

var (
	_ display.Panel    = (*Sim)(nil)
	_ display.Keyboard = (*Sim)(nil)
)

// New opens a simulator window for the panel info on the X display that
// $DISPLAY names. Under Wayland it needs XWayland.
func New(info display.Info, opts Options) (*Sim, error) {
	if opts.Clock == nil {
		opts.Clock = display.SystemClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}

	if opts.Zoom < 0 || opts.Zoom > maxZoom {
		return nil, fmt.Errorf("sim: zoom %d out of range: use 1 to 16, or 0 to fit the screen", opts.Zoom)
	}
	if opts.Shrink != 0 && (opts.Shrink < 2 || opts.Shrink > maxShrink || opts.Zoom > 1) {
		return nil, fmt.Errorf("sim: shrink %d with zoom %d is invalid: use a shrink of 2 to %d with zoom 0 or 1",
			opts.Shrink, opts.Zoom, maxShrink)
	}
	switch opts.Rotation {
	case 0, 90, 180, 270:
	default:
		return nil, fmt.Errorf("sim: rotation %d is not 0, 90, 180 or 270", opts.Rotation)
	}

	up := orientation{opts.Rotation, info.Width, info.Height}.size()
	if opts.Zoom != 0 || opts.Shrink != 0 {
		if err := checkScale(up, max(opts.Zoom, 1), max(opts.Shrink, 1)); err != nil {
			return nil, err
		}
	}

	x, err := dialX()
	if err != nil {
		return nil, fmt.Errorf("sim: cannot connect to the X display: %w; set DISPLAY or use --display record:DIR", err)
	}
	s := &Sim{
		info:  info,
		clock: opts.Clock,
		log:   opts.Logger,
		x:     x,
		input: newInputQueue(),
		model: NewModel(info, opts.Ghost),
	}

	zoom, shrink := max(opts.Zoom, 1), max(opts.Shrink, 1)
	if opts.Zoom == 0 && opts.Shrink == 0 {
		// NOTE: the X screen spans every monitor, so with several
		// monitors the zoom may not fit a single one.
		sw, sh := x.screenSize()
		zoom, shrink = fitScale(up, sw, sh)
	}
	if err := checkScale(up, zoom, shrink); err != nil {
		x.close()
		s.input.close()
		return nil, err
	}
	win, err := openWindow(info, zoom, shrink, opts.Rotation, opts.Overlay, x, opts.Clock, windowHooks{
		key:    s.typed,
		paste:  s.paste,
		status: s.status,
		closed: s.windowClosed,
		lost:   s.windowLost,
	})
	if err != nil {
		x.close()
		s.input.close()
		return nil, fmt.Errorf("sim: open window: %w", err)
	}
	s.win = win
	return s, nil
}

// Info returns the modelled panel.
func (s *Sim) Info() display.Info { return s.info }

// WindowID returns the X window id of the simulator window, for tools
// such as xdotool.
func (s *Sim) WindowID() uint32 { return uint32(s.x.window()) }

// Zoom returns the scale of panel pixels in the window, which follows
// the window's size when a window manager resizes it. It is 1 while
// Shrink is above 1.
func (s *Sim) Zoom() int { return int(s.win.zoom.Load()) }

// Shrink returns how many panel pixels a side one window pixel shows: 1
// unless the panel is shrunk to fit the screen or a small window.
func (s *Sim) Shrink() int { return int(s.win.shrink.Load()) }

// Refresh models a refresh of region r of f in mode m and shows it in
// the window as the panel would: after the running refresh, flashing for
// a flashing mode, with the ghost of earlier content after partials.
func (s *Sim) Refresh(f *display.Frame, r image.Rectangle, m display.Mode) error {
	s.mu.Lock()
	u, err := s.model.Refresh(f, r, m, s.clock.Now())
	s.mu.Unlock()
	if err != nil {
		return err
	}
	s.log.Debug("sim refresh", "rect", u.Rect, "mode", m, "flash", u.Spec.Flash,
		"bytes", u.Bytes, "busy", u.End.Sub(u.Start))
	s.win.show(u)
	return nil
}

// RefreshBatch models the regions rs of f as one refresh in mode m and
// shows them, sharing one waveform on a concurrent panel.
func (s *Sim) RefreshBatch(f *display.Frame, rs []image.Rectangle, m display.Mode) error {
	s.mu.Lock()
	ups, err := s.model.RefreshBatch(f, rs, m, s.clock.Now())
	s.mu.Unlock()
	for _, u := range ups {
		s.log.Debug("sim refresh", "rect", u.Rect, "mode", m, "flash", u.Spec.Flash,
			"bytes", u.Bytes, "busy", u.End.Sub(u.Start))
		s.win.show(u)
	}
	return err
}

// Wait blocks until the modelled refresh ends or ctx is done.
func (s *Sim) Wait(ctx context.Context) error {
	s.mu.Lock()
	d := s.model.BusyUntil().Sub(s.clock.Now())
	s.mu.Unlock()
	if d <= 0 {
		return nil
	}
	select {
	case <-s.clock.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Busy reports whether a modelled refresh runs.
func (s *Sim) Busy() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.model.Busy(s.clock.Now())
}

// Sleep marks the panel asleep in the status line.
func (s *Sim) Sleep() error { return s.setAsleep(true) }

// Wake marks the panel awake in the status line.
func (s *Sim) Wake() error { return s.setAsleep(false) }

func (s *Sim) setAsleep(on bool) error {
	s.mu.Lock()
	s.asleep = on
	s.mu.Unlock()
	s.win.sw.Send(statusEvent{})
	return nil
}

// Close closes the window and the Input channel.
func (s *Sim) Close() error {
	s.mu.Lock()
	closed := s.closed
	s.closed = true
	s.mu.Unlock()
	if closed {
		return nil
	}
	s.win.close()
	s.x.close()
	s.input.close()
	return nil
}

// Input returns the bytes typed into the window, encoded as a terminal
// sends them. The channel is closed when the window is closed, by the
// user or by Close.
func (s *Sim) Input() <-chan []byte { return s.input.out }

// LogInput counts a key that reached the session, for the status line.
func (s *Sim) LogInput(kind string) {
	s.mu.Lock()
	s.keys++
	s.mu.Unlock()
}

// SetAppCursor sets the DECCKM cursor-key mode the terminal is in, which
// changes what the arrow, Home and End keys send.
func (s *Sim) SetAppCursor(on bool) {
	s.mu.Lock()
	s.appCursor = on
	s.mu.Unlock()
}

// SetBracketedPaste sets whether the terminal asked for pastes to be
// bracketed (DECSET 2004).
func (s *Sim) SetBracketedPaste(on bool) {
	s.mu.Lock()
	s.bracketed = on
	s.mu.Unlock()
}

// Stats returns the refresh counts so far.
func (s *Sim) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.model.Stats()
}

// Visible returns what the modelled panel shows in r once every refresh
// so far has ended, as 8-bit luminance.
func (s *Sim) Visible(r image.Rectangle) *image.Gray {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.model.Visible(r)
}

// Drawn blocks until the window shows the result of every refresh sent
// so far, or the window has closed, or ctx is done.
func (s *Sim) Drawn(ctx context.Context) error {
	want := s.win.queued.Load()
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for s.win.drawn.Load() < want {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.win.stop:
			return nil
		case <-t.C:
		}
	}
	return nil
}

// Shown returns the refresh phases the window drew, oldest first; the
// oldest are dropped after a few thousand.
func (s *Sim) Shown() []ShownPhase { return s.win.shown() }

// typed encodes a key press from the window for the session.
func (s *Sim) typed(e key.Event) {
	if isFullRefreshChord(e) {
		s.mu.Lock()
		full := s.fullRefresh
		s.mu.Unlock()
		if full != nil {
			s.log.Info("full refresh requested from the keyboard")
			full()
			return
		}
	}
	app, _ := s.keyModes()
	if b := encodeKey(e, app); len(b) > 0 {
		s.input.push(b)
	}
}

// paste reads an X selection without blocking the window and sends it
// to the session.
func (s *Sim) paste(selection string) {
	go func() {
		text, err := s.x.readSelection(selection, 2*time.Second)
		if err != nil {
			s.log.Warn("paste failed", "selection", selection, "err", err)
			return
		}
		_, bracketed := s.keyModes()
		if b := encodePaste(text, bracketed); len(b) > 0 {
			s.input.push(b)
		}
	}()
}

// Errors that Err returns once the window has gone without Close.
var (
	// ErrWindowDestroyed means another X client destroyed the window or
	// its connection, as xdotool windowkill and xkill do.
	ErrWindowDestroyed = errors.New("sim: simulator window destroyed by another X client")

	// ErrDisplayLost means the connection to the X server broke, as
	// when the server exits.
	ErrDisplayLost = errors.New("sim: X connection lost")
)

// Err returns why the window went away: nil while it is open, after
// Close, or when the user closed it from the window manager, else
// ErrWindowDestroyed or ErrDisplayLost. Input closes in every case.
func (s *Sim) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lostErr
}

// windowClosed ends the session when the user closes the window.
func (s *Sim) windowClosed() {
	s.closeOnce.Do(func() {
		s.log.Info("simulator window closed")
		s.input.close()
	})
}

// windowLost ends the session when the window or the X connection is
// gone without Close. It logs a warning, so that the reason shows at the
// default log level, even when shiny reported the window closed first.
func (s *Sim) windowLost(reason error) {
	s.mu.Lock()
	closed := s.closed
	if !closed {
		s.lostErr = reason
	}
	s.mu.Unlock()
	if closed {
		return
	}
	s.log.Warn("simulator window closed", "err", reason)
	s.closeOnce.Do(s.input.close)
}

// status returns the status line: panel, refresh counts per mode,
// flashes, the last mode, keys that reached the session and the busy
// state.
func (s *Sim) status(zoom string, overlay bool) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.model.Stats()
	var b strings.Builder
	fmt.Fprintf(&b, "%s x%s  refreshes %d", s.info.Name, zoom, st.Refreshes)
	if len(st.PerMode) > 0 {
		b.WriteString(" (" + modeCounts(st.PerMode) + ")")
	}
	fmt.Fprintf(&b, "  flashes %d  mode %v", st.Flashes, st.LastMode)
	if s.keys > 0 {
		fmt.Fprintf(&b, "  keys %d", s.keys)
	}
	if st.Misaligned > 0 {
		fmt.Fprintf(&b, "  misaligned %d", st.Misaligned)
	}
	if s.model.Busy(s.clock.Now()) {
		b.WriteString("  busy")
	}
	if s.asleep {
		b.WriteString("  asleep")
	}
	if overlay {
		b.WriteString("  [F12 outlines]")
	}
	return b.String()
}

func modeCounts(per map[display.Mode]int) string {
	var parts []string
	for m, n := range per {
		parts = append(parts, fmt.Sprintf("%v %d", m, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}
