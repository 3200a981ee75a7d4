package sim

import (
	"golang.org/x/mobile/event/key"

	"github.com/einkterm/einkterm/term"
)

// termKeys maps shiny's key codes to the keys that term.EncodeKey encodes.
var termKeys = map[key.Code]term.Key{
	key.CodeUpArrow:         term.KeyUp,
	key.CodeDownArrow:       term.KeyDown,
	key.CodeLeftArrow:       term.KeyLeft,
	key.CodeRightArrow:      term.KeyRight,
	key.CodeHome:            term.KeyHome,
	key.CodeEnd:             term.KeyEnd,
	key.CodePageUp:          term.KeyPgUp,
	key.CodePageDown:        term.KeyPgDn,
	key.CodeInsert:          term.KeyInsert,
	key.CodeDeleteForward:   term.KeyDelete,
	key.CodeF1:              term.KeyF1,
	key.CodeF2:              term.KeyF2,
	key.CodeF3:              term.KeyF3,
	key.CodeF4:              term.KeyF4,
	key.CodeF5:              term.KeyF5,
	key.CodeF6:              term.KeyF6,
	key.CodeF7:              term.KeyF7,
	key.CodeF8:              term.KeyF8,
	key.CodeF9:              term.KeyF9,
	key.CodeF10:             term.KeyF10,
	key.CodeF11:             term.KeyF11,
	key.CodeF12:             term.KeyF12,
	key.CodeReturnEnter:     term.KeyEnter,
	key.CodeKeypadEnter:     term.KeyEnter,
	key.CodeTab:             term.KeyTab,
	key.CodeDeleteBackspace: term.KeyBackspace,
	key.CodeEscape:          term.KeyEscape,
}

// encodeKey returns the bytes an xterm sends for a key press from the
// window, or nil for keys that send nothing (a modifier alone, a key
// with no character). appCursor is the DECCKM cursor-key mode. The Meta
// (Super) modifier is ignored, since desktops keep it for themselves.
func encodeKey(e key.Event, appCursor bool) []byte {
	var mods term.Mod
	if e.Modifiers&key.ModShift != 0 {
		mods |= term.ModShift
	}
	if e.Modifiers&key.ModControl != 0 {
		mods |= term.ModCtrl
	}
	if e.Modifiers&key.ModAlt != 0 {
		mods |= term.ModAlt
	}
	if k, ok := termKeys[e.Code]; ok {
		return term.EncodeKey(k, 0, mods, appCursor)
	}
	if e.Rune < 0 {
		return nil
	}
	return term.EncodeKey(term.KeyRune, e.Rune, mods, appCursor)
}

// encodePaste returns the bytes a terminal sends for pasted text.
func encodePaste(text []byte, bracketed bool) []byte {
	return term.EncodePaste(text, bracketed)
}
