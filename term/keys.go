package term

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// Key is a key that EncodeKey turns into bytes.
type Key int

// Keys. KeyRune is a printable character given separately as a rune.
const (
	KeyRune Key = iota
	KeyUp
	KeyDown
	KeyLeft
	KeyRight
	KeyHome
	KeyEnd
	KeyPgUp
	KeyPgDn
	KeyInsert
	KeyDelete
	KeyF1
	KeyF2
	KeyF3
	KeyF4
	KeyF5
	KeyF6
	KeyF7
	KeyF8
	KeyF9
	KeyF10
	KeyF11
	KeyF12
	KeyEnter
	KeyTab
	KeyBackspace
	KeyEscape
)

// Mod is a set of modifier keys held with a key.
type Mod uint8

// Modifiers.
const (
	ModShift Mod = 1 << iota
	ModCtrl
	ModAlt
)

// xtermMod returns the modifier parameter of xterm's key sequences:
// 1 plus Shift 1, Alt 2, Ctrl 4.
func xtermMod(m Mod) int {
	n := 1
	if m&ModShift != 0 {
		n++
	}
	if m&ModAlt != 0 {
		n += 2
	}
	if m&ModCtrl != 0 {
		n += 4
	}
	return n
}

// ssKeys are the keys sent as SS3 or CSI with a final letter.
var ssKeys = map[Key]byte{
	KeyUp: 'A', KeyDown: 'B', KeyRight: 'C', KeyLeft: 'D',
	KeyHome: 'H', KeyEnd: 'F',
	KeyF1: 'P', KeyF2: 'Q', KeyF3: 'R', KeyF4: 'S',
}

// tildeKeys are the keys sent as CSI number ~.
var tildeKeys = map[Key]int{
	KeyInsert: 2, KeyDelete: 3, KeyPgUp: 5, KeyPgDn: 6,
	KeyF5: 15, KeyF6: 17, KeyF7: 18, KeyF8: 19,
	KeyF9: 20, KeyF10: 21, KeyF11: 23, KeyF12: 24,
}

// EncodeKey returns the bytes an xterm sends for key k with modifiers
// mods. r is the character when k is KeyRune. appCursor selects the
// application cursor key form (DECCKM, see Terminal.AppCursorKeys).
// Alt prefixes ESC to characters and to Enter, Tab, Backspace and
// Escape. With a cursor or function key, modifiers go into the
// sequence's parameter as xterm does. It returns nil for a key it does
// not know.
func EncodeKey(k Key, r rune, mods Mod, appCursor bool) []byte {
	if f, ok := ssKeys[k]; ok {
		isFn := k >= KeyF1 && k <= KeyF4
		switch {
		case mods != 0:
			return []byte("\x1b[1;" + strconv.Itoa(xtermMod(mods)) + string(f))
		case isFn || appCursor:
			return []byte{0x1b, 'O', f}
		}
		return []byte{0x1b, '[', f}
	}
	if n, ok := tildeKeys[k]; ok {
		s := "\x1b[" + strconv.Itoa(n)
		if mods != 0 {
			s += ";" + strconv.Itoa(xtermMod(mods))
		}
		return []byte(s + "~")
	}

	var b []byte
	switch k {
	case KeyRune:
		b = encodeRune(r, mods)
	case KeyEnter:
		b = []byte{'\r'}
	case KeyTab:
		if mods&ModShift != 0 {
			return []byte("\x1b[Z")
		}
		b = []byte{'\t'}
	case KeyBackspace:
		b = []byte{0x7f}
		if mods&ModCtrl != 0 {
			b = []byte{0x08}
		}
	case KeyEscape:
		b = []byte{0x1b}
	default:
		return nil
	}
	if mods&ModAlt != 0 && b != nil {
		b = append([]byte{0x1b}, b...)
	}
	return b
}

// encodeRune returns a character with Ctrl applied as a C0 control where
// one exists. Shift is already part of r.
func encodeRune(r rune, mods Mod) []byte {
	if mods&ModCtrl != 0 {
		if c, ok := ctrlByte(r); ok {
			return []byte{c}
		}
	}
	return utf8.AppendRune(nil, r)
}

func ctrlByte(r rune) (byte, bool) {
	switch {
	case r >= 'a' && r <= 'z':
		return byte(r - 'a' + 1), true
	case r >= '@' && r <= '_': // @, A-Z, [, \, ], ^, _
		return byte(r - '@'), true
	case r == ' ' || r == '2':
		return 0, true
	case r == '/' || r == '7':
		return 0x1f, true
	case r == '?' || r == '8':
		return 0x7f, true
	case r >= '3' && r <= '6':
		return byte(r-'3') + 0x1b, true
	}
	return 0, false
}

// EncodePaste returns pasted text ready to send. With bracketed (see
// Terminal.BracketedPaste) it is wrapped in ESC[200~ and ESC[201~, and
// any ESC[201~ inside it is removed so the paste cannot end early.
// Newlines become carriage returns, as a typed Enter would send.
func EncodePaste(text []byte, bracketed bool) []byte {
	p := bytes.ReplaceAll(text, []byte("\r\n"), []byte("\r"))
	p = bytes.ReplaceAll(p, []byte("\n"), []byte("\r"))
	if !bracketed {
		return p
	}
	p = bytes.ReplaceAll(p, []byte("\x1b[201~"), nil)
	out := make([]byte, 0, len(p)+12)
	out = append(out, "\x1b[200~"...)
	out = append(out, p...)
	return append(out, "\x1b[201~"...)
}
