package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestSSHCtrlCWhileConnecting types Ctrl-C on the terminal while einkterm
// waits for a server that accepted the connection and never speaks. As
// in OpenSSH, the key stops the attempt at once, long before the 15 s
// timeout, with the status of SIGINT. Meanwhile the panel showed what was going
// on.
func TestSSHCtrlCWhileConnecting(t *testing.T) {
	addr, accepted := muteServer(t)
	dir := t.TempDir()
	r := startFaultControlling(t, "ssh", "--display", "record:"+dir, "--panel", testPanel,
		"-F", "none", "--no-agent", "--known-hosts", filepath.Join(t.TempDir(), "known_hosts"),
		"root@"+addr)
	waitAccepted(t, r, accepted)
	modes, err := unix.IoctlGetTermios(int(r.slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if modes.Lflag&unix.ISIG == 0 {
		t.Errorf("lflag %#x while connecting: the signal keys are off", modes.Lflag)
	}
	start := time.Now()
	r.master.Write([]byte{3})
	code := r.exitWithin(t, 5*time.Second)
	if code != 128+int(unix.SIGINT) {
		t.Errorf("exit status %d after Ctrl-C, want %d; stderr:\n%s", code, 128+int(unix.SIGINT), r.stderr.String())
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("einkterm took %v to stop after Ctrl-C", took)
	}
	r.checkRestored(t)
	if !strings.Contains(r.stderr.String(), "stopped: interrupt") {
		t.Errorf("stderr does not say the login was interrupted:\n%s", r.stderr.String())
	}
	if screen := readFile(filepath.Join(dir, "screen.txt")); !strings.Contains(screen, "Connecting to root@"+addr) {
		t.Errorf("the panel did not say it was connecting:\n%s", screen)
	}
}
