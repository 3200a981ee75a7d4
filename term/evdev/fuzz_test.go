package evdev

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseKeymap(f *testing.F) {
	for _, seed := range []string{
		"21 z Z\n44 y Y\n",
		"16 q Q @\n# comment\n\n",
		"12 U+00DF ? U+005C",
		"30 a",
		"767 a A",
		"30 U+D800 A",
		"30 \xff A",
		"65535 a A",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		m, err := ParseKeymap(strings.NewReader(src))
		if err != nil {
			return
		}
		for code, b := range m {
			if code == 0 || code > keyMax {
				t.Errorf("code %d out of range", code)
			}
			for _, r := range []rune{b.Normal, b.Shift, b.AltGr} {
				if r != 0 && !utf8.ValidRune(r) {
					t.Errorf("code %d binds invalid rune %U", code, r)
				}
			}
		}
	})
}
