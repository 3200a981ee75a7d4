package sim

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"golang.org/x/mobile/event/key"
)

// TODO: switch to term.EncodeKey and term.EncodePaste once package term
// has them, so that the window and evdev send the same bytes.

// encodeKey returns the bytes an xterm sends for a key press, or nil for
// keys that send nothing (modifiers alone, unknown keys). appCursor is
// the DECCKM cursor-key mode, in which unmodified arrows, Home and End
// send SS3 sequences.
func encodeKey(e key.Event, appCursor bool) []byte {
	if b, ok := encodeSpecial(e, appCursor); ok {
		return b
	}
	if e.Rune < 0 {
		return nil
	}
	r := e.Rune
	var out []byte
	if e.Modifiers&key.ModControl != 0 {
		c, ok := controlByte(r)
		if !ok {
			return nil
		}
		out = []byte{c}
	} else {
		out = utf8.AppendRune(nil, r)
	}
	if e.Modifiers&key.ModAlt != 0 {
		out = append([]byte{0x1b}, out...)
	}
	return out
}

// controlByte returns the C0 byte that Ctrl with rune r sends.
func controlByte(r rune) (byte, bool) {
	switch {
	case r >= 'a' && r <= 'z':
		return byte(r - 'a' + 1), true
	case r >= '@' && r <= '_': // @, A-Z, [, \, ], ^, _
		return byte(r - '@'), true
	case r == ' ' || r == '2':
		return 0, true
	case r >= '3' && r <= '7':
		return byte(r - '3' + 0x1b), true
	case r == '8' || r == '?':
		return 0x7f, true
	case r == '/':
		return 0x1f, true
	}
	return 0, false
}

// xtermModifier returns xterm's modifier parameter: 1 plus 1 for Shift,
// 2 for Alt, 4 for Control and 8 for Meta.
func xtermModifier(m key.Modifiers) int {
	p := 1
	if m&key.ModShift != 0 {
		p++
	}
	if m&key.ModAlt != 0 {
		p += 2
	}
	if m&key.ModControl != 0 {
		p += 4
	}
	if m&key.ModMeta != 0 {
		p += 8
	}
	return p
}

// cursorKeys are the keys that end in a letter: CSI 1;m X when modified,
// SS3 X in application mode, CSI X otherwise.
var cursorKeys = map[key.Code]byte{
	key.CodeUpArrow:    'A',
	key.CodeDownArrow:  'B',
	key.CodeRightArrow: 'C',
	key.CodeLeftArrow:  'D',
	key.CodeHome:       'H',
	key.CodeEnd:        'F',
}

// functionKeys1to4 are F1 to F4, which send SS3 P to SS3 S unmodified.
var functionKeys1to4 = map[key.Code]byte{
	key.CodeF1: 'P', key.CodeF2: 'Q', key.CodeF3: 'R', key.CodeF4: 'S',
}

// tildeKeys are the keys that send CSI n ~ (CSI n;m ~ when modified).
var tildeKeys = map[key.Code]int{
	key.CodeInsert:        2,
	key.CodeDeleteForward: 3,
	key.CodePageUp:        5,
	key.CodePageDown:      6,
	key.CodeF5:            15,
	key.CodeF6:            17,
	key.CodeF7:            18,
	key.CodeF8:            19,
	key.CodeF9:            20,
	key.CodeF10:           21,
	key.CodeF11:           23,
	key.CodeF12:           24,
}

// encodeSpecial encodes keys that are not plain characters.
func encodeSpecial(e key.Event, appCursor bool) ([]byte, bool) {
	mods := e.Modifiers
	alt := mods&key.ModAlt != 0
	modified := mods&(key.ModShift|key.ModAlt|key.ModControl|key.ModMeta) != 0
	if c, ok := cursorKeys[e.Code]; ok {
		switch {
		case modified:
			return fmt.Appendf(nil, "\x1b[1;%d%c", xtermModifier(mods), c), true
		case appCursor:
			return []byte{0x1b, 'O', c}, true
		}
		return []byte{0x1b, '[', c}, true
	}
	if c, ok := functionKeys1to4[e.Code]; ok {
		if modified {
			return fmt.Appendf(nil, "\x1b[1;%d%c", xtermModifier(mods), c), true
		}
		return []byte{0x1b, 'O', c}, true
	}
	if n, ok := tildeKeys[e.Code]; ok {
		if modified {
			return fmt.Appendf(nil, "\x1b[%d;%d~", n, xtermModifier(mods)), true
		}
		return fmt.Appendf(nil, "\x1b[%d~", n), true
	}
	var b []byte
	switch e.Code {
	case key.CodeReturnEnter, key.CodeKeypadEnter:
		b = []byte{'\r'}
	case key.CodeTab:
		if mods&key.ModShift != 0 {
			return []byte("\x1b[Z"), true
		}
		b = []byte{'\t'}
	case key.CodeDeleteBackspace:
		b = []byte{0x7f}
		if mods&key.ModControl != 0 {
			b = []byte{0x08}
		}
	case key.CodeEscape:
		b = []byte{0x1b}
	default:
		return nil, false
	}
	if alt {
		b = append([]byte{0x1b}, b...)
	}
	return b, true
}

// encodePaste returns the bytes a terminal sends for pasted text: line
// feeds become carriage returns, as a typed Enter, and in bracketed paste
// mode the text is wrapped in CSI 200~ and CSI 201~ with any ESC removed
// from it, so that the text cannot end the bracket early.
func encodePaste(text []byte, bracketed bool) []byte {
	text = bytes.ReplaceAll(text, []byte("\r\n"), []byte("\r"))
	text = bytes.ReplaceAll(text, []byte("\n"), []byte("\r"))
	if !bracketed {
		return text
	}
	text = bytes.ReplaceAll(text, []byte{0x1b}, nil)
	out := append([]byte("\x1b[200~"), text...)
	return append(out, "\x1b[201~"...)
}
