package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
)

// TestSSHSilentLinkLoss stalls the TCP link without closing it, as a
// dropped Wi-Fi does: keepalives find the dead link, input typed in the
// moment before is reported as possibly lost, input typed while down is
// sent after the link is back, and tmux is reattached.
func TestSSHSilentLinkLoss(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	proxy := peertest.StartProxy(t, s.Addr())
	known := filepath.Join(t.TempDir(), "known_hosts")
	line := fmt.Sprintf("[127.0.0.1]:%d %s\n", proxy.Port, s.HostPub)
	if err := os.WriteFile(known, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	tmux := newTmux(t)
	dir := t.TempDir()
	logFile := filepath.Join(t.TempDir(), "einkterm.log")
	run := startLive(t, "ssh", "--display", "record:"+dir+"?frames=1", "--panel", testPanel,
		"-F", "none", "--known-hosts", known, "--no-agent", "-i", s.ClientKey,
		"-o", "ServerAliveInterval=1", "-o", "ServerAliveCountMax=2",
		"--log", logFile, "--log-level", "debug",
		"--resume", tmux.command("main"), "root@"+proxy.Addr())
	pane := func() string { return tmux.pane("main") }
	log := func() string { return readFile(logFile) + "\nstderr:\n" + run.stderr.String() }

	first := "echo one-$((0+1))\r"
	run.typeKeys(t, first)
	waitFor(t, "output before the stall", 20*time.Second, func() bool { return strings.Contains(pane(), "one-1") }, pane)
	waitFor(t, "acknowledged input", 10*time.Second, func() bool {
		return strings.Contains(readFile(logFile), fmt.Sprintf(`msg="input acknowledged by the server" bytes=%d`, len(first)))
	}, log)

	proxy.Freeze()
	unsure := "echo unsure\r"
	run.typeKeys(t, unsure)
	waitFor(t, "dead link detected", 20*time.Second, func() bool {
		return strings.Contains(readFile(logFile), `msg="link down" reason="no answer to keepalives"`)
	}, log)
	queued := "echo queued-$((3+4))\r"
	run.typeKeys(t, queued)
	waitFor(t, "queued input", 10*time.Second, func() bool {
		return strings.Contains(readFile(logFile), fmt.Sprintf(`msg="input queued while the link is down" bytes=%d`, len(queued)))
	}, log)

	proxy.Thaw()
	waitFor(t, "reconnect", 40*time.Second, func() bool { return strings.Contains(readFile(logFile), "msg=reconnected") }, log)
	waitFor(t, "output of the queued input", 20*time.Second, func() bool { return strings.Contains(pane(), "queued-7") }, pane)
	run.typeKeys(t, "exit\r")
	if code := run.wait(t); code != 0 {
		t.Errorf("exit status %d, want 0; stderr:\n%s", code, run.stderr.String())
	}

	rec := logLine(readFile(logFile), "msg=reconnected")
	if want := fmt.Sprintf("queued_bytes=%d ", len(queued)); !strings.Contains(rec, want) {
		t.Errorf("reconnect line %q, want %s", rec, want)
	}
	if want := fmt.Sprintf("unconfirmed_bytes=%d", len(unsure)); !strings.Contains(rec, want) {
		t.Errorf("reconnect line %q, want %s: the bytes typed into the dead link", rec, want)
	}
	if !strings.Contains(readFile(logFile), "input may not have reached the server") {
		t.Errorf("no warning about the unacknowledged input:\n%s", log())
	}
	_, rows, _, _ := panelGrid(t)
	if len(framesShowing(t, dir, rows-1, 0, "link down, retry 1 in 1 s at ")) == 0 {
		t.Error("no recorded frame shows the link-down status line")
	}
}

// TestSSHPasswordAskedOnReconnect restarts a password-only sshd: the
// reconnect asks for the password on the status line and takes it from
// the keys typed, which do not reach the session.
func TestSSHPasswordAskedOnReconnect(t *testing.T) {
	user, password := peertest.PasswordUser(t)
	extra := []string{"PasswordAuthentication yes", "KbdInteractiveAuthentication no"}
	s := peertest.StartSSHD(t, peertest.SSHDOptions{Extra: extra})
	dir := t.TempDir()
	logFile := filepath.Join(t.TempDir(), "einkterm.log")
	run := startLive(t, "ssh", "--display", "record:"+dir, "--panel", testPanel,
		"-F", "none", "--known-hosts", s.KnownHosts, "--no-agent", "-i", s.ClientKey+".missing",
		"--log", logFile, "--log-level", "debug", user+"@"+s.Addr())
	log := func() string { return readFile(logFile) + "\nstderr:\n" + run.stderr.String() }

	run.typeKeys(t, password+"\r")
	waitFor(t, "session start", 20*time.Second, func() bool { return strings.Contains(readFile(logFile), "session started") }, log)
	s.Stop()
	waitFor(t, "link down", 20*time.Second, func() bool { return strings.Contains(readFile(logFile), "link down") }, log)
	peertest.StartSSHD(t, peertest.SSHDOptions{Extra: extra, Port: s.Port, HostKey: s.HostKey, ClientKey: s.ClientKey})
	waitFor(t, "password question", 40*time.Second, func() bool {
		return strings.Contains(readFile(logFile), "reconnect asks on the status line")
	}, log)
	run.typeKeys(t, password+"\r")
	waitFor(t, "reconnect", 20*time.Second, func() bool { return strings.Contains(readFile(logFile), "msg=reconnected") }, log)
	run.typeKeys(t, "echo after-$((1+1))\rexit\r")
	if code := run.wait(t); code != 0 {
		t.Errorf("exit status %d, want 0; stderr:\n%s", code, run.stderr.String())
	}
	if !strings.Contains(logLine(readFile(logFile), "msg=reconnected"), "queued_bytes=0 ") {
		t.Errorf("the password was queued for the session:\n%s", logLine(readFile(logFile), "msg=reconnected"))
	}
	screen := readFile(filepath.Join(dir, "screen.txt"))
	if !strings.Contains(screen, "after-2") {
		t.Errorf("the session after the reconnect did not run the command:\n%s", screen)
	}
	checkNoSecret(t, password, map[string]string{"the debug log": readFile(logFile),
		"stderr": run.stderr.String(), "screen.txt": screen})
}
