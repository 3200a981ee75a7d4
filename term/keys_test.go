package term

import "testing"

func TestEncodeKey(t *testing.T) {
	tests := []struct {
		k    Key
		r    rune
		mods Mod
		app  bool
		want string
	}{
		{KeyUp, 0, 0, false, "\x1b[A"},
		{KeyUp, 0, 0, true, "\x1bOA"},
		{KeyLeft, 0, ModCtrl, true, "\x1b[1;5D"},
		{KeyRight, 0, ModShift | ModAlt, false, "\x1b[1;4C"},
		{KeyHome, 0, 0, false, "\x1b[H"},
		{KeyEnd, 0, 0, true, "\x1bOF"},
		{KeyPgUp, 0, 0, false, "\x1b[5~"},
		{KeyPgDn, 0, ModShift, false, "\x1b[6;2~"},
		{KeyInsert, 0, 0, false, "\x1b[2~"},
		{KeyDelete, 0, 0, false, "\x1b[3~"},
		{KeyF1, 0, 0, false, "\x1bOP"},
		{KeyF4, 0, ModCtrl, false, "\x1b[1;5S"},
		{KeyF5, 0, 0, false, "\x1b[15~"},
		{KeyF12, 0, 0, false, "\x1b[24~"},
		{KeyEnter, 0, 0, false, "\r"},
		{KeyEnter, 0, ModAlt, false, "\x1b\r"},
		{KeyTab, 0, 0, false, "\t"},
		{KeyTab, 0, ModShift, false, "\x1b[Z"},
		{KeyBackspace, 0, 0, false, "\x7f"},
		{KeyBackspace, 0, ModCtrl, false, "\x08"},
		{KeyEscape, 0, 0, false, "\x1b"},
		{KeyRune, 'a', 0, false, "a"},
		{KeyRune, 'é', 0, false, "é"},
		{KeyRune, 'c', ModCtrl, false, "\x03"},
		{KeyRune, 'C', ModCtrl, false, "\x03"},
		{KeyRune, '[', ModCtrl, false, "\x1b"},
		{KeyRune, ' ', ModCtrl, false, "\x00"},
		{KeyRune, 'x', ModAlt, false, "\x1bx"},
		{KeyRune, 'x', ModAlt | ModCtrl, false, "\x1b\x18"},
	}
	for _, tc := range tests {
		got := string(EncodeKey(tc.k, tc.r, tc.mods, tc.app))
		if got != tc.want {
			t.Errorf("EncodeKey(%d, %q, %d, %v) = %q, want %q",
				tc.k, tc.r, tc.mods, tc.app, got, tc.want)
		}
	}
}

func TestEncodePaste(t *testing.T) {
	tests := []struct {
		in        string
		bracketed bool
		want      string
	}{
		{"a\nb", false, "a\rb"},
		{"a\r\nb", false, "a\rb"},
		{"ls", true, "\x1b[200~ls\x1b[201~"},
		{"x\x1b[201~y", true, "\x1b[200~xy\x1b[201~"},
	}
	for _, tc := range tests {
		if got := string(EncodePaste([]byte(tc.in), tc.bracketed)); got != tc.want {
			t.Errorf("EncodePaste(%q, %v) = %q, want %q", tc.in, tc.bracketed, got, tc.want)
		}
	}
}
