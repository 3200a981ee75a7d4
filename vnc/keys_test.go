package vnc

import (
	"reflect"
	"testing"
)

func TestParseKeys(t *testing.T) {
	tests := []struct {
		in   string
		want []Key
		rest string
	}{
		{"aZ", []Key{{Sym: 'a'}, {Sym: 'Z'}}, ""},
		{"\r\t\x7f", []Key{{Sym: XKReturn}, {Sym: XKTab}, {Sym: XKBackSpace}}, ""},
		{"\x03", []Key{{Sym: 'c', Mods: ModControl}}, ""},
		{"\x1d", []Key{{Sym: ']', Mods: ModControl}}, ""},
		{"\x1b", []Key{{Sym: XKEscape}}, ""},
		{"\x1bx", []Key{{Sym: 'x', Mods: ModAlt}}, ""},
		{"\x1b[A\x1b[B\x1b[C\x1b[D", []Key{{Sym: XKUp}, {Sym: XKDown}, {Sym: XKRight}, {Sym: XKLeft}}, ""},
		{"\x1bOA\x1bOP", []Key{{Sym: XKUp}, {Sym: XKF1}}, ""},
		{"\x1b[1;5C", []Key{{Sym: XKRight, Mods: ModControl}}, ""},
		{"\x1b[1;2H", []Key{{Sym: XKHome, Mods: ModShift}}, ""},
		{"\x1b[3~\x1b[5;3~", []Key{{Sym: XKDelete}, {Sym: XKPageUp, Mods: ModAlt}}, ""},
		{"\x1b[15~\x1b[24~", []Key{{Sym: XKF1 + 4}, {Sym: XKF1 + 11}}, ""},
		{"\x1b[Z", []Key{{Sym: XKTab, Mods: ModShift}}, ""},
		{"é€", []Key{{Sym: 0xe9}, {Sym: 0x010020ac}}, ""},
		{"a\xe2\x82", []Key{{Sym: 'a'}}, "\xe2\x82"},
		{"\x1b[99x", []Key{{Sym: '[', Mods: ModAlt}, {Sym: '9'}, {Sym: '9'}, {Sym: 'x'}}, ""},
	}
	for _, tt := range tests {
		got, rest := ParseKeys([]byte(tt.in))
		if !reflect.DeepEqual(got, tt.want) || string(rest) != tt.rest {
			t.Errorf("ParseKeys(%q) = %+v, rest %q; want %+v, rest %q", tt.in, got, rest, tt.want, tt.rest)
		}
	}
}

func TestKeyEventsWrapModifiers(t *testing.T) {
	got := Key{Sym: 'c', Mods: ModControl | ModShift}.Events()
	want := []KeyEvent{
		{XKShiftL, true}, {XKControlL, true},
		{'c', true}, {'c', false},
		{XKControlL, false}, {XKShiftL, false},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events %+v, want %+v", got, want)
	}
}
