package main

import (
	"bytes"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// termios returns the terminal modes of the pty einkterm runs on.
func (r *ttyRun) termios(t *testing.T) *unix.Termios {
	t.Helper()
	now, err := unix.IoctlGetTermios(int(r.slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return now
}

// waitModes waits until the terminal's local modes satisfy ok.
func (r *ttyRun) waitModes(t *testing.T, what string, ok func(*unix.Termios) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ok(r.termios(t)) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("terminal never became %s", what)
}

// waitStopped waits until the process is stopped, as its state in
// /proc/PID/stat shows.
func (r *ttyRun) waitStopped(t *testing.T) {
	t.Helper()
	path := fmt.Sprintf("/proc/%d/stat", r.cmd.Process.Pid)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// The state follows the command name, which is in parentheses.
		if i := bytes.LastIndexByte(b, ')'); i >= 0 && i+2 < len(b) && b[i+2] == 'T' {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("einkterm never stopped after SIGTSTP")
}

func TestRawModeKeepsOutputProcessing(t *testing.T) {
	r := startOnTTY(t, "shell", "--display", "record:"+t.TempDir(), "--panel", testPanel, "--", "sleep", "30")
	r.waitRaw(t)
	if o := r.termios(t).Oflag; o&unix.OPOST == 0 || o&unix.ONLCR == 0 {
		t.Errorf("raw terminal has oflag %#x: messages would not start at the left edge", o)
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	r.wait(t)
	r.checkRestored(t)
}

func TestStopAndContinueRestoreRawMode(t *testing.T) {
	r := startOnTTY(t, "shell", "--display", "record:"+t.TempDir(), "--panel", testPanel, "--", "sleep", "30")
	r.waitRaw(t)
	r.cmd.Process.Signal(syscall.SIGTSTP)
	r.waitModes(t, "cooked after SIGTSTP", func(m *unix.Termios) bool { return m.Lflag&unix.ICANON != 0 })
	// A shell continues a job only once it has stopped, and einkterm
	// stops itself just after it restores the terminal.
	r.waitStopped(t)
	r.cmd.Process.Signal(syscall.SIGCONT)
	r.waitModes(t, "raw again after SIGCONT", func(m *unix.Termios) bool { return m.Lflag&unix.ICANON == 0 })
	r.cmd.Process.Signal(syscall.SIGTERM)
	if code := r.wait(t); code != 128+int(syscall.SIGTERM) {
		t.Errorf("exit status %d after SIGTERM, want 143", code)
	}
	r.checkRestored(t)
}
