package evdev

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/einkterm/einkterm/term"
)

// Binding is what one key code types. A printable key has Normal and
// Shift runes (and AltGr, zero when the key has none); another key has
// Key set to a term key such as term.KeyEnter.
type Binding struct {
	Key           term.Key
	Normal, Shift rune
	AltGr         rune

	// Letter is true when Caps Lock swaps Normal and Shift.
	Letter bool
}

// Keymap maps Linux key codes to bindings.
type Keymap map[uint16]Binding

// Key codes of linux/input-event-codes.h that the translator treats as
// modifiers.
const (
	codeLeftCtrl   = 29
	codeLeftShift  = 42
	codeRightShift = 54
	codeLeftAlt    = 56
	codeCapsLock   = 58
	codeRightCtrl  = 97
	codeRightAlt   = 100
)

// usPrintable lists the printable keys of the US layout by key code:
// unshifted and shifted characters.
var usPrintable = map[uint16]string{
	2: "1!", 3: "2@", 4: "3#", 5: "4$", 6: "5%", 7: "6^", 8: "7&", 9: "8*",
	10: "9(", 11: "0)", 12: "-_", 13: "=+",
	16: "qQ", 17: "wW", 18: "eE", 19: "rR", 20: "tT", 21: "yY", 22: "uU",
	23: "iI", 24: "oO", 25: "pP", 26: "[{", 27: "]}",
	30: "aA", 31: "sS", 32: "dD", 33: "fF", 34: "gG", 35: "hH", 36: "jJ",
	37: "kK", 38: "lL", 39: ";:", 40: "'\"", 41: "`~", 43: "\\|",
	44: "zZ", 45: "xX", 46: "cC", 47: "vV", 48: "bB", 49: "nN", 50: "mM",
	51: ",<", 52: ".>", 53: "/?", 57: "  ",
	86: "\\|", // KEY_102ND, the extra key of ISO keyboards
	// The keypad, as with Num Lock on.
	55: "**", 71: "77", 72: "88", 73: "99", 74: "--", 75: "44", 76: "55",
	77: "66", 78: "++", 79: "11", 80: "22", 81: "33", 82: "00", 83: "..",
	98: "//", 117: "==",
}

// usSpecial lists the keys that are not characters.
var usSpecial = map[uint16]term.Key{
	1: term.KeyEscape, 14: term.KeyBackspace, 15: term.KeyTab,
	28: term.KeyEnter, 96: term.KeyEnter, // KEY_KPENTER
	59: term.KeyF1, 60: term.KeyF2, 61: term.KeyF3, 62: term.KeyF4,
	63: term.KeyF5, 64: term.KeyF6, 65: term.KeyF7, 66: term.KeyF8,
	67: term.KeyF9, 68: term.KeyF10, 87: term.KeyF11, 88: term.KeyF12,
	102: term.KeyHome, 103: term.KeyUp, 104: term.KeyPgUp,
	105: term.KeyLeft, 106: term.KeyRight, 107: term.KeyEnd,
	108: term.KeyDown, 109: term.KeyPgDn, 110: term.KeyInsert,
	111: term.KeyDelete,
}

// USKeymap returns the US layout.
func USKeymap() Keymap {
	m := Keymap{}
	for code, s := range usPrintable {
		r := []rune(s)
		b := Binding{Key: term.KeyRune, Normal: r[0], Shift: r[1]}
		b.Letter = r[0] >= 'a' && r[0] <= 'z'
		m[code] = b
	}
	for code, k := range usSpecial {
		m[code] = Binding{Key: k}
	}
	return m
}

// ParseKeymap reads overrides of the US layout, one key a line:
//
//	CODE NORMAL SHIFT [ALTGR]
//
// CODE is a decimal Linux key code (KEY_Y is 21). Each character is a
// single UTF-8 character or U+XXXX (U+0020 for a space). Blank lines and
// lines starting with # are skipped. A character that differs between
// lower and upper case is treated as a letter for Caps Lock.
func ParseKeymap(r io.Reader) (Keymap, error) {
	m := USKeymap()
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		code, b, err := parseBinding(line)
		if err != nil {
			return nil, fmt.Errorf("evdev: keymap line %d %q: %w", n, line, err)
		}
		m[code] = b
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("evdev: keymap: %w", err)
	}
	return m, nil
}

func parseBinding(line string) (uint16, Binding, error) {
	f := strings.Fields(line)
	if len(f) < 3 || len(f) > 4 {
		return 0, Binding{}, fmt.Errorf("want CODE NORMAL SHIFT [ALTGR], got %d fields", len(f))
	}
	code, err := strconv.ParseUint(f[0], 10, 16)
	if err != nil || code == 0 || code > keyMax {
		return 0, Binding{}, fmt.Errorf("invalid key code %q: use a decimal code from 1 to %d", f[0], keyMax)
	}
	var rs [3]rune
	for i, s := range f[1:] {
		if rs[i], err = parseChar(s); err != nil {
			return 0, Binding{}, err
		}
	}
	b := Binding{Key: term.KeyRune, Normal: rs[0], Shift: rs[1], AltGr: rs[2]}
	b.Letter = strings.ToUpper(string(rs[0])) == string(rs[1]) && rs[0] != rs[1]
	return uint16(code), b, nil
}

func parseChar(s string) (rune, error) {
	if len(s) > 2 && (s[:2] == "U+" || s[:2] == "u+") {
		v, err := strconv.ParseUint(s[2:], 16, 32)
		if err != nil || !utf8.ValidRune(rune(v)) {
			return 0, fmt.Errorf("invalid character %q", s)
		}
		return rune(v), nil
	}
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || size != len(s) {
		return 0, fmt.Errorf("invalid character %q: give one character or U+XXXX", s)
	}
	return r, nil
}
