package main

import (
	"os"
	"strings"
	"testing"
)

func TestAutoKeyboardChoice(t *testing.T) {
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	tests := []struct {
		name  string
		stdin any
		want  string
	}{
		{"/dev/null is a service", null, "evdev"},
		{"a pipe is a script", r, "stdin"},
		{"a reader is a test", strings.NewReader(""), "stdin"},
	}
	for _, tt := range tests {
		e := &env{getenv: os.Getenv}
		switch s := tt.stdin.(type) {
		case *os.File:
			e.stdin = s
		case *strings.Reader:
			e.stdin = s
		}
		if got := autoKeyboard(e); got != tt.want {
			t.Errorf("%s: autoKeyboard = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestOpenKeyboardErrors(t *testing.T) {
	e := &env{stdin: strings.NewReader(""), getenv: os.Getenv}
	if _, err := openKeyboard(e, "mouse", nil); err == nil || !strings.Contains(err.Error(), "invalid --keyboard") {
		t.Errorf("unknown mode: err = %v", err)
	}
	if _, err := openKeyboard(e, "tty", nil); err == nil || !strings.Contains(err.Error(), "not a terminal") {
		t.Errorf("tty on a pipe: err = %v", err)
	}
	if _, err := openKeyboard(e, "evdev:/nonexistent/event9", nil); err == nil {
		t.Error("a missing evdev device was accepted")
	}
}
