package sim

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/exp/shiny/driver/x11driver"
	"golang.org/x/exp/shiny/screen"
	"golang.org/x/mobile/event/key"
	"golang.org/x/mobile/event/lifecycle"
	"golang.org/x/mobile/event/mouse"
	"golang.org/x/mobile/event/paint"
	"golang.org/x/mobile/event/size"

	"github.com/einkterm/einkterm/display"
)

// windowHooks are the window's callbacks into its Sim.
type windowHooks struct {
	key    func(e key.Event) // a key press that the window does not handle
	paste  func(selection string)
	status func(zoom string, overlay bool) string // the status line text for a zoom such as "2" or "1/2"
	closed func()                                 // the user closed the window
	lost   func(reason error)                     // another client destroyed the window, or the X connection broke
}

// window is the shiny window of a Sim. One goroutine owns the window and
// its canvas and handles every event. A second one plays the phases of
// each refresh at their times and sends them to the first.
type window struct {
	clock  display.Clock
	hooks  windowHooks
	x      *xConn
	canvas *canvas

	scr screen.Screen
	sw  screen.Window
	buf screen.Buffer

	zoom    atomic.Int64 // the canvas's zoom, for other goroutines
	shrink  atomic.Int64 // the canvas's shrink, for other goroutines
	winSize image.Point  // the window's size as last configured

	updates chan Update
	stop    chan struct{} // closed when the window closes, see end
	endOnce sync.Once
	done    chan struct{} // closed after the event goroutine released the window
	gone    atomic.Bool   // the window was destroyed by someone else
	overlay atomic.Bool

	queued atomic.Uint64 // updates sent to the player
	drawn  atomic.Uint64 // updates whose image is on screen

	logMu sync.Mutex
	log   []ShownPhase
}

// ShownPhase is one phase of a refresh as the window drew it.
type ShownPhase struct {
	Kind PhaseKind
	Rect image.Rectangle
	Mode display.Mode
	At   time.Time // wall time of drawing
}

// maxShownLog is how many drawn phases the window remembers.
const maxShownLog = 4096

// event types sent to the window's own event goroutine
type (
	phaseEvent struct {
		u     Update
		phase int
	}
	expireEvent struct{}
	closeEvent  struct{}
	statusEvent struct{}
)

var windowCount atomic.Int64

