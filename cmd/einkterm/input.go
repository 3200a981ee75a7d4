package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
	"golang.org/x/term"

	eterm "github.com/einkterm/einkterm/term"
	"github.com/einkterm/einkterm/term/evdev"
)

// input is the keyboard of a session: the controlling terminal in raw
// mode, keyboards read from evdev, or plain standard input (a pipe in
// tests and scripts).
type input struct {
	r       io.Reader
	restore func()

	// signals turns the terminal's signal keys on or off; nil when the
	// keyboard is not a terminal.
	signals func(on bool)

	// onContinue, when set, runs after the terminal is raw again on
	// SIGCONT, to restore what the session had set in it.
	onContinue atomic.Pointer[func()]

	// term is the session's terminal once it exists; evdev reads its
	// cursor key mode.
	term atomic.Pointer[eterm.Terminal]
}

// outerTerminal returns the user's terminal for escape sequences that
// einkterm passes on to it, such as bracketed paste mode: standard
// output when both it and the keyboard are terminals, else nil.
func outerTerminal(e *env, in *input) io.Writer {
	out, ok := e.stdout.(*os.File)
	if !ok || !term.IsTerminal(int(out.Fd())) || !isTerminal(in.r) {
		return nil
	}
	return out
}

// openInput is openKeyboard with the automatic choice.
func openInput(e *env) (*input, error) {
	return openKeyboard(e, "auto", nil)
}

// keyboardUsage is the help of the --keyboard flag.
const keyboardUsage = "where keys come from: auto, tty, stdin, or evdev[:/dev/input/eventN] " +
	"(auto: the terminal when standard input is one, evdev when it is /dev/null, else standard input)"

// openKeyboard opens the keyboard that mode names. The caller must call
// restore on every exit path; restore is idempotent.
func openKeyboard(e *env, mode string, log *slog.Logger) (*input, error) {
	kind, path, _ := strings.Cut(mode, ":")
	if kind == "auto" {
		kind = autoKeyboard(e)
		if kind == "evdev" {
			return openEvdevOrStdin(e, log)
		}
	}
	switch kind {
	case "tty":
		return openTTY(e)
	case "stdin":
		return &input{r: e.stdin, restore: func() {}}, nil
	case "evdev":
		return openEvdev(path, log)
	}
	return nil, fmt.Errorf("invalid --keyboard %q: %s", mode, keyboardUsage)
}

// autoKeyboard picks the terminal when standard input is one, evdev
// when standard input is /dev/null (a service started with no terminal)
// and plain standard input otherwise.
func autoKeyboard(e *env) string {
	f, ok := e.stdin.(*os.File)
	if !ok {
		return "stdin"
	}
	if term.IsTerminal(int(f.Fd())) {
		return "tty"
	}
	if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
		if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(st, null) {
			return "evdev"
		}
	}
	return "stdin"
}

func openTTY(e *env) (*input, error) {
	in := &input{r: e.stdin, restore: func() {}}
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, fmt.Errorf("--keyboard tty: standard input is not a terminal; use --keyboard stdin or evdev")
	}
	saved, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		return nil, fmt.Errorf("reading the terminal modes: %w", err)
	}
	fd := int(f.Fd())
	cooked, err := term.GetState(fd)
	if err != nil {
		return nil, fmt.Errorf("reading the terminal modes: %w", err)
	}
	var signalKeys atomic.Bool
	reraw := func() {
		makeRaw(fd)
		if signalKeys.Load() {
			setSignalKeys(fd, true)
		}
		if f := in.onContinue.Load(); f != nil {
			(*f)()
		}
	}
	// The handler is in place before the terminal goes raw, so a stop
	// that comes at once still finds it.
	stopJobControl := handleJobControl(fd, cooked, reraw)
	state, err := makeRaw(fd)
	if err != nil {
		stopJobControl()
		return nil, err
	}
	// NOTE: without a guard (einkterm's executable cannot be started
	// again), a crash leaves the terminal in raw mode.
	guard, _ := startTTYGuard(f, saved)
	in.signals = func(on bool) {
		signalKeys.Store(on)
		setSignalKeys(fd, on)
	}
	var once sync.Once
	in.restore = func() {
		once.Do(func() {
			stopJobControl()
			term.Restore(fd, state)
			if guard != nil {
				guard.stop()
			}
		})
	}
	return in, nil
}

