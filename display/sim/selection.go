package sim

import (
	"errors"
	"fmt"
	"time"

	"github.com/jezek/xgb/xproto"
)

// errNoSelection means no client owns the selection, or its owner cannot
// convert it to text.
var errNoSelection = errors.New("no client owns the selection")

// maxPaste is the largest selection read, in bytes.
const maxPaste = 1 << 20

// readSelection returns the text of selection name ("CLIPBOARD" or
// "PRIMARY"). It requests UTF-8 from the owner first, Latin-1 second.
func (x *xConn) readSelection(name string, timeout time.Duration) ([]byte, error) {
	x.pasteMu.Lock()
	defer x.pasteMu.Unlock()
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

func latin1Runes(b []byte) []rune {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return r
}

// convert requests selection name as target and reads the reply, in
// one piece or, for large selections, in INCR chunks.
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

	// The owner's write of the property is also a property event, which
	// came before the reply; the INCR chunks come after this read.
	x.drainProps()
	r, err := xproto.GetProperty(x.conn, true, x.own, prop, xproto.GetPropertyTypeAny, 0, maxPaste/4).Reply()
	if err != nil {
		return nil, err
	}
	if r.BytesAfter > 0 {
		return nil, fmt.Errorf("selection is larger than %d KiB; paste less", maxPaste>>10)
	}
	if r.Type == x.atoms["INCR"] {
		return x.readIncr(prop, timeout)
	}
	return r.Value, nil
}

// readIncr reads an INCR transfer: the owner writes each chunk after the
// previous one is deleted, and an empty chunk ends the transfer.
func (x *xConn) readIncr(prop xproto.Atom, timeout time.Duration) ([]byte, error) {
	var text []byte
	for {
		select {
		case <-x.props:
		case <-time.After(timeout):
			return nil, fmt.Errorf("timed out after %v waiting for the next chunk of the selection", timeout)
		}
		r, err := xproto.GetProperty(x.conn, true, x.own, prop, xproto.GetPropertyTypeAny, 0, maxPaste/4).Reply()
		if err != nil {
			return nil, err
		}
		if len(r.Value) == 0 {
			return text, nil
		}
		text = append(text, r.Value...)
		if len(text) > maxPaste {
			return nil, fmt.Errorf("selection is larger than %d KiB; paste less", maxPaste>>10)
		}
	}
}

func (x *xConn) drainProps() {
	for {
		select {
		case <-x.props:
		default:
			return
		}
	}
}
