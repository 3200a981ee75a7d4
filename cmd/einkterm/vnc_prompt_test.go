package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
)

// TestVNCPromptCancel types Ctrl-C or Ctrl-D at the VNC password
// prompt on a terminal: einkterm must exit at once, say that the prompt
// was cancelled, and restore the terminal.
func TestVNCPromptCancel(t *testing.T) {
	port := peertest.FreePort(t)
	startVNCServer(t, port, "-SecurityTypes", "VncAuth", "-PasswordFile", vncPasswordFile(t, "cancel-pw"))
	for _, key := range []struct{ name, b string }{{"ctrl-c", "\x03"}, {"ctrl-d", "\x04"}} {
		t.Run(key.name, func(t *testing.T) {
			dir := t.TempDir()
			r := startFault(t, append(append([]string{"vnc"}, recordArgs(dir)...), fmt.Sprintf("127.0.0.1::%d", port))...)
			waitStderr(t, r, "VNC password: ")
			r.typeOn(t, "abc"+key.b)
			if code := r.exitWithin(t, 10*time.Second); code == 0 {
				t.Errorf("exit status 0 after %s at the prompt", key.name)
			}
			r.checkRestored(t)
			stderr := r.stderr.String()
			if !strings.Contains(stderr, "password prompt cancelled") {
				t.Errorf("stderr does not say the prompt was cancelled:\n%s", stderr)
			}
			if strings.Contains(stderr, "timed out") {
				t.Errorf("stderr blames a timeout:\n%s", stderr)
			}
			if screen := readFile(filepath.Join(dir, "screen.txt")); !strings.Contains(screen, "password prompt cancelled") {
				t.Errorf("the panel does not say the prompt was cancelled:\n%s", screen)
			}
		})
	}
}

// TestVNCPromptOwnsKeyboard types the password on the terminal with a
// pause between keys: every key must reach the prompt, none may reach
// the session as a key event, and the desktop must show.
func TestVNCPromptOwnsKeyboard(t *testing.T) {
	const password = "slow-key"
	port := peertest.FreePort(t)
	startVNCServer(t, port, "-SecurityTypes", "VncAuth", "-PasswordFile", vncPasswordFile(t, password))
	dir := t.TempDir()
	logFile := filepath.Join(t.TempDir(), "einkterm.log")
	r := startFault(t, append(append([]string{"vnc"}, recordArgs(dir)...),
		"--log", logFile, "--log-level", "info", fmt.Sprintf("127.0.0.1::%d", port))...)
	waitStderr(t, r, "VNC password: ")
	for _, c := range password + "\r" {
		r.typeOn(t, string(c))
		time.Sleep(100 * time.Millisecond) // one key at a time, as a person types
	}
	waitFor(t, "the desktop", 20*time.Second, func() bool {
		return strings.Contains(readFile(logFile), "vnc: showing desktop")
	}, func() string { return readFile(logFile) + r.stderr.String() })
	if strings.Contains(readFile(filepath.Join(dir, "refresh.jsonl")), `"key"`) {
		t.Errorf("keys typed at the prompt reached the session:\n%s", readFile(filepath.Join(dir, "refresh.jsonl")))
	}
}

