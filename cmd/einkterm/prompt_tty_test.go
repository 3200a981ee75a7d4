package main

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/einkterm/einkterm/deploy/peertest"
)

// TestHostKeyQuestionReadsTerminal pipes "yes" into einkterm ssh while a
// terminal is its controlling terminal, and types "no" on the terminal.
// As in OpenSSH, the reply comes from the terminal, so the unknown key
// is rejected and not recorded, whatever the script's first line is.
func TestHostKeyQuestionReadsTerminal(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	if err := os.Remove(s.KnownHosts); err != nil {
		t.Fatal(err)
	}
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatalf("opening a pty: %v", err)
	}
	defer master.Close()
	defer slave.Close()

	before, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	stderr := &lockedBuffer{}
	cmd := exec.Command(buildEinkterm(t), sshArgs(s, t.TempDir())...)
	cmd.Stdin = strings.NewReader("yes\necho piped-line\n")
	cmd.Stdout = slave
	cmd.Stderr = stderr
	cmd.Env = append(os.Environ(), "DISPLAY=", "WAYLAND_DISPLAY=")
	// The child's standard output, fd 1, is the pty: it becomes the
	// controlling terminal of the child's new session.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 1}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	go func() {
		buf := make([]byte, 4096)
		for {
			if _, err := master.Read(buf); err != nil {
				return
			}
		}
	}()

	waitFor(t, "the host key question", 20*time.Second, func() bool {
		return strings.Contains(stderr.String(), "continue connecting (yes/no)?")
	}, stderr.String)
	master.Write([]byte("no\r"))

	select {
	case err := <-done:
		if err == nil {
			t.Errorf("einkterm exited 0: the piped yes was taken\n%s", stderr.String())
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("einkterm did not exit after the answer; stderr:\n%s", stderr.String())
	}
	if _, err := os.Stat(s.KnownHosts); err == nil {
		t.Error("the host key was recorded although the terminal answered no")
	}
	after, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if after.Lflag != before.Lflag || after.Iflag != before.Iflag {
		t.Errorf("the terminal was left in other modes: lflag %#x iflag %#x, was %#x %#x",
			after.Lflag, after.Iflag, before.Lflag, before.Iflag)
	}
	if !strings.Contains(stderr.String(), "not accepted") {
		t.Errorf("stderr does not say the key was not accepted:\n%s", stderr.String())
	}
}
