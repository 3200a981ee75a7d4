package sim

import (
	"fmt"
	"io"
	"log"
	"sync"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// xConn is a second X connection beside shiny's, for what shiny does not
// expose: the window's title, selections (paste), and notice of the
// window being destroyed by another client, which shiny drops.
type xConn struct {
	conn   *xgb.Conn
	screen *xproto.ScreenInfo
	atoms  map[string]xproto.Atom
	own    xproto.Window // an unmapped window that receives selections

	pasteMu sync.Mutex // one selection transfer at a time
	sels    chan xproto.SelectionNotifyEvent
	props   chan xproto.PropertyNotifyEvent // new values of the paste property

	mu     sync.Mutex
	win    xproto.Window // the simulator window, once found
	gone   chan struct{} // closed when win is destroyed or X goes away
	reason error         // the cause of gone closing: ErrWindowDestroyed or ErrDisplayLost
	once   sync.Once
}

var atomNames = []string{
	"_NET_WM_NAME", "UTF8_STRING", "WM_NAME", "STRING", "WM_CLASS",
	"CLIPBOARD", "PRIMARY", "INCR", "EINKTERM_PASTE",
}

// dialX opens the connection to the X display named by $DISPLAY.
func dialX() (*xConn, error) {
	// xgb logs connection errors to standard error on its own; shiny's
	// connection breaking when the window is killed is expected here.
	xgb.Logger = log.New(io.Discard, "", 0)
	conn, err := xgb.NewConn()
	if err != nil {
		return nil, err
	}
	// xgb indexes the screen list with the number after the dot in
	// $DISPLAY without a check, and panics on one the server lacks.
	setup := xproto.Setup(conn)
	if n := len(setup.Roots); conn.DefaultScreen < 0 || conn.DefaultScreen >= n {
		conn.Close()
		return nil, fmt.Errorf("the X display has %d screen(s), so screen %d in DISPLAY does not exist: use screen 0, such as :0.0 or :0",
			n, conn.DefaultScreen)
	}
	x := &xConn{
		conn:   conn,
		screen: setup.DefaultScreen(conn),
		atoms:  map[string]xproto.Atom{},
		sels:   make(chan xproto.SelectionNotifyEvent, 1),
		props:  make(chan xproto.PropertyNotifyEvent, 16),
		gone:   make(chan struct{}),
	}
	if err := x.init(); err != nil {
		conn.Close()
		return nil, err
	}
	go x.readEvents()
	return x, nil
}

func (x *xConn) init() error {
	for _, name := range atomNames {
		r, err := xproto.InternAtom(x.conn, false, uint16(len(name)), name).Reply()
		if err != nil {
			return fmt.Errorf("intern atom %s: %w", name, err)
		}
		x.atoms[name] = r.Atom
	}
	own, err := xproto.NewWindowId(x.conn)
	if err != nil {
		return err
	}
	x.own = own
	return xproto.CreateWindowChecked(x.conn, 0, own, x.screen.Root,
		0, 0, 1, 1, 0, xproto.WindowClassInputOnly, 0,
		xproto.CwEventMask, []uint32{xproto.EventMaskPropertyChange}).Check()
}

// screenSize returns the size of the default screen in pixels.
func (x *xConn) screenSize() (int, int) {
	return int(x.screen.WidthInPixels), int(x.screen.HeightInPixels)
}

// readEvents runs until the connection closes.
func (x *xConn) readEvents() {
	for {
		ev, err := x.conn.WaitForEvent()
		if ev == nil && err == nil {
			x.markGone(ErrDisplayLost)
			return
		}
		switch ev := ev.(type) {
		case xproto.DestroyNotifyEvent:
			if ev.Window == x.window() {
				x.markGone(ErrWindowDestroyed)
			}
		case xproto.SelectionNotifyEvent:
			select {
			case x.sels <- ev:
			default:
			}
		case xproto.PropertyNotifyEvent:
			if ev.Window != x.own || ev.Atom != x.atoms["EINKTERM_PASTE"] || ev.State != xproto.PropertyNewValue {
				break
			}
			select {
			case x.props <- ev:
			default:
			}
		}
	}
}

// markGone records why the window is gone and closes gone, once.
func (x *xConn) markGone(reason error) {
	x.once.Do(func() {
		x.mu.Lock()
		x.reason = reason
		x.mu.Unlock()
		close(x.gone)
	})
}

// goneReason returns why gone was closed, or nil while it is open.
func (x *xConn) goneReason() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.reason
}

func (x *xConn) window() xproto.Window {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.win
}

// attach finds the top-level window whose _NET_WM_NAME is title, which
// shiny set when it created the window, and watches it for destruction.
// It retries until timeout, since shiny's requests travel on another
// connection.
func (x *xConn) attach(title string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		w, err := x.findWindow(x.screen.Root, title, 3)
		if err != nil {
			return err
		}
		if w != 0 {
			return x.watch(w)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("window %q not found after %v", title, timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// findWindow searches the tree under parent, depth levels deep, since a
// reparenting window manager puts the window inside a frame.
func (x *xConn) findWindow(parent xproto.Window, title string, depth int) (xproto.Window, error) {
	tree, err := xproto.QueryTree(x.conn, parent).Reply()
	if err != nil {
		return 0, err
	}
	for _, w := range tree.Children {
		name, err := xproto.GetProperty(x.conn, false, w, x.atoms["_NET_WM_NAME"],
			xproto.GetPropertyTypeAny, 0, 256).Reply()
		if err == nil && string(name.Value) == title {
			return w, nil
		}
	}
	if depth <= 1 {
		return 0, nil
	}
	for _, w := range tree.Children {
		found, err := x.findWindow(w, title, depth-1)
		if err == nil && found != 0 {
			return found, nil
		}
	}
	return 0, nil
}

// watch selects destroy notices on w and names its class "einkterm", so
// that window tools find it.
func (x *xConn) watch(w xproto.Window) error {
	x.mu.Lock()
	x.win = w
	x.mu.Unlock()
	err := xproto.ChangeWindowAttributesChecked(x.conn, w, xproto.CwEventMask,
		[]uint32{xproto.EventMaskStructureNotify}).Check()
	if err != nil {
		return fmt.Errorf("watch window %d: %w", w, err)
	}
	class := []byte("einkterm\x00einkterm\x00")
	xproto.ChangeProperty(x.conn, xproto.PropModeReplace, w, x.atoms["WM_CLASS"],
		x.atoms["STRING"], 8, uint32(len(class)), class)
	return nil
}

// setTitle sets the window's title, in UTF-8 for window managers and in
// Latin-1 WM_NAME for older tools.
func (x *xConn) setTitle(title string) {
	w := x.window()
	if w == 0 {
		return
	}
	t := []byte(title)
	xproto.ChangeProperty(x.conn, xproto.PropModeReplace, w, x.atoms["_NET_WM_NAME"],
		x.atoms["UTF8_STRING"], 8, uint32(len(t)), t)
	latin := latin1(title)
	xproto.ChangeProperty(x.conn, xproto.PropModeReplace, w, x.atoms["WM_NAME"],
		x.atoms["STRING"], 8, uint32(len(latin)), latin)
}

func latin1(s string) []byte {
	var b []byte
	for _, r := range s {
		if r > 0xff {
			r = '?'
		}
		b = append(b, byte(r))
	}
	return b
}

func (x *xConn) close() { x.conn.Close() }
