package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/einkterm/einkterm/display"
)

// linePrompter asks questions on standard error and reads the answers
// from the session's keyboard one byte at a time, so nothing typed after
// the answer is lost to the session. The keyboard is in raw mode when it
// is a terminal, so the prompter echoes visible answers itself and
// secrets not at all.
type linePrompter struct {
	in  io.Reader
	out io.Writer

	// ctx ends a pending read when it is done, so that a signal stops a
	// prompt that waits on a terminal; nil means reads are not stopped.
	ctx context.Context
}

func (p *linePrompter) Confirm(question string) (bool, error) {
	for {
		fmt.Fprint(p.out, question)
		ans, err := p.readLine(true)
		if err != nil {
			return false, err
		}
		switch strings.ToLower(strings.TrimSpace(ans)) {
		case "yes":
			return true, nil
		case "no", "":
			return false, nil
		}
		question = "Please type 'yes' or 'no': "
	}
}

func (p *linePrompter) Secret(prompt string) (string, error) {
	fmt.Fprint(p.out, prompt)
	return p.readLine(false)
}

// errInterrupted is returned when the user types Ctrl-C or Ctrl-D at a
// prompt.
var errInterrupted = errors.New("prompt interrupted")

func (p *linePrompter) readLine(echo bool) (string, error) {
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := p.read(b)
		if n == 0 && err != nil {
			if errors.Is(err, io.EOF) && len(line) > 0 {
				break
			}
			return "", fmt.Errorf("reading answer: %w", err)
		}
		if n == 0 {
			continue
		}
		c := b[0]
		if c == '\r' || c == '\n' {
			break
		}
		switch c {
		case 3, eot:
			fmt.Fprint(p.out, "\r\n")
			return "", errInterrupted
		case 127, 8:
			if len(line) > 0 {
				line = line[:len(line)-1]
				if echo {
					fmt.Fprint(p.out, "\b \b")
				}
			}
			continue
		}
		line = append(line, c)
		if echo {
			p.out.Write(b)
		}
	}
	fmt.Fprint(p.out, "\r\n")
	return string(line), nil
}

// read reads from p.in until p.ctx is done. A read still blocked then is
// left behind: its goroutine ends with the next key typed, or with the
// process, and its byte is dropped.
func (p *linePrompter) read(b []byte) (int, error) {
	if p.ctx == nil {
		return p.in.Read(b)
	}
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	buf := make([]byte, len(b))
	go func() {
		n, err := p.in.Read(buf)
		done <- result{n, err}
	}()
	select {
	case r := <-done:
		copy(b, buf[:r.n])
		return r.n, r.err
	case <-p.ctx.Done():
		return 0, context.Cause(p.ctx)
	}
}

// promptInput returns where the login prompts read their answers, and
// a function that undoes what it set up:
//   - the panel's own keyboard when the panel has one and standard input
//     is not a terminal (a VNC client typing into einkterm serve, or a
//     simulator window started from a script);
//   - the controlling terminal, in raw mode until done is called, when
//     standard input is a pipe or a file and a terminal exists. As in
//     OpenSSH, a host key or a password is then never taken from a
//     script's lines;
//   - else the session's keyboard.
func promptInput(e *env, in *input, panel display.Panel) (r io.Reader, done func()) {
	kb, ok := panel.(display.Keyboard)
	switch {
	case stdinIsTerminal(e):
		return in.r, func() {}
	case ok:
		return &keyboardReader{keys: kb.Input()}, func() {}
	}
	if _, isFile := e.stdin.(*os.File); isFile {
		if tty, restore, err := openControllingTerminal(); err == nil {
			return tty, restore
		}
	}
	return in.r, func() {}
}

// openControllingTerminal opens /dev/tty in raw mode, as the login
// prompts expect of their keyboard, and returns it with a function that
// restores its modes and closes it.
func openControllingTerminal() (*os.File, func(), error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, err
	}
	state, err := term.MakeRaw(int(tty.Fd()))
	if err != nil {
		tty.Close()
		return nil, nil, err
	}
	return tty, func() {
		term.Restore(int(tty.Fd()), state)
		tty.Close()
	}, nil
}

// stdinIsTerminal reports whether e's standard input is a terminal.
func stdinIsTerminal(e *env) bool {
	f, ok := e.stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// keyboardReader reads the bytes typed on a panel's own keyboard. It
// takes from the channel only inside Read, so keys typed after the
// prompts are left for the session.
// NOTE: bytes that arrive in the same chunk after the answer's Enter are
// dropped with the reader. A VNC key event is one chunk, so this happens
// only to keyboards that send several keys in one chunk.
type keyboardReader struct {
	keys <-chan []byte
	rest []byte
}

func (k *keyboardReader) Read(p []byte) (int, error) {
	if len(k.rest) == 0 {
		b, ok := <-k.keys
		if !ok {
			return 0, io.EOF
		}
		k.rest = b
	}
	n := copy(p, k.rest)
	k.rest = k.rest[n:]
	return n, nil
}
