package main

import (
	"bytes"
	"testing"
)

func TestEscapeFilter(t *testing.T) {
	tests := []struct {
		name    string
		char    byte
		inputs  []string // one feed call each
		sent    string
		actions []escapeAction
	}{
		{"plain text", '~', []string{"ls -l\r"}, "ls -l\r", nil},
		{"disconnect at start", '~', []string{"~."}, "", []escapeAction{escapeDisconnect}},
		{"disconnect after newline", '~', []string{"echo hi\r~."}, "echo hi\r", []escapeAction{escapeDisconnect}},
		{"after line feed", '~', []string{"a\n~."}, "a\n", []escapeAction{escapeDisconnect}},
		{"help", '~', []string{"\r~?"}, "\r", []escapeAction{escapeHelp}},
		{"double tilde", '~', []string{"\r~~x"}, "\r~x", nil},
		{"tilde mid-line", '~', []string{"cd ~/src\r"}, "cd ~/src\r", nil},
		{"tilde then other", '~', []string{"\r~x"}, "\r~x", nil},
		{"split across reads", '~', []string{"ab\r", "~", "."}, "ab\r", []escapeAction{escapeDisconnect}},
		{"tilde then newline", '~', []string{"~\r~."}, "~\r", []escapeAction{escapeDisconnect}},
		{"font size", '~', []string{"~+a\r~-"}, "a\r", []escapeAction{escapeLarger, escapeSmaller}},
		{"escapes off", 0, []string{"~.\r~?"}, "~.\r~?", nil},
		{"other escape char", 0x1d, []string{"~.\r\x1d."}, "~.\r", []escapeAction{escapeDisconnect}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newEscapeFilter(tt.char)
			var sent bytes.Buffer
			var actions []escapeAction
			for _, in := range tt.inputs {
				sends, acts := f.feed([]byte(in))
				if len(sends) != len(acts) {
					t.Fatalf("feed returned %d sends and %d actions", len(sends), len(acts))
				}
				for i := range sends {
					sent.Write(sends[i])
					if acts[i] != escapeNone {
						actions = append(actions, acts[i])
					}
				}
			}
			if sent.String() != tt.sent {
				t.Errorf("sent %q, want %q", sent.String(), tt.sent)
			}
			if len(actions) != len(tt.actions) {
				t.Fatalf("actions %v, want %v", actions, tt.actions)
			}
			for i := range actions {
				if actions[i] != tt.actions[i] {
					t.Errorf("action %d = %v, want %v", i, actions[i], tt.actions[i])
				}
			}
		})
	}
}

func TestNextFontSize(t *testing.T) {
	tests := []struct {
		current int
		larger  bool
		want    int
	}{
		{16, true, 18}, {16, false, 14}, {32, true, 32}, {12, false, 12},
		{13, true, 14}, {13, false, 12}, {64, false, 32},
	}
	for _, tt := range tests {
		if got := nextFontSize(tt.current, tt.larger); got != tt.want {
			t.Errorf("nextFontSize(%d, %v) = %d, want %d", tt.current, tt.larger, got, tt.want)
		}
	}
}

func TestParseEscapeChar(t *testing.T) {
	tests := []struct {
		in   string
		want byte
		ok   bool
	}{
		{"~", '~', true},
		{"none", 0, true},
		{"^]", 0x1d, true},
		{"^a", 0x01, true},
		{"ab", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := parseEscapeChar(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseEscapeChar(%q) = %#x, %v; want %#x, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// FuzzEscapeFilterSplit checks that where the keyboard's reads split
// the input does not change what is sent or done.
func FuzzEscapeFilterSplit(f *testing.F) {
	f.Add([]byte("ls\r~.\r"), 3)
	f.Add([]byte("~~~?\n~+x"), 1)
	f.Add([]byte("a\r~"), 2)
	f.Fuzz(func(t *testing.T, input []byte, cut int) {
		if cut < 0 || cut > len(input) {
			return
		}
		whole, wholeActs := runFilter(newEscapeFilter('~'), input)
		split, splitActs := runFilter(newEscapeFilter('~'), input[:cut], input[cut:])
		if !bytes.Equal(whole, split) {
			t.Errorf("%q cut at %d: sent %q, whole %q", input, cut, split, whole)
		}
		if len(wholeActs) != len(splitActs) {
			t.Fatalf("%q cut at %d: actions %v, whole %v", input, cut, splitActs, wholeActs)
		}
		if !bytes.Contains(input, []byte("~")) && !bytes.Equal(whole, input) {
			t.Errorf("%q has no escape character but was sent as %q", input, whole)
		}
	})
}

func runFilter(f *escapeFilter, inputs ...[]byte) ([]byte, []escapeAction) {
	var sent []byte
	var actions []escapeAction
	for _, in := range inputs {
		sends, acts := f.feed(in)
		for i := range sends {
			sent = append(sent, sends[i]...)
			if acts[i] != escapeNone {
				actions = append(actions, acts[i])
			}
		}
	}
	return sent, actions
}
