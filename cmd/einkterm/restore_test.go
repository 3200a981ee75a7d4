package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/einkterm/einkterm/deploy/peertest"
)

var (
	buildOnce  sync.Once
	binaryPath string
	buildErr   error
)

// buildEinkterm builds the command once per test run.
func buildEinkterm(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "einkterm-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binaryPath = filepath.Join(dir, "einkterm")
		out, err := exec.Command("go", "build", "-o", binaryPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			binaryPath = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, binaryPath)
	}
	return binaryPath
}

// ttyRun is einkterm running with a pseudo-terminal as its keyboard.
type ttyRun struct {
	cmd    *exec.Cmd
	master *os.File
	slave  *os.File
	before unix.Termios
	stderr bytes.Buffer
	output lockedBuffer // what einkterm wrote to the terminal
	done   chan error
}

func startOnTTY(t *testing.T, args ...string) *ttyRun {
	t.Helper()
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatalf("opening a pty: %v", err)
	}
	t.Cleanup(func() { master.Close(); slave.Close() })
	r := &ttyRun{master: master, slave: slave, done: make(chan error, 1)}
	before, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	r.before = *before
	r.cmd = exec.Command(buildEinkterm(t), args...)
	r.cmd.Stdin = slave
	r.cmd.Stdout = slave
	r.cmd.Stderr = &r.stderr
	r.cmd.Env = append(os.Environ(), "DISPLAY=", "WAYLAND_DISPLAY=")
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	// Drain what einkterm writes to the terminal.
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			r.output.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { r.cmd.Process.Kill() })
	return r
}

// waitRaw waits until einkterm has put the terminal in raw mode.
func (r *ttyRun) waitRaw(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		now, err := unix.IoctlGetTermios(int(r.slave.Fd()), unix.TCGETS)
		if err == nil && now.Lflag&unix.ICANON == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("einkterm did not put the terminal in raw mode; stderr:\n%s", r.stderr.String())
}

// wait waits for einkterm to exit and returns its exit status.
func (r *ttyRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case err := <-r.done:
		if err == nil {
			return 0
		}
		if exit, ok := err.(*exec.ExitError); ok {
			return exit.ExitCode()
		}
		t.Fatalf("waiting for einkterm: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatalf("einkterm did not exit within 30 s; stderr:\n%s", r.stderr.String())
	}
	return -1
}

// checkRestored checks that the terminal modes are back as they were.
func (r *ttyRun) checkRestored(t *testing.T) {
	t.Helper()
	now, err := unix.IoctlGetTermios(int(r.slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if now.Lflag != r.before.Lflag || now.Iflag != r.before.Iflag || now.Oflag != r.before.Oflag {
		t.Errorf("terminal not restored: lflag %#x iflag %#x oflag %#x, was %#x %#x %#x",
			now.Lflag, now.Iflag, now.Oflag, r.before.Lflag, r.before.Iflag, r.before.Oflag)
	}
}

func TestTerminalRestoredOnSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			r := startOnTTY(t, "shell", "--display", "record:"+dir, "--panel", testPanel, "--", "sleep", "60")
			r.waitRaw(t)
			r.cmd.Process.Signal(sig)
			if code := r.wait(t); code != 128+int(sig) {
				t.Errorf("exit status %d after %v, want %d as a shell reports", code, sig, 128+int(sig))
			}
			r.checkRestored(t)
			if !strings.Contains(r.stderr.String(), "stopped by signal") {
				t.Errorf("stderr does not say the signal stopped the session:\n%s", r.stderr.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "final.png")); err != nil {
				t.Errorf("the panel's last frame was not written: %v", err)
			}
		})
	}
}

func TestTerminalRestoredAfterWrongPassword(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{Extra: []string{
		"PasswordAuthentication yes",
		"KbdInteractiveAuthentication no",
		"AuthenticationMethods password",
	}})
	r := startOnTTY(t, sshArgs(s, t.TempDir())...)
	r.waitRaw(t)
	for i := 0; i < 3; i++ {
		r.master.Write([]byte("wrong-password\r"))
	}
	if code := r.wait(t); code == 0 {
		t.Error("exit status 0 after a wrong password")
	}
	r.checkRestored(t)
	if !strings.Contains(r.stderr.String(), "permission denied") {
		t.Errorf("stderr lacks the permission error:\n%s", r.stderr.String())
	}
}

// TestEchoedSignalStillCleansUp sends SIGINT twice in a row, as
// coreutils timeout does to a child and then its process group. The
// second counts as an echo of the first, so einkterm still restores
// the terminal and writes the panel's last frame.
func TestEchoedSignalStillCleansUp(t *testing.T) {
	dir := t.TempDir()
	r := startOnTTY(t, "shell", "--display", "record:"+dir, "--panel", testPanel, "--", "sleep", "60")
	r.waitRaw(t)
	r.cmd.Process.Signal(syscall.SIGINT)
	r.cmd.Process.Signal(syscall.SIGINT)
	if code := r.wait(t); code != 128+int(syscall.SIGINT) {
		t.Errorf("exit status %d, want %d", code, 128+int(syscall.SIGINT))
	}
	r.checkRestored(t)
	if _, err := os.Stat(filepath.Join(dir, "final.png")); err != nil {
		t.Errorf("the panel's last frame was not written: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "final.png.tmp")); err == nil {
		t.Error("final.png.tmp was left behind")
	}
}
