package sim

import (
	"errors"
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

	mu   sync.Mutex
	win  xproto.Window // the simulator window, once found
	sels chan xproto.SelectionNotifyEvent
	gone chan struct{} // closed when win is destroyed or X goes away
	once sync.Once
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
	x := &xConn{
		conn:   conn,
		screen: xproto.Setup(conn).DefaultScreen(conn),
		atoms:  map[string]xproto.Atom{},
		sels:   make(chan xproto.SelectionNotifyEvent, 1),
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
		0, 0, 1, 1, 0, xproto.WindowClassInputOnly, 0, 0, nil).Check()
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
			x.markGone()
			return
		}
		switch ev := ev.(type) {
		case xproto.DestroyNotifyEvent:
			if ev.Window == x.window() {
				x.markGone()
			}
		case xproto.SelectionNotifyEvent:
			select {
			case x.sels <- ev:
			default:
			}
		}
	}
}

func (x *xConn) markGone() { x.once.Do(func() { close(x.gone) }) }

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

func latin1Runes(b []byte) []rune {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return r
}

// errNoSelection means no client owns the selection.
var errNoSelection = errors.New("no client owns the selection")

// maxPaste is the largest selection read in one transfer, in bytes.
const maxPaste = 1 << 20

// readSelection returns the text of selection name ("CLIPBOARD" or
// "PRIMARY"). It requests UTF-8 from the owner first, Latin-1 second.
//
// NOTE: owners send a selection above a size limit of their choosing in
// INCR chunks, which this reader rejects.
func (x *xConn) readSelection(name string, timeout time.Duration) ([]byte, error) {
	owner, err := xproto.GetSelectionOwner(x.conn, x.atoms[name]).Reply()
	if err != nil {
		return nil, err
	}
	if owner.Owner == 0 {
		return nil, errNoSelection
	}
	for _, target := range []string{"UTF8_STRING", "STRING"} {
		b, err := x.convert(name, target, timeout)
		if err == errNoSelection {
			continue
		}
		if err == nil && target == "STRING" {
			b = []byte(string(latin1Runes(b)))
		}
		return b, err
	}
	return nil, errNoSelection
}

// convert requests selection name as target and reads the reply.
func (x *xConn) convert(name, target string, timeout time.Duration) ([]byte, error) {
	select {
	case <-x.sels: // a late reply to an earlier request
	default:
	}
	prop := x.atoms["EINKTERM_PASTE"]
	xproto.ConvertSelection(x.conn, x.own, x.atoms[name], x.atoms[target], prop, xproto.TimeCurrentTime)
	var ev xproto.SelectionNotifyEvent
	select {
	case ev = <-x.sels:
	case <-time.After(timeout):
		return nil, fmt.Errorf("timed out after %v waiting for the selection owner's reply", timeout)
	}
	if ev.Property == xproto.AtomNone {
		return nil, errNoSelection
	}
	r, err := xproto.GetProperty(x.conn, true, x.own, prop, xproto.GetPropertyTypeAny, 0, maxPaste/4).Reply()
	if err != nil {
		return nil, err
	}
	if r.Type == x.atoms["INCR"] {
		return nil, fmt.Errorf("selection sent in INCR chunks, which is not supported; paste less than %d KiB", maxPaste>>10)
	}
	if r.BytesAfter > 0 {
		return nil, fmt.Errorf("selection is larger than %d KiB; paste less", maxPaste>>10)
	}
	return r.Value, nil
}

func (x *xConn) close() { x.conn.Close() }