// openWindow opens the window for a panel of info's size at zoom, or at
// 1/shrink when shrink is above 1, and starts its goroutines.
func openWindow(info display.Info, zoom, shrink, rotation int, overlay bool, x *xConn, clock display.Clock, hooks windowHooks) (*window, error) {
	w := &window{
		clock:   clock,
		hooks:   hooks,
		x:       x,
		canvas:  newCanvas(info, zoom, rotation),
		updates: make(chan Update, 256),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	w.canvas.shrink = shrink
	w.overlay.Store(overlay)
	w.zoom.Store(int64(zoom))
	w.shrink.Store(int64(shrink))

	// A title no other window has, so that the second X connection can
	// find the window that shiny created.
	tag := fmt.Sprintf("einkterm sim %d.%d", os.Getpid(), windowCount.Add(1))
	ready := make(chan error, 1)
	go x11driver.Main(func(s screen.Screen) {
		if err := w.create(s, tag); err != nil {
			ready <- err
			return
		}
		ready <- nil
		w.run()
	})
	if err := <-ready; err != nil {
		return nil, err
	}

	if err := x.attach(tag, 5*time.Second); err != nil {
		w.close()
		return nil, err
	}
	go w.watchGone()
	go w.play()
	w.sw.Send(statusEvent{})
	return w, nil
}

// create makes the window and its pixel buffer, drawn white.
func (w *window) create(s screen.Screen, title string) error {
	size := w.canvas.size()
	sw, err := s.NewWindow(&screen.NewWindowOptions{Width: size.X, Height: size.Y, Title: title})
	if err != nil {
		return err
	}
	buf, err := s.NewBuffer(size)
	if err != nil {
		sw.Release()
		return err
	}
	w.scr, w.sw, w.buf = s, sw, buf
	w.winSize = size
	w.canvas.drawPanel(buf.RGBA(), w.canvas.shown.Bounds())
	w.canvas.status = w.statusText()
	w.canvas.drawStatus(buf.RGBA())
	w.upload(buf.Bounds())
	return nil
}

// run handles the window's events until it closes.
func (w *window) run() {
	defer close(w.done)
	defer w.release()
	defer w.end()
	for {
		switch e := w.sw.NextEvent().(type) {
		case phaseEvent:
			w.drawPhase(e)
		case expireEvent:
			w.upload(w.canvas.expireOverlays(w.buf.RGBA(), time.Now())...)
			w.upload(w.canvas.drawOverlays(w.buf.RGBA())...)
		case statusEvent:
			w.drawStatus()
		case key.Event:
			w.handleKey(e)
		case mouse.Event:
			if e.Button == mouse.ButtonMiddle && e.Direction == mouse.DirPress {
				w.hooks.paste("PRIMARY")
			}
		case paint.Event:
			w.repaint()
		case size.Event:
			w.resize(e.Size())
		case lifecycle.Event:
			if e.To == lifecycle.StageDead {
				w.hooks.closed()
				return
			}
		case closeEvent:
			return
		}
	}
}

// background is the colour of the window outside the panel and status
// line, where a window manager made the window larger.
var background = color.RGBA{R: 90, G: 90, B: 90, A: 255}

// repaint uploads the canvas and fills the window around it.
func (w *window) repaint() {
	c := w.canvas.size()
	win := w.winSize
	w.sw.Fill(image.Rect(c.X, 0, max(c.X, win.X), win.Y), background, draw.Src)
	w.sw.Fill(image.Rect(0, c.Y, c.X, max(c.Y, win.Y)), background, draw.Src)
	w.upload(w.buf.Bounds())
}

// resize picks the largest zoom at which the panel fits a window of the
// new size, or the smallest shrink, and redraws at that scale when it
// changed.
func (w *window) resize(px image.Point) {
	w.winSize = px
	z, d := resizeScale(w.canvas.turn.size(), px)
	if z == w.canvas.zoom && d == w.canvas.shrink {
		w.repaint()
		return
	}
	oldZoom, oldShrink := w.canvas.zoom, w.canvas.shrink
	w.canvas.zoom, w.canvas.shrink = z, d
	buf, err := w.scr.NewBuffer(w.canvas.size())
	if err != nil {
		w.canvas.zoom, w.canvas.shrink = oldZoom, oldShrink
		return
	}
	w.buf.Release()
	w.buf = buf
	w.zoom.Store(int64(z))
	w.shrink.Store(int64(d))
	w.canvas.overlays = nil
	w.canvas.drawPanel(buf.RGBA(), w.canvas.shown.Bounds())
	w.drawStatus()
	w.repaint()
}

// handleKey takes the simulator's own keys and passes the rest on.
func (w *window) handleKey(e key.Event) {
	if e.Direction == key.DirRelease {
		return
	}
	shift := e.Modifiers == key.ModShift
	ctrlShift := e.Modifiers == key.ModControl|key.ModShift
	switch {
	case e.Code == key.CodeF12 && e.Modifiers == 0:
		w.overlay.Store(!w.overlay.Load())
		w.drawStatus()
	case e.Code == key.CodeInsert && shift, e.Code == key.CodeV && ctrlShift:
		w.hooks.paste("CLIPBOARD")
	default:
		w.hooks.key(e)
	}
}

// drawPhase shows one phase of a refresh.
func (w *window) drawPhase(e phaseEvent) {
	kind := e.u.Phases[e.phase].Kind
	dst := w.buf.RGBA()
	w.canvas.applyPhase(e.u, kind)
	rects := []image.Rectangle{w.canvas.drawPanel(dst, e.u.Rect)}
	if e.phase == 0 && w.overlay.Load() {
		w.canvas.addOverlay(e.u.Rect, e.u.Spec.Mode, time.Now().Add(overlayTime))
		time.AfterFunc(overlayTime, func() { w.sw.Send(expireEvent{}) })
	}
	rects = append(rects, w.canvas.drawOverlays(dst)...)
	last := e.phase == len(e.u.Phases)-1
	if e.phase == 0 || last {
		w.canvas.status = w.statusText()
		rects = append(rects, w.canvas.drawStatus(dst))
	}
	w.upload(rects...)
	w.record(ShownPhase{Kind: kind, Rect: e.u.Rect, Mode: e.u.Spec.Mode, At: time.Now()})
	if e.phase == 0 || last {
		w.x.setTitle("einkterm sim: " + w.canvas.status)
	}
	if last {
		w.drawn.Add(1)
	}
}

// statusText returns the status line for the canvas's scale.
func (w *window) statusText() string {
	return w.hooks.status(zoomText(w.canvas.zoom, w.canvas.shrink), w.overlay.Load())
}

func (w *window) drawStatus() {
	w.canvas.status = w.statusText()
	w.upload(w.canvas.drawStatus(w.buf.RGBA()))
	w.x.setTitle("einkterm sim: " + w.canvas.status)
}

// upload copies the union of rects from the buffer to the window.
func (w *window) upload(rects ...image.Rectangle) {
	var u image.Rectangle
	for _, r := range rects {
		u = u.Union(r)
	}
	u = u.Intersect(w.buf.Bounds())
	if u.Empty() {
		return
	}
	w.sw.Upload(u.Min, w.buf, u)
	w.sw.Publish()
}

func (w *window) record(p ShownPhase) {
	w.logMu.Lock()
	defer w.logMu.Unlock()
	if len(w.log) >= maxShownLog {
		w.log = append(w.log[:0], w.log[len(w.log)/2:]...)
	}
	w.log = append(w.log, p)
}

// shown returns the phases drawn so far.
func (w *window) shown() []ShownPhase {
	w.logMu.Lock()
	defer w.logMu.Unlock()
	return append([]ShownPhase(nil), w.log...)
}

// end marks the window closed: the player stops and updates are
// dropped.
func (w *window) end() { w.endOnce.Do(func() { close(w.stop) }) }

// watchGone ends the session when another client destroys the window
// (as xdotool windowclose and windowkill do) or the X server goes away.
// It does not rely on the event goroutine, which can be stuck for good:
// shiny waits for the completion of an SHM upload, and an upload to a
// destroyed window fails without one.
func (w *window) watchGone() {
	select {
	case <-w.x.gone:
		select {
		case <-w.stop:
			return // closed already, and the connection closing follows
		default:
		}
		w.gone.Store(true)
		w.end()
		w.hooks.lost(w.x.goneReason())
		w.sw.Send(closeEvent{})
	case <-w.stop:
	}
}

// close closes the window and waits, up to a few seconds, until it is
// released.
//
// NOTE: shiny's X11 driver keeps its X connection and event goroutine
// after the window is released, and its event goroutine spins once that
// connection breaks, so each window leaks one connection until the
// process exits. A window destroyed by another client needs no release, and
// its event goroutine may be stuck, so close does not wait for it.
func (w *window) close() {
	select {
	case <-w.done:
		return
	default:
	}
	w.end()
	if w.gone.Load() {
		return
	}
	w.sw.Send(closeEvent{})
	select {
	case <-w.done:
	case <-time.After(3 * time.Second):
	}
}

// release frees the window's X resources unless another client has
// destroyed the window already.
func (w *window) release() {
	w.buf.Release()
	if !w.gone.Load() {
		w.sw.Release()
	}
}
