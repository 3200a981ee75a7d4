package main

import (
	"fmt"

	"github.com/einkterm/einkterm/deploy/config"
	"github.com/einkterm/einkterm/term"
)

// chordKeys maps the named keys of a config chord to terminal keys.
var chordKeys = map[string]term.Key{
	"enter": term.KeyEnter, "esc": term.KeyEscape, "tab": term.KeyTab,
	"backspace": term.KeyBackspace, "delete": term.KeyDelete, "insert": term.KeyInsert,
	"home": term.KeyHome, "end": term.KeyEnd, "pgup": term.KeyPgUp, "pgdn": term.KeyPgDn,
	"up": term.KeyUp, "down": term.KeyDown, "left": term.KeyLeft, "right": term.KeyRight,
	"f1": term.KeyF1, "f2": term.KeyF2, "f3": term.KeyF3, "f4": term.KeyF4,
	"f5": term.KeyF5, "f6": term.KeyF6, "f7": term.KeyF7, "f8": term.KeyF8,
	"f9": term.KeyF9, "f10": term.KeyF10, "f11": term.KeyF11, "f12": term.KeyF12,
}

// chordBytes returns the bytes a terminal keyboard sends for a chord
// such as "ctrl+alt+r": the form the session compares keystrokes with.
func chordBytes(s string) ([]byte, error) {
	c, err := config.ParseChord(s)
	if err != nil {
		return nil, err
	}
	if c.Super {
		return nil, fmt.Errorf("chord %q uses super, which terminals do not send: use ctrl or alt", s)
	}
	var mods term.Mod
	if c.Ctrl {
		mods |= term.ModCtrl
	}
	if c.Alt {
		mods |= term.ModAlt
	}
	if c.Shift {
		mods |= term.ModShift
	}
	key, r := term.KeyRune, rune(0)
	switch {
	case len(c.Key) == 1:
		r = rune(c.Key[0])
	case c.Key == "space":
		r = ' '
	default:
		key = chordKeys[c.Key]
	}
	b := term.EncodeKey(key, r, mods, false)
	if len(b) == 0 {
		return nil, fmt.Errorf("chord %q has no terminal encoding", s)
	}
	return b, nil
}
