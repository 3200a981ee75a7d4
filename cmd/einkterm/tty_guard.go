package main

import (
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ttyGuardEnv names the environment variable that starts a terminal
// guard: its value is the terminal's saved termios, in hex.
const ttyGuardEnv = "EINKTERM_TTY_GUARD"

// A terminal guard is a child process that puts the terminal back in
// its saved modes when einkterm ends in a way that runs no Go code: an
// unrecovered panic in any goroutine, SIGQUIT, SIGKILL or the
// out-of-memory killer. It holds the terminal (descriptor 3) and the
// read end of a pipe (descriptor 4) whose write end only einkterm
// holds, so end of file on the pipe means einkterm is gone. The guard is
// the same executable, started with ttyGuardEnv set, and this init
// function turns it into the guard before main runs.
func init() {
	if v := os.Getenv(ttyGuardEnv); v != "" {
		os.Exit(runTTYGuard(v))
	}
}

// runTTYGuard waits for the parent to end and restores the terminal.
func runTTYGuard(state string) int {
	signal.Ignore(syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	var saved unix.Termios
	raw, err := hex.DecodeString(state)
	if err != nil || len(raw) != int(unsafe.Sizeof(saved)) {
		return 2
	}
	copy(termiosBytes(&saved), raw)
	tty := os.NewFile(3, "terminal")
	pipe := os.NewFile(4, "guard pipe")
	io.Copy(io.Discard, pipe)
	if err := unix.IoctlSetTermios(int(tty.Fd()), unix.TCSETS, &saved); err != nil {
		return 1
	}
	// The session may have turned bracketed paste on in the terminal;
	// a shell turns it on again at its next prompt if it uses it.
	tty.Write([]byte(pasteModeOff))
	return 0
}

func termiosBytes(t *unix.Termios) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(t)), unsafe.Sizeof(*t))
}

// ttyGuard is a running terminal guard.
type ttyGuard struct {
	cmd  *exec.Cmd
	pipe *os.File // the write end, whose closing ends the guard
}

// startTTYGuard starts a guard that puts tty back in the modes saved.
func startTTYGuard(tty *os.File, saved *unix.Termios) (*ttyGuard, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("terminal guard: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("terminal guard: %w", err)
	}
	defer r.Close()
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), ttyGuardEnv+"="+hex.EncodeToString(termiosBytes(saved)))
	// The guard keeps no standard stream open, so that a program
	// waiting for einkterm's output is not held by it. It writes only
	// to the terminal.
	cmd.ExtraFiles = []*os.File{tty, r}
	// A session of its own keeps terminal signals such as Ctrl-C away
	// from the guard.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("terminal guard: %w", err)
	}
	return &ttyGuard{cmd: cmd, pipe: w}, nil
}

// stop ends the guard, which restores the terminal once more, and
// waits for it.
func (g *ttyGuard) stop() {
	g.pipe.Close()
	g.cmd.Wait()
}