// TestVNCPromptOnReconnect restarts the server with a password under a
// session that reconnects: the prompt then appears while the session
// already forwards keys, and must still get every key typed.
func TestVNCPromptOnReconnect(t *testing.T) {
	const password = "again-pw"
	port := peertest.FreePort(t)
	srv := startVNCServer(t, port, "-SecurityTypes", "None")
	dir := t.TempDir()
	logFile := filepath.Join(t.TempDir(), "einkterm.log")
	r := startFault(t, append(append([]string{"vnc"}, recordArgs(dir)...),
		"--log", logFile, "--log-level", "info", "--reconnect", "60s", fmt.Sprintf("127.0.0.1::%d", port))...)
	desktops := func() int { return strings.Count(readFile(logFile), "vnc: showing desktop") }
	waitFor(t, "the desktop", 20*time.Second, func() bool { return desktops() == 1 },
		func() string { return readFile(logFile) + r.stderr.String() })
	srv.stop()
	startVNCServer(t, port, "-SecurityTypes", "VncAuth", "-PasswordFile", vncPasswordFile(t, password))
	waitStderr(t, r, "VNC password: ")
	for _, c := range password + "\r" {
		r.typeOn(t, string(c))
		time.Sleep(100 * time.Millisecond) // one key at a time, as a person types
	}
	waitFor(t, "the desktop again", 20*time.Second, func() bool { return desktops() == 2 },
		func() string { return readFile(logFile) + r.stderr.String() })
	if strings.Contains(r.stderr.String(), "authentication failed") {
		t.Errorf("the typed password was rejected:\n%s", r.stderr.String())
	}
}

// TestVNCCtrlCQuitsWhileDisconnected types Ctrl-C while the session
// waits to reconnect: with no desktop to take the key, einkterm must
// quit and restore the terminal.
func TestVNCCtrlCQuitsWhileDisconnected(t *testing.T) {
	port := peertest.FreePort(t)
	srv := startVNCServer(t, port, "-SecurityTypes", "None")
	dir := t.TempDir()
	logFile := filepath.Join(t.TempDir(), "einkterm.log")
	r := startFault(t, append(append([]string{"vnc"}, recordArgs(dir)...),
		"--log", logFile, "--log-level", "info", "--reconnect", "60s", fmt.Sprintf("127.0.0.1::%d", port))...)
	waitFor(t, "the desktop", 20*time.Second, func() bool {
		return strings.Contains(readFile(logFile), "vnc: showing desktop")
	}, func() string { return readFile(logFile) + r.stderr.String() })
	srv.stop()
	waitFor(t, "the reconnect notice", 20*time.Second, func() bool {
		return strings.Contains(readFile(logFile)+r.stderr.String(), "reconnecting in")
	}, func() string { return readFile(logFile) + r.stderr.String() })
	r.typeOn(t, "\x03")
	if code := r.exitWithin(t, 5*time.Second); code != 0 {
		t.Errorf("exit status %d after Ctrl-C, want 0 as for a quit; stderr:\n%s", code, r.stderr.String())
	}
	r.checkRestored(t)
}

// TestVNCPromptCancelOnReconnect cancels the password prompt that a
// reconnect brings up: einkterm must exit rather than retry and ask
// again.
func TestVNCPromptCancelOnReconnect(t *testing.T) {
	port := peertest.FreePort(t)
	srv := startVNCServer(t, port, "-SecurityTypes", "None")
	logFile := filepath.Join(t.TempDir(), "einkterm.log")
	r := startFault(t, append(append([]string{"vnc"}, recordArgs(t.TempDir())...),
		"--log", logFile, "--log-level", "info", "--reconnect", "60s", fmt.Sprintf("127.0.0.1::%d", port))...)
	waitFor(t, "the desktop", 20*time.Second, func() bool {
		return strings.Contains(readFile(logFile), "vnc: showing desktop")
	}, func() string { return readFile(logFile) + r.stderr.String() })
	srv.stop()
	startVNCServer(t, port, "-SecurityTypes", "VncAuth", "-PasswordFile", vncPasswordFile(t, "never-typed"))
	waitStderr(t, r, "VNC password: ")
	r.typeOn(t, "\x03")
	if code := r.exitWithin(t, 10*time.Second); code == 0 {
		t.Errorf("exit status 0 after the prompt was cancelled")
	}
	r.checkRestored(t)
	if !strings.Contains(r.stderr.String(), "password prompt cancelled") {
		t.Errorf("stderr does not say the prompt was cancelled:\n%s", r.stderr.String())
	}
	if n := strings.Count(r.stderr.String(), "VNC password: "); n != 1 {
		t.Errorf("the prompt appeared %d times, want once:\n%s", n, r.stderr.String())
	}
}
