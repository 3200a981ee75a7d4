package main

import (
	"fmt"
	"image/png"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
	"github.com/einkterm/einkterm/display"
)

// TestSSHSilentLinkWithoutReconnect stalls the TCP link of a session
// run with --no-reconnect, as a dropped Wi-Fi does: keepalives must find
// the dead link, and einkterm must say so on the panel and on standard
// error, exit with a failure status and restore the terminal.
func TestSSHSilentLinkWithoutReconnect(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	proxy := peertest.StartProxy(t, s.Addr())
	known := filepath.Join(t.TempDir(), "known_hosts")
	line := fmt.Sprintf("[127.0.0.1]:%d %s\n", proxy.Port, s.HostPub)
	if err := os.WriteFile(known, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	marker := filepath.Join(t.TempDir(), "started")
	r := startFault(t, "ssh", "--display", "record:"+dir+"?frames=1", "--panel", testPanel,
		"-F", "none", "--known-hosts", known, "--no-agent", "-i", s.ClientKey,
		"-o", "ServerAliveInterval=1", "-o", "ServerAliveCountMax=2", "--no-reconnect",
		"root@"+proxy.Addr(), "touch "+marker+"; exec sleep 120")
	waitFile(t, r, marker)

	proxy.Freeze()
	frozen := time.Now()
	code := r.exitWithin(t, 30*time.Second)
	t.Logf("exited %v after the link stalled, status %d", time.Since(frozen).Round(100*time.Millisecond), code)
	if code == 0 {
		t.Errorf("exit status 0 after the link died; stderr:\n%s", r.stderr.String())
	}
	if !strings.Contains(r.stderr.String(), "link down") {
		t.Errorf("standard error does not say the link is down:\n%s", r.stderr.String())
	}
	r.checkRestored(t)
	_, rows, _, _ := panelGrid(t)
	if len(framesShowing(t, dir, rows-1, 0, "link down, not reconnecting")) == 0 {
		t.Error("no recorded frame shows the link-down status line")
	}
	if _, err := os.Stat(filepath.Join(dir, "final.png")); err != nil {
		t.Errorf("the panel's last image was not written: %v", err)
	}
}

// startVNCViaProxy starts Xvnc, a proxy to it and einkterm vnc through
// the proxy with extra arguments, and waits until the desktop is shown.
func startVNCViaProxy(t *testing.T, extra ...string) (*faultRun, *peertest.Proxy, string, string) {
	t.Helper()
	port := peertest.FreePort(t)
	startVNCServer(t, port, "-SecurityTypes", "None")
	proxy := peertest.StartProxy(t, fmt.Sprintf("127.0.0.1:%d", port))
	dir := t.TempDir()
	logFile := filepath.Join(t.TempDir(), "einkterm.log")
	args := append([]string{"vnc", "--display", "record:" + dir, "--panel", testPanel,
		"--log", logFile, "--log-level", "debug", "--alive-interval", "1s"}, extra...)
	r := startFault(t, append(args, fmt.Sprintf("127.0.0.1::%d", proxy.Port))...)
	waitFor(t, "the desktop", 20*time.Second, func() bool {
		return strings.Contains(readFile(logFile), "vnc: showing desktop")
	}, func() string { return readFile(logFile) + r.stderr.String() })
	return r, proxy, dir, logFile
}

// TestVNCSilentLink stalls the TCP link of a vnc session without closing
// it. An idle but live server must keep the session, and a dead link
// must end it within a few alive intervals with a failure status and a
// message, with the terminal restored.
func TestVNCSilentLink(t *testing.T) {
	r, proxy, dir, logFile := startVNCViaProxy(t)

	// The desktop does not change: only the update requests the alive
	// check sends bring data.
	time.Sleep(4 * time.Second)
	select {
	case err := <-r.done:
		t.Fatalf("einkterm ended on an idle, live link: %v; stderr:\n%s", err, r.stderr.String())
	default:
	}
	if !strings.Contains(readFile(logFile), "asking for the whole desktop") {
		t.Errorf("no alive check on an idle link within 4 s:\n%s", readFile(logFile))
	}

	proxy.Freeze()
	frozen := time.Now()
	code := r.exitWithin(t, 30*time.Second)
	t.Logf("exited %v after the link stalled, status %d", time.Since(frozen).Round(100*time.Millisecond), code)
	if code == 0 {
		t.Errorf("exit status 0 after the link died; stderr:\n%s", r.stderr.String())
	}
	if !strings.Contains(r.stderr.String(), "connection to the server lost: no data for 2s") {
		t.Errorf("standard error does not say why the connection was dropped:\n%s", r.stderr.String())
	}
	if screen := readFile(filepath.Join(dir, "screen.txt")); !strings.Contains(screen, "connection to the server lost") {
		t.Errorf("the panel does not say why the connection was dropped:\n%s", screen)
	}
	if !topLineShows(t, filepath.Join(dir, "final.png"), "einkterm vnc: vnc: connection to the server lost") {
		t.Error("final.png does not show why the connection was dropped")
	}
	r.checkRestored(t)
	if _, err := os.Stat(filepath.Join(dir, "final.png")); err != nil {
		t.Errorf("the panel's last image was not written: %v", err)
	}
}

// TestVNCSilentLinkReconnects stalls the link of a session run with
// --reconnect: the viewer must drop the dead connection, retry while
// the network is down and show the desktop again once it is back.
func TestVNCSilentLinkReconnects(t *testing.T) {
	r, proxy, _, logFile := startVNCViaProxy(t, "--reconnect", "60s")
	proxy.Freeze()
	waitFor(t, "the dead link found", 20*time.Second, func() bool {
		return strings.Contains(readFile(logFile), `msg="vnc: link down"`)
	}, func() string { return readFile(logFile) + r.stderr.String() })
	waitStderr(t, r, "reconnecting in")
	proxy.Thaw()
	waitFor(t, "the desktop again", 40*time.Second, func() bool {
		return strings.Count(readFile(logFile), "vnc: showing desktop") == 2
	}, func() string { return readFile(logFile) + r.stderr.String() })
	select {
	case err := <-r.done:
		t.Fatalf("einkterm ended after reconnecting: %v", err)
	default:
	}
}

// topLineShows reports whether the first text row of the image in name
// shows s from column 0, as black or white pixels. Only pixel rows with
// ink are compared: the refresh loop leaves rows that stayed white in
// its own frame untouched, so they may show what was there before.
func topLineShows(t *testing.T, name, s string) bool {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	_, _, ref, info := panelGrid(t)
	ref.Write([]byte("\x1b[?25l" + s))
	frame := display.NewFrame(info.Width, info.Height, info.Depth)
	ref.Render(frame)
	want := frame.Gray()
	cell := ref.CellSize()
	width := len(s) * cell.X
	inked := 0
	for y := 0; y < cell.Y; y++ {
		ink := false
		for x := 0; x < width; x++ {
			ink = ink || blackOrWhite(want.GrayAt(x, y).Y) == 0
		}
		if !ink {
			continue
		}
		inked++
		for x := 0; x < width; x++ {
			r, _, _, _ := img.At(x, y).RGBA()
			if blackOrWhite(uint8(r>>8)) != blackOrWhite(want.GrayAt(x, y).Y) {
				return false
			}
		}
	}
	return inked > 0
}

// TestVNCMuteServerTimesOut points einkterm vnc at a server that accepts
// TCP and never speaks: the handshake must fail after twice
// --alive-interval with a message that says what to check.
func TestVNCMuteServerTimesOut(t *testing.T) {
	addr, accepted := muteServer(t)
	_, port, _ := net.SplitHostPort(addr)
	dir := t.TempDir()
	r := startFault(t, "vnc", "--display", "record:"+dir, "--panel", testPanel,
		"--alive-interval", "1s", "127.0.0.1::"+port)
	waitAccepted(t, r, accepted)
	code := r.exitWithin(t, 20*time.Second)
	if code == 0 {
		t.Errorf("exit status 0; stderr:\n%s", r.stderr.String())
	}
	if !strings.Contains(r.stderr.String(), "handshake timed out after 2s") {
		t.Errorf("standard error does not say the server was silent:\n%s", r.stderr.String())
	}
	r.checkRestored(t)
	if screen := readFile(filepath.Join(dir, "screen.txt")); !strings.Contains(screen, "handshake timed out") {
		t.Errorf("the panel does not say the server was silent:\n%s", screen)
	}
}

// TestVNCPasswordPromptHasNoDeadline answers the VNC password prompt
// after the handshake deadline has passed: the time the user takes to
// type must not count against the server.
func TestVNCPasswordPromptHasNoDeadline(t *testing.T) {
	const password = "slow-pw"
	port := peertest.FreePort(t)
	startVNCServer(t, port, "-SecurityTypes", "VncAuth", "-PasswordFile", vncPasswordFile(t, password))
	logFile := filepath.Join(t.TempDir(), "einkterm.log")
	r := startFault(t, "vnc", "--display", "record:"+t.TempDir(), "--panel", testPanel,
		"--log", logFile, "--log-level", "info", "--alive-interval", "1s", fmt.Sprintf("127.0.0.1::%d", port))
	waitStderr(t, r, "VNC password: ")
	time.Sleep(3 * time.Second) // past the 2 s handshake deadline
	r.typeOn(t, password+"\r")
	waitFor(t, "the desktop", 20*time.Second, func() bool {
		return strings.Contains(readFile(logFile), "vnc: showing desktop")
	}, func() string { return readFile(logFile) + r.stderr.String() })
}

// TestSSHMuteServerTimesOut points einkterm ssh at a server that accepts
// TCP and never speaks: the login must fail after ConnectTimeout with
// the reason on standard error and on the panel.
func TestSSHMuteServerTimesOut(t *testing.T) {
	addr, accepted := muteServer(t)
	dir := t.TempDir()
	r := startFault(t, "ssh", "--display", "record:"+dir, "--panel", testPanel,
		"-F", "none", "--no-agent", "--known-hosts", filepath.Join(t.TempDir(), "known_hosts"),
		"-o", "ConnectTimeout=2", "root@"+addr)
	waitAccepted(t, r, accepted)
	start := time.Now()
	code := r.exitWithin(t, 20*time.Second)
	t.Logf("exited %v after connecting, status %d: %s", time.Since(start).Round(100*time.Millisecond),
		code, r.stderr.String())
	if code == 0 {
		t.Errorf("exit status 0; stderr:\n%s", r.stderr.String())
	}
	if !strings.Contains(r.stderr.String(), "timeout") && !strings.Contains(r.stderr.String(), "timed out") {
		t.Errorf("standard error does not say the login timed out:\n%s", r.stderr.String())
	}
	r.checkRestored(t)
	if screen := readFile(filepath.Join(dir, "screen.txt")); !strings.Contains(screen, "einkterm ssh: ") {
		t.Errorf("the panel does not show the error:\n%s", screen)
	}
}