// makeRaw puts the terminal in raw mode for input but keeps output
// processing, so that messages written to it while a session runs start
// each line at the left edge. It returns the state to restore.
func makeRaw(fd int) (*term.State, error) {
	state, err := term.MakeRaw(fd)
	if err != nil {
		return nil, fmt.Errorf("putting the terminal in raw mode: %w", err)
	}
	if t, err := unix.IoctlGetTermios(fd, unix.TCGETS); err == nil {
		t.Oflag |= unix.OPOST | unix.ONLCR
		unix.IoctlSetTermios(fd, unix.TCSETS, t)
	}
	return state, nil
}

// setSignalKeys turns ISIG on or off on the terminal fd, so that Ctrl-C,
// Ctrl-\ and Ctrl-Z raise SIGINT, SIGQUIT and SIGTSTP instead of being
// read as bytes.
func setSignalKeys(fd int, on bool) {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return
	}
	if on {
		t.Lflag |= unix.ISIG
	} else {
		t.Lflag &^= unix.ISIG
	}
	unix.IoctlSetTermios(fd, unix.TCSETS, t)
}

// setSignalKeys makes the signal keys of a terminal keyboard raise
// signals (on) or reach the session as bytes (off). A session turns
// them on while it connects, so that Ctrl-C stops a connection that
// hangs, and off once the remote program reads the keys.
func (in *input) setSignalKeys(on bool) {
	if in.signals != nil {
		in.signals(on)
	}
}

// handleJobControl restores the terminal when einkterm is stopped
// (SIGTSTP from kill or a shell) and calls reraw to put it back in raw
// mode when it continues, as a shell's fg does. Ctrl-Z itself reaches
// the remote program, since raw mode sends it as a byte. The returned
// function stops the handling.
func handleJobControl(fd int, saved *term.State, reraw func()) func() {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTSTP, syscall.SIGCONT)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case s := <-sigs:
				select {
				case <-done:
					return // restored meanwhile: leave the terminal alone
				default:
				}
				if s == syscall.SIGTSTP {
					term.Restore(fd, saved)
					// The shell that takes over reads pastes unmarked.
					unix.Write(fd, []byte(pasteModeOff))
					// SIGSTOP cannot be caught, so the stop happens
					// now; SIGCONT arrives when the shell resumes us.
					syscall.Kill(os.Getpid(), syscall.SIGSTOP)
					continue
				}
				reraw()
			}
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}

// openEvdevOrStdin takes the evdev keyboards when there are any, and
// standard input (which ends at once) when there are none, so a program
// run with no terminal and no keyboard still ends.
func openEvdevOrStdin(e *env, log *slog.Logger) (*input, error) {
	in, err := openEvdev("", log)
	if err == nil {
		if kb := in.r.(*evdev.Keyboard); len(kb.Devices()) > 0 {
			return in, nil
		}
		in.restore()
	}
	return &input{r: e.stdin, restore: func() {}}, nil
}

// openEvdev grabs the keyboard at path, or every keyboard (and those
// plugged in later) when path is empty.
func openEvdev(path string, log *slog.Logger) (*input, error) {
	in := &input{}
	kb, err := evdev.Open(path, evdev.Options{
		Logger: log,
		AppCursor: func() bool {
			t := in.term.Load()
			return t != nil && t.AppCursorKeys()
		},
	})
	if err != nil {
		return nil, err
	}
	in.r = kb
	in.restore = func() { kb.Close() }
	return in, nil
}
