package vnc

import "fmt"

// Input handles bytes typed on a terminal in raw mode: keys go to the
// server as X keysyms, and CommandKey followed by a key runs a viewer
// command:
//
//	arrows or h j k l   move the viewport by half a screen (1:1 scale)
//	f                   switch between fit and 1:1 scale
//	r                   full refresh of the panel
//	q                   quit
//	Ctrl-]              send Ctrl-] itself
//
// Input is safe to call from one goroutine while Run runs in another.
func (v *Viewer) Input(b []byte) error {
	v.imu.Lock()
	defer v.imu.Unlock()
	keys, rest := ParseKeys(append(v.pending, b...))
	v.pending = append(v.pending[:0], rest...)
	for _, k := range keys {
		if v.prefix {
			v.prefix = false
			if v.command(k) {
				continue
			}
		} else if k == (Key{Sym: ']', Mods: ModControl}) {
			v.prefix = true
			continue
		}
		if err := v.SendKey(k); err != nil {
			return err
		}
	}
	return nil
}

// SendKey sends the press and release events of k.
func (v *Viewer) SendKey(k Key) error {
	for _, e := range k.Events() {
		if err := v.c.KeyEvent(e.Sym, e.Down); err != nil {
			return fmt.Errorf("vnc: sending key: %w", err)
		}
	}
	return nil
}

// command runs the viewer command of key k and reports whether k is a
// command key. Ctrl-] is not, so that it goes to the server.
func (v *Viewer) command(k Key) bool {
	pan := func(dx, dy int) func() bool {
		return func() bool {
			s := v.view.ViewSize()
			if v.view.Pan(dx*s.X/2, dy*s.Y/2) && v.view.Scale() == ScaleNone {
				v.redraw()
			}
			return false
		}
	}
	var cmd func() bool
	switch k.Sym {
	case XKLeft, 'h':
		cmd = pan(-1, 0)
	case XKRight, 'l':
		cmd = pan(1, 0)
	case XKUp, 'k':
		cmd = pan(0, -1)
	case XKDown, 'j':
		cmd = pan(0, 1)
	case 'f':
		cmd = func() bool {
			next := ScaleNone
			if v.view.Scale() == ScaleNone {
				next = ScaleFit
			}
			v.view.SetScale(next)
			v.redraw()
			return false
		}
	case 'r':
		cmd = func() bool {
			if v.opts.FullRefresh != nil {
				v.opts.FullRefresh()
			}
			return false
		}
	case 'q':
		cmd = func() bool { return true }
	default:
		return false
	}
	select {
	case v.cmds <- cmd:
	default:
		v.log.Warn("vnc: viewer command dropped: too many pending", "key", k.Sym)
	}
	return true
}
