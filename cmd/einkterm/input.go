package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// input is the keyboard of a session: the controlling terminal in raw
// mode when there is one, or plain standard input (a pipe in tests and
// scripts).
type input struct {
	r       io.Reader
	restore func()
}

// openInput puts standard input in raw mode when it is a terminal. The
// caller must call restore on every exit path; restore is idempotent.
func openInput(e *env) (*input, error) {
	in := &input{r: e.stdin, restore: func() {}}
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return in, nil
	}
	state, err := term.MakeRaw(int(f.Fd()))
	if err != nil {
		return nil, err
	}
	restored := false
	in.restore = func() {
		if !restored {
			restored = true
			term.Restore(int(f.Fd()), state)
		}
	}
	return in, nil
}
