package vnc

import (
	"strconv"
	"unicode/utf8"
)

// X keysyms (X11 keysymdef.h) that terminals send as control bytes or
// escape sequences.
const (
	XKBackSpace = 0xff08
	XKTab       = 0xff09
	XKReturn    = 0xff0d
	XKEscape    = 0xff1b
	XKHome      = 0xff50
	XKLeft      = 0xff51
	XKUp        = 0xff52
	XKRight     = 0xff53
	XKDown      = 0xff54
	XKPageUp    = 0xff55
	XKPageDown  = 0xff56
	XKEnd       = 0xff57
	XKInsert    = 0xff63
	XKF1        = 0xffbe // F2 to F12 follow in order
	XKShiftL    = 0xffe1
	XKControlL  = 0xffe3
	XKMetaL     = 0xffe7
	XKAltL      = 0xffe9
	XKDelete    = 0xffff
)

// Modifier bits of a Key, as xterm numbers them in CSI 1;m sequences
// (m-1).
const (
	ModShift = 1 << iota
	ModAlt
	ModControl
	ModMeta
)

// Key is one key press: an X keysym and the modifiers held with it.
type Key struct {
	Sym  uint32
	Mods uint8
}

var modSyms = []struct {
	bit uint8
	sym uint32
}{{ModShift, XKShiftL}, {ModControl, XKControlL}, {ModAlt, XKAltL}, {ModMeta, XKMetaL}}

// KeyEvent is a press or release of one keysym, as RFB sends it.
type KeyEvent struct {
	Sym  uint32
	Down bool
}

// Events returns the press and release events of k: modifiers down, the
// key down and up, modifiers up in reverse order.
func (k Key) Events() []KeyEvent {
	var ev []KeyEvent
	for _, m := range modSyms {
		if k.Mods&m.bit != 0 {
			ev = append(ev, KeyEvent{m.sym, true})
		}
	}
	ev = append(ev, KeyEvent{k.Sym, true}, KeyEvent{k.Sym, false})
	for i := len(modSyms) - 1; i >= 0; i-- {
		if k.Mods&modSyms[i].bit != 0 {
			ev = append(ev, KeyEvent{modSyms[i].sym, false})
		}
	}
	return ev
}

// ParseKeys decodes bytes typed on a terminal in raw mode (UTF-8 text,
// control bytes, and xterm's escape sequences for cursor, editing and
// function keys with modifiers) into keys. An ESC at the end of b is the
// Escape key. Bytes of an incomplete UTF-8 sequence at the end are
// returned as rest, to be passed again with the next bytes.
func ParseKeys(b []byte) (keys []Key, rest []byte) {
	for len(b) > 0 {
		if b[0] == 0x1b {
			k, n := parseEscape(b)
			keys = append(keys, k...)
			b = b[n:]
			continue
		}
		if b[0] < 0x20 || b[0] == 0x7f {
			keys = append(keys, controlKey(b[0]))
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			if !utf8.FullRune(b) {
				return keys, b
			}
			r = rune(b[0]) // Latin-1 byte
		}
		keys = append(keys, Key{Sym: runeKeysym(r)})
		b = b[n:]
	}
	return keys, nil
}

// runeKeysym returns the keysym of a character: Latin-1 characters are
// their own keysyms, others are 0x01000000 plus the code point.
func runeKeysym(r rune) uint32 {
	if r < 0x100 {
		return uint32(r)
	}
	return 0x01000000 | uint32(r)
}

func controlKey(c byte) Key {
	switch c {
	case '\r', '\n':
		return Key{Sym: XKReturn}
	case '\t':
		return Key{Sym: XKTab}
	case 0x7f, 0x08:
		return Key{Sym: XKBackSpace}
	case 0:
		return Key{Sym: ' ', Mods: ModControl}
	case 0x1c, 0x1d, 0x1e, 0x1f:
		return Key{Sym: uint32("\\]^_"[c-0x1c]), Mods: ModControl}
	}
	return Key{Sym: uint32('a' + c - 1), Mods: ModControl}
}

// parseEscape decodes the escape sequence at the start of b and returns
// its keys and length.
func parseEscape(b []byte) ([]Key, int) {
	if len(b) == 1 {
		return []Key{{Sym: XKEscape}}, 1
	}
	switch b[1] {
	case '[':
		return parseCSI(b)
	case 'O':
		if len(b) >= 3 {
			if k, ok := ss3Key(b[2]); ok {
				return []Key{k}, 3
			}
		}
		return []Key{{Sym: 'O', Mods: ModAlt}}, 2
	case 0x1b:
		return []Key{{Sym: XKEscape}}, 1
	}
	// ESC followed by a key is that key with Alt.
	keys, _ := ParseKeys(b[1:2])
	if len(keys) == 0 || b[1] >= 0x80 {
		return []Key{{Sym: XKEscape}}, 1
	}
	keys[0].Mods |= ModAlt
	return keys[:1], 2
}

// ss3Key returns the key of ESC O x: F1 to F4, and cursor keys in
// application mode.
func ss3Key(c byte) (Key, bool) {
	switch c {
	case 'P', 'Q', 'R', 'S':
		return Key{Sym: XKF1 + uint32(c-'P')}, true
	}
	if s, ok := csiFinal[c]; ok {
		return Key{Sym: s}, true
	}
	return Key{}, false
}

var csiFinal = map[byte]uint32{
	'A': XKUp, 'B': XKDown, 'C': XKRight, 'D': XKLeft,
	'H': XKHome, 'F': XKEnd,
	'P': XKF1, 'Q': XKF1 + 1, 'R': XKF1 + 2, 'S': XKF1 + 3,
}

// csiTilde maps the number of ESC [ n ~ to its key.
var csiTilde = map[int]uint32{
	1: XKHome, 2: XKInsert, 3: XKDelete, 4: XKEnd, 5: XKPageUp, 6: XKPageDown,
	7: XKHome, 8: XKEnd,
	11: XKF1, 12: XKF1 + 1, 13: XKF1 + 2, 14: XKF1 + 3,
	15: XKF1 + 4, 17: XKF1 + 5, 18: XKF1 + 6, 19: XKF1 + 7,
	20: XKF1 + 8, 21: XKF1 + 9, 23: XKF1 + 10, 24: XKF1 + 11,
}

// parseCSI decodes ESC [ params final. An unknown or unfinished sequence
// becomes Alt+[ and the rest is parsed as typed.
func parseCSI(b []byte) ([]Key, int) {
	i := 2
	for i < len(b) && (b[i] >= '0' && b[i] <= '9' || b[i] == ';') {
		i++
	}
	if i >= len(b) || i-2 > 16 {
		return []Key{{Sym: '[', Mods: ModAlt}}, 2
	}
	params := splitParams(b[2:i])
	mods := uint8(0)
	if len(params) >= 2 && params[1] > 1 {
		mods = uint8(params[1] - 1)
	}
	final := b[i]
	if final == '~' && len(params) > 0 {
		if s, ok := csiTilde[params[0]]; ok {
			return []Key{{Sym: s, Mods: mods}}, i + 1
		}
	}
	if s, ok := csiFinal[final]; ok {
		return []Key{{Sym: s, Mods: mods}}, i + 1
	}
	if final == 'Z' {
		return []Key{{Sym: XKTab, Mods: ModShift}}, i + 1
	}
	return []Key{{Sym: '[', Mods: ModAlt}}, 2
}

func splitParams(b []byte) []int {
	var out []int
	start := 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == ';' {
			n, _ := strconv.Atoi(string(b[start:i]))
			out = append(out, n)
			start = i + 1
		}
	}
	return out
}
