package evdev

import "github.com/einkterm/einkterm/term"

// KeyPress is a key typed: a term key, with the character for
// term.KeyRune, and the modifiers held.
type KeyPress struct {
	Key  term.Key
	Rune rune
	Mods term.Mod
}

// Translator turns key events into key presses with a keymap. It keeps
// the state of the modifiers and Caps Lock across events; the zero value
// is not usable, use NewTranslator.
type Translator struct {
	keymap Keymap
	down   map[uint16]bool // modifier keys held
	caps   bool
}

// NewTranslator returns a translator for keymap; nil means USKeymap.
func NewTranslator(keymap Keymap) *Translator {
	if keymap == nil {
		keymap = USKeymap()
	}
	return &Translator{keymap: keymap, down: map[uint16]bool{}}
}

// Translate returns the key press that event e types, if any. Presses
// and autorepeats type; releases and other event types only update the
// modifiers.
func (t *Translator) Translate(e Event) (KeyPress, bool) {
	if e.Type != evKey {
		return KeyPress{}, false
	}
	switch e.Code {
	case codeLeftShift, codeRightShift, codeLeftCtrl, codeRightCtrl, codeLeftAlt, codeRightAlt:
		t.down[e.Code] = e.Value != keyReleased
		return KeyPress{}, false
	case codeCapsLock:
		if e.Value == keyPressed {
			t.caps = !t.caps
		}
		return KeyPress{}, false
	}
	if e.Value != keyPressed && e.Value != keyRepeated {
		return KeyPress{}, false
	}
	b, ok := t.keymap[e.Code]
	if !ok {
		return KeyPress{}, false
	}
	return t.press(b), true
}

// Reset forgets the held modifiers, as when a device goes away with
// keys down.
func (t *Translator) Reset() { clear(t.down) }

func (t *Translator) press(b Binding) KeyPress {
	shift := t.down[codeLeftShift] || t.down[codeRightShift]
	var mods term.Mod
	if shift {
		mods |= term.ModShift
	}
	if t.down[codeLeftCtrl] || t.down[codeRightCtrl] {
		mods |= term.ModCtrl
	}
	if t.down[codeLeftAlt] {
		mods |= term.ModAlt
	}
	if b.Key != term.KeyRune {
		return KeyPress{Key: b.Key, Mods: mods}
	}
	if t.down[codeRightAlt] && b.AltGr != 0 {
		return KeyPress{Key: term.KeyRune, Rune: b.AltGr, Mods: mods &^ term.ModShift}
	}
	if t.down[codeRightAlt] {
		// Without an AltGr character, right Alt is Alt.
		mods |= term.ModAlt
	}
	upper := shift
	if b.Letter && t.caps {
		upper = !upper
	}
	r := b.Normal
	if upper {
		r = b.Shift
	}
	return KeyPress{Key: term.KeyRune, Rune: r, Mods: mods}
}

// Encode returns the bytes a terminal sends for p; appCursor selects the
// application cursor keys (DECCKM).
func Encode(p KeyPress, appCursor bool) []byte {
	return term.EncodeKey(p.Key, p.Rune, p.Mods, appCursor)
}
