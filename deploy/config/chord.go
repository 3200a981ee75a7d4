package config

import (
	"fmt"
	"slices"
	"strings"
)

// Chord is a key combination that einkterm handles itself.
type Chord struct {
	Ctrl, Alt, Shift, Super bool
	// Key is a lowercase letter or digit, or a name from ChordKeys.
	Key string
}

// ChordKeys are the named keys a chord may end with.
var ChordKeys = []string{
	"enter", "esc", "tab", "space", "backspace", "delete", "insert",
	"home", "end", "pgup", "pgdn", "up", "down", "left", "right",
	"f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12",
}

const chordFix = `write modifiers and one key joined by "+", such as "ctrl+alt+r"; ` +
	"modifiers are ctrl, alt, shift and super, and at least ctrl, alt or super is needed"

// ParseChord parses a chord such as "ctrl+alt+r". Case is ignored. A
// chord needs ctrl, alt or super, so that it never takes a key that the
// user types into the session.
func ParseChord(s string) (Chord, error) {
	parts := strings.Split(strings.ToLower(strings.TrimSpace(s)), "+")
	var c Chord
	for _, p := range parts[:len(parts)-1] {
		switch strings.TrimSpace(p) {
		case "ctrl", "control":
			c.Ctrl = true
		case "alt", "meta":
			c.Alt = true
		case "shift":
			c.Shift = true
		case "super", "win":
			c.Super = true
		default:
			return Chord{}, fmt.Errorf("invalid chord %q: unknown modifier %q", s, p)
		}
	}
	c.Key = strings.TrimSpace(parts[len(parts)-1])
	if !validChordKey(c.Key) {
		return Chord{}, fmt.Errorf("invalid chord %q: unknown key %q", s, c.Key)
	}
	if !c.Ctrl && !c.Alt && !c.Super {
		return Chord{}, fmt.Errorf("invalid chord %q: no ctrl, alt or super", s)
	}
	return c, nil
}

func validChordKey(k string) bool {
	if len(k) == 1 {
		return (k[0] >= 'a' && k[0] <= 'z') || (k[0] >= '0' && k[0] <= '9')
	}
	return slices.Contains(ChordKeys, k)
}

// String formats the chord in the canonical order ctrl, alt, shift,
// super.
func (c Chord) String() string {
	var parts []string
	for _, m := range []struct {
		on   bool
		name string
	}{{c.Ctrl, "ctrl"}, {c.Alt, "alt"}, {c.Shift, "shift"}, {c.Super, "super"}} {
		if m.on {
			parts = append(parts, m.name)
		}
	}
	return strings.Join(append(parts, c.Key), "+")
}
