package server

import "github.com/einkterm/einkterm/term"

// X keysyms for the keys a terminal needs (X11 keysymdef.h).
const (
	xkBackSpace = 0xff08
	xkTab       = 0xff09
	xkReturn    = 0xff0d
	xkEscape    = 0xff1b
	xkHome      = 0xff50
	xkLeft      = 0xff51
	xkUp        = 0xff52
	xkRight     = 0xff53
	xkDown      = 0xff54
	xkPageUp    = 0xff55
	xkPageDown  = 0xff56
	xkEnd       = 0xff57
	xkInsert    = 0xff63
	xkKPEnter   = 0xff8d
	xkF1        = 0xffbe
	xkF12       = 0xffc9
	xkShiftL    = 0xffe1
	xkShiftR    = 0xffe2
	xkControlL  = 0xffe3
	xkControlR  = 0xffe4
	xkMetaL     = 0xffe7
	xkMetaR     = 0xffe8
	xkAltL      = 0xffe9
	xkAltR      = 0xffea
	xkDelete    = 0xffff
)

var specialKeys = map[uint32]term.Key{
	xkBackSpace: term.KeyBackspace,
	xkTab:       term.KeyTab,
	xkReturn:    term.KeyEnter,
	xkKPEnter:   term.KeyEnter,
	xkEscape:    term.KeyEscape,
	xkHome:      term.KeyHome,
	xkLeft:      term.KeyLeft,
	xkUp:        term.KeyUp,
	xkRight:     term.KeyRight,
	xkDown:      term.KeyDown,
	xkPageUp:    term.KeyPgUp,
	xkPageDown:  term.KeyPgDn,
	xkEnd:       term.KeyEnd,
	xkInsert:    term.KeyInsert,
	xkDelete:    term.KeyDelete,
}

// modifierOf returns the modifier a keysym is, or 0.
func modifierOf(sym uint32) term.Mod {
	switch sym {
	case xkShiftL, xkShiftR:
		return term.ModShift
	case xkControlL, xkControlR:
		return term.ModCtrl
	case xkAltL, xkAltR, xkMetaL, xkMetaR:
		return term.ModAlt
	}
	return 0
}

// keyOf maps a keysym to a key and rune for term.EncodeKey. Latin-1
// keysyms are their code points and keysyms from 0x01000100 carry a
// Unicode code point in their low 24 bits.
func keyOf(sym uint32) (term.Key, rune, bool) {
	if k, ok := specialKeys[sym]; ok {
		return k, 0, true
	}
	switch {
	case sym >= xkF1 && sym <= xkF12:
		return term.KeyF1 + term.Key(sym-xkF1), 0, true
	case sym >= 0x20 && sym <= 0x7e, sym >= 0xa0 && sym <= 0xff:
		return term.KeyRune, rune(sym), true
	case sym >= 0x01000100 && sym <= 0x0110ffff:
		return term.KeyRune, rune(sym & 0xffffff), true
	}
	return 0, 0, false
}
