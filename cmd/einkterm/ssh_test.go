package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/einkterm/einkterm/deploy/peertest"
)

func sshArgs(s *peertest.SSHD, dir string, extra ...string) []string {
	args := []string{"ssh", "--display", "record:" + dir, "--panel", testPanel,
		"-F", "none", "--known-hosts", s.KnownHosts, "--no-agent", "-i", s.ClientKey}
	args = append(args, extra...)
	return append(args, "root@"+s.Addr())
}

func TestSSHEchoAndTTY(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	dir := t.TempDir()
	code, stderr := runCommand(t, "echo hello; tty\n", sshArgs(s, dir)...)
	if code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s\nsshd:\n%s", code, stderr, s.Log())
	}
	rec := readRecording(t, dir)
	checkGlyphs(t, rec, "hello")
	if _, _, ok := rec.findLine("/dev/pts/"); !ok {
		t.Errorf("screen has no /dev/pts/N from tty:\n%s", strings.Join(rec.screen, "\n"))
	}
	checkGlyphs(t, rec, "/dev/pts/")
	checkRefreshes(t, rec, 20)
}

func TestSSHExitStatusAndSize(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	dir := t.TempDir()
	args := append(sshArgs(s, dir), "stty size; exit 7")
	code, stderr := runCommand(t, "", args...)
	if code != 7 {
		t.Fatalf("exit status %d, want the remote's 7; stderr:\n%s", code, stderr)
	}
	rec := readRecording(t, dir)
	// 640x384 with the default font: the size the emulator reports.
	row, _, ok := rec.findLine(" ")
	if !ok {
		t.Fatalf("no stty output on screen:\n%s", strings.Join(rec.screen, "\n"))
	}
	var rows, cols int
	if _, err := fmt.Sscanf(rec.screen[row], "%d %d", &rows, &cols); err != nil {
		t.Fatalf("stty size printed %q: %v", rec.screen[row], err)
	}
	if rows < 10 || cols < 40 {
		t.Errorf("remote pty is %dx%d, want the panel's size in cells", cols, rows)
	}
}

func TestSSHChangedHostKeyRejected(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	other := peertest.StartSSHD(t, peertest.SSHDOptions{})
	// Record the other server's key for this server's address.
	line := fmt.Sprintf("[127.0.0.1]:%d %s\n", s.Port, other.HostPub)
	if err := os.WriteFile(s.KnownHosts, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	code, stderr := runCommand(t, "echo should-not-run\n", sshArgs(s, dir)...)
	if code == 0 {
		t.Fatal("connected to a host whose key changed")
	}
	if !strings.Contains(stderr, "REMOTE HOST IDENTIFICATION HAS CHANGED") {
		t.Errorf("stderr lacks the changed-key warning:\n%s", stderr)
	}
	if !strings.Contains(stderr, s.KnownHosts+":1") {
		t.Errorf("stderr does not name the known_hosts line:\n%s", stderr)
	}
	// The panel keeps the warning, for boards with no other screen.
	screen := readFile(filepath.Join(dir, "screen.txt"))
	if !strings.Contains(screen, "REMOTE HOST IDENTIFICATION HAS CHANGED") {
		t.Errorf("the panel does not show the changed-key warning:\n%s", screen)
	}
}

func TestSSHUnknownHostConfirmed(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	if err := os.Remove(s.KnownHosts); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	code, stderr := runCommand(t, "yes\necho accepted\n", sshArgs(s, dir)...)
	if code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "SHA256:") {
		t.Errorf("the question shows no SHA256 fingerprint:\n%s", stderr)
	}
	saved, err := os.ReadFile(s.KnownHosts)
	if err != nil {
		t.Fatalf("known_hosts not written: %v", err)
	}
	want := fmt.Sprintf("[127.0.0.1]:%d %s", s.Port, s.HostPub)
	if strings.TrimSpace(string(saved)) != want {
		t.Errorf("known_hosts = %q, want %q", saved, want)
	}
	checkGlyphs(t, readRecording(t, dir), "accepted")
}

func TestSSHUnknownHostRefused(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	if err := os.Remove(s.KnownHosts); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	code, stderr := runCommand(t, "no\n", sshArgs(s, dir)...)
	if code == 0 {
		t.Fatal("connected although the host key was refused")
	}
	screen := readFile(filepath.Join(dir, "screen.txt"))
	for _, want := range []string{"The authenticity of host", "SHA256:", "not accepted"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the panel does not show %q:\n%s", want, screen)
		}
	}
	if !strings.Contains(stderr, "not accepted") {
		t.Errorf("stderr does not say the key was not accepted:\n%s", stderr)
	}
	if _, err := os.Stat(s.KnownHosts); err == nil {
		t.Error("known_hosts was written for a refused key")
	}
}

func TestSSHWrongPassword(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{Extra: []string{
		"PasswordAuthentication yes",
		"KbdInteractiveAuthentication no",
		"AuthenticationMethods password",
	}})
	const secret = "not-the-password-123"
	dir := t.TempDir()
	input := strings.Repeat(secret+"\n", 3)
	code, stderr := runCommand(t, input, sshArgs(s, dir, "--log-level", "debug")...)
	if code == 0 {
		t.Fatal("logged in with a wrong password")
	}
	if code != 255 {
		t.Errorf("exit status %d, want 255 as ssh(1) gives for a failed login", code)
	}
	if !strings.Contains(stderr, "permission denied for root@"+s.Addr()) {
		t.Errorf("stderr lacks a clear permission error:\n%s", stderr)
	}
	if !strings.Contains(stderr, "password") {
		t.Errorf("the error does not name the password method:\n%s", stderr)
	}
	if strings.Contains(stderr, secret) {
		t.Errorf("the password reached the output:\n%s", stderr)
	}
}

// TestSSHRefusedExits255 connects to a port where nothing listens:
// einkterm exits 255, as ssh(1) does when it fails itself, so a script
// can tell that from the remote program's status.
func TestSSHRefusedExits255(t *testing.T) {
	port := peertest.FreePort(t)
	code, stderr := runCommand(t, "", "ssh", "--display", "record:"+t.TempDir(), "--panel", testPanel,
		"-F", "none", "--no-agent", "--known-hosts", filepath.Join(t.TempDir(), "known_hosts"),
		"-p", strconv.Itoa(port), "root@127.0.0.1", "true")
	if code != 255 {
		t.Errorf("exit status %d, want 255; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "connection refused") {
		t.Errorf("stderr does not say the connection was refused:\n%s", stderr)
	}
}
