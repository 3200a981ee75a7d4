package sim

import (
	"testing"

	"golang.org/x/mobile/event/key"
)

func TestEncodeKey(t *testing.T) {
	const (
		shift = key.ModShift
		ctrl  = key.ModControl
		alt   = key.ModAlt
	)
	tests := []struct {
		name      string
		code      key.Code
		r         rune
		mods      key.Modifiers
		appCursor bool
		want      string
	}{
		{"letter", key.CodeA, 'a', 0, false, "a"},
		{"shifted letter", key.CodeA, 'A', shift, false, "A"},
		{"non-ASCII", key.CodeUnknown, 'é', 0, false, "é"},
		{"ctrl c", key.CodeC, 'c', ctrl, false, "\x03"},
		{"ctrl shift c", key.CodeC, 'C', ctrl | shift, false, "\x03"},
		{"ctrl space", key.CodeSpacebar, ' ', ctrl, false, "\x00"},
		{"ctrl [", key.CodeLeftSquareBracket, '[', ctrl, false, "\x1b"},
		{"alt x", key.CodeX, 'x', alt, false, "\x1bx"},
		{"ctrl alt a", key.CodeA, 'a', ctrl | alt, false, "\x1b\x01"},
		{"enter", key.CodeReturnEnter, -1, 0, false, "\r"},
		{"alt enter", key.CodeReturnEnter, -1, alt, false, "\x1b\r"},
		{"tab", key.CodeTab, -1, 0, false, "\t"},
		{"shift tab", key.CodeTab, -1, shift, false, "\x1b[Z"},
		{"backspace", key.CodeDeleteBackspace, -1, 0, false, "\x7f"},
		{"ctrl backspace", key.CodeDeleteBackspace, -1, ctrl, false, "\x08"},
		{"escape", key.CodeEscape, -1, 0, false, "\x1b"},
		{"up", key.CodeUpArrow, -1, 0, false, "\x1b[A"},
		{"up app cursor", key.CodeUpArrow, -1, 0, true, "\x1bOA"},
		{"ctrl left", key.CodeLeftArrow, -1, ctrl, false, "\x1b[1;5D"},
		{"shift right app", key.CodeRightArrow, -1, shift, true, "\x1b[1;2C"},
		{"alt down", key.CodeDownArrow, -1, alt, false, "\x1b[1;3B"},
		{"home", key.CodeHome, -1, 0, false, "\x1b[H"},
		{"end app cursor", key.CodeEnd, -1, 0, true, "\x1bOF"},
		{"F1", key.CodeF1, -1, 0, false, "\x1bOP"},
		{"shift F3", key.CodeF3, -1, shift, false, "\x1b[1;2R"},
		{"F5", key.CodeF5, -1, 0, false, "\x1b[15~"},
		{"ctrl F12", key.CodeF12, -1, ctrl, false, "\x1b[24;5~"},
		{"delete", key.CodeDeleteForward, -1, 0, false, "\x1b[3~"},
		{"page up", key.CodePageUp, -1, 0, false, "\x1b[5~"},
		{"shift page down", key.CodePageDown, -1, shift, false, "\x1b[6;2~"},
		{"shift alone", key.CodeLeftShift, -1, shift, false, ""},
		{"ctrl without a C0 byte", key.CodeUnknown, 'é', ctrl, false, "é"},
		{"keypad enter", key.CodeKeypadEnter, -1, 0, false, "\r"},
		{"keypad digit", key.CodeKeypad1, '1', 0, false, "1"},
		{"no character", key.CodeMute, -1, 0, false, ""},
	}
	for _, tt := range tests {
		e := key.Event{Code: tt.code, Rune: tt.r, Modifiers: tt.mods, Direction: key.DirPress}
		if got := string(encodeKey(e, tt.appCursor)); got != tt.want {
			t.Errorf("%s: encoded %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestEncodePaste(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		bracketed bool
		want      string
	}{
		{"plain", "ls -l\n", false, "ls -l\r"},
		{"crlf", "a\r\nb", false, "a\rb"},
		{"bracketed", "echo hi\n", true, "\x1b[200~echo hi\r\x1b[201~"},
		{"bracket end removed", "x\x1b[201~rm", true, "\x1b[200~xrm\x1b[201~"},
	}
	for _, tt := range tests {
		if got := string(encodePaste([]byte(tt.text), tt.bracketed)); got != tt.want {
			t.Errorf("%s: encoded %q, want %q", tt.name, got, tt.want)
		}
	}
}
