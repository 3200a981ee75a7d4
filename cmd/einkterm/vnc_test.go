package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
	"github.com/einkterm/einkterm/vnc/rfb"
)

func TestVNCAddress(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"host", "host:5900", true},
		{"host:1", "host:5901", true},
		{"host::5999", "host:5999", true},
		{":2", "localhost:5902", true},
		{"[::1]:3", "[::1]:5903", true},
		{"[::1]::6000", "[::1]:6000", true},
		{"host:x", "", false},
		{"host::0", "", false},
		{"host::70000", "", false},
		{"[::1", "", false},
		{"", "", false},
		{"  ", "", false},
		{"[]::5900", "", false},
	}
	for _, tt := range tests {
		got, err := vncAddress(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("vncAddress(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// vncServer is an Xvnc started for a command test.
type vncServer struct {
	display string
	port    int
	cmd     *exec.Cmd
}

// startVNCServer starts Xvnc on port with the security arguments and
// fills its root window with black.
func startVNCServer(t *testing.T, port int, security ...string) *vncServer {
	t.Helper()
	path := peertest.Require(t, "Xvnc", "tigervnc-standalone-server")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"-localhost", "-rfbport", fmt.Sprint(port), "-geometry", "640x480",
		"-depth", "24", "-nolisten", "tcp", "-displayfd", "3"}, security...)
	cmd := exec.Command(path, args...)
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	s := &vncServer{port: port, cmd: cmd}
	t.Cleanup(func() { s.stop() })
	line, _ := bufio.NewReader(r).ReadString('\n')
	r.Close()
	s.display = ":" + strings.TrimSpace(line)
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Xvnc does not listen on %d", port)
		}
		time.Sleep(50 * time.Millisecond)
	}
	xsetroot := exec.Command(peertest.Require(t, "xsetroot", "x11-xserver-utils"), "-solid", "black")
	xsetroot.Env = append(os.Environ(), "DISPLAY="+s.display)
	if out, err := xsetroot.CombinedOutput(); err != nil {
		t.Fatalf("xsetroot: %v: %s", err, out)
	}
	return s
}

func (s *vncServer) stop() {
	if s.cmd.ProcessState != nil {
		return
	}
	syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	s.cmd.Wait()
}

// runVNCCommand runs einkterm vnc in-process with extra environment variables,
// stopping it after d, and returns its exit status and standard error.
func runVNCCommand(t *testing.T, d time.Duration, vars map[string]string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var stdout, stderr bytes.Buffer
	e := &env{
		stdin:  strings.NewReader(""),
		stdout: &stdout,
		stderr: &stderr,
		getenv: func(k string) string { return vars[k] },
	}
	code := runMain(ctx, e, append([]string{"vnc"}, args...))
	return code, stderr.String()
}

// checkBlackPanel checks the recorded final image is black, as the
// server's root window.
func checkBlackPanel(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "final.png"))
	if err != nil {
		t.Fatalf("no final.png: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range [][2]int{{1, 1}, {320, 240}, {638, 478}} {
		if r, _, _, _ := img.At(p[0], p[1]).RGBA(); r != 0 {
			t.Errorf("final.png pixel %v = %d, want black", p, r>>8)
		}
	}
}

func TestVNCCommandPasswordSources(t *testing.T) {
	port := peertest.FreePort(t)
	pwFile := filepath.Join(t.TempDir(), "passwd")
	ob := rfb.ObfuscatePassword([]byte("cmd-pw"))
	os.WriteFile(pwFile, ob[:], 0o600)
	startVNCServer(t, port, "-SecurityTypes", "VncAuth", "-PasswordFile", pwFile)
	target := fmt.Sprintf("127.0.0.1::%d", port)

	t.Run("passwd file", func(t *testing.T) {
		dir := t.TempDir()
		code, stderr := runVNCCommand(t, 3*time.Second, nil,
			"--display", "record:"+dir, "--panel", "640x480", "--passwd", pwFile, target)
		if code != 0 {
			t.Fatalf("exit status %d: %s", code, stderr)
		}
		checkBlackPanel(t, dir)
	})
	t.Run("environment", func(t *testing.T) {
		dir := t.TempDir()
		code, stderr := runVNCCommand(t, 3*time.Second, map[string]string{vncPasswordEnv: "cmd-pw"},
			"--display", "record:"+dir, "--panel", "640x480", "--bpp", "8", "--encodings", "raw", target)
		if code != 0 {
			t.Fatalf("exit status %d: %s", code, stderr)
		}
		checkBlackPanel(t, dir)
	})
	t.Run("none without a terminal", func(t *testing.T) {
		code, stderr := runVNCCommand(t, 10*time.Second, nil,
			"--display", "record:"+t.TempDir(), "--panel", "640x480", target)
		if code != 1 || !strings.Contains(stderr, "--passwd") {
			t.Errorf("exit status %d, stderr %q; want 1 and advice to use --passwd", code, stderr)
		}
	})
	t.Run("wrong", func(t *testing.T) {
		code, stderr := runVNCCommand(t, 10*time.Second, map[string]string{vncPasswordEnv: "nope"},
			"--display", "record:"+t.TempDir(), "--panel", "640x480", target)
		if code != 1 || !strings.Contains(stderr, "authentication failed") {
			t.Errorf("exit status %d, stderr %q; want 1 and an authentication failure", code, stderr)
		}
	})
}

func TestVNCCommandServerKilled(t *testing.T) {
	port := peertest.FreePort(t)
	srv := startVNCServer(t, port, "-SecurityTypes", "None")
	go func() {
		time.Sleep(1500 * time.Millisecond)
		srv.stop()
	}()
	dir := t.TempDir()
	start := time.Now()
	code, stderr := runVNCCommand(t, 30*time.Second, nil,
		"--display", "record:"+dir, "--panel", "640x480", fmt.Sprintf("127.0.0.1::%d", port))
	if code != 1 || !strings.Contains(stderr, "connection to the server lost") {
		t.Errorf("exit status %d, stderr %q; want 1 and a lost connection", code, stderr)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("exit took %v after the server died", d)
	}
	checkBlackPanel(t, dir)
}

func TestVNCCommandReconnects(t *testing.T) {
	port := peertest.FreePort(t)
	srv := startVNCServer(t, port, "-SecurityTypes", "None")
	go func() {
		time.Sleep(1500 * time.Millisecond)
		srv.stop()
		time.Sleep(500 * time.Millisecond)
		startVNCServer(t, port, "-SecurityTypes", "None")
	}()
	dir := t.TempDir()
	code, stderr := runVNCCommand(t, 8*time.Second, nil, "--display", "record:"+dir, "--panel", "640x480",
		"--reconnect", "20s", fmt.Sprintf("127.0.0.1::%d", port))
	if code != 0 {
		t.Errorf("exit status %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "reconnecting in") {
		t.Errorf("stderr %q does not announce the reconnect", stderr)
	}
	checkBlackPanel(t, dir)
}

func TestVNCCommandVia(t *testing.T) {
	sshd := peertest.StartSSHD(t, peertest.SSHDOptions{})
	port := peertest.FreePort(t)
	startVNCServer(t, port, "-SecurityTypes", "None")
	cfg := filepath.Join(t.TempDir(), "ssh_config")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`Host tunnel
	HostName 127.0.0.1
	Port %d
	User root
	IdentityFile %s
	IdentityAgent none
	UserKnownHostsFile %s
`, sshd.Port, sshd.ClientKey, sshd.KnownHosts)), 0o600)
	dir := t.TempDir()
	code, stderr := runVNCCommand(t, 4*time.Second, nil, "--display", "record:"+dir, "--panel", "640x480",
		"--via", "tunnel", "--via-config", cfg, "--log-level", "info", fmt.Sprintf("127.0.0.1::%d", port))
	if code != 0 {
		t.Fatalf("exit status %d: %s\nsshd:\n%s", code, stderr, sshd.Log())
	}
	if !strings.Contains(stderr, "logged in") {
		t.Errorf("log shows no SSH login: %s", stderr)
	}
	checkBlackPanel(t, dir)
}

// TestVNCReconnectShowsStatus stops the server under a session with
// --reconnect and starts it again: the panel must say the server is
// unreachable and when the next try is, and keep the desktop picture
// (black) through the outage and the reconnect instead of turning white.
func TestVNCReconnectShowsStatus(t *testing.T) {
	port := peertest.FreePort(t)
	srv := startVNCServer(t, port, "-SecurityTypes", "None")
	go func() {
		time.Sleep(1500 * time.Millisecond)
		srv.stop()
		time.Sleep(1500 * time.Millisecond)
		startVNCServer(t, port, "-SecurityTypes", "None")
	}()
	dir := t.TempDir()
	code, stderr := runVNCCommand(t, 9*time.Second, nil, "--display", "record:"+dir+"?frames=1", "--panel", testPanel,
		"--reconnect", "20s", fmt.Sprintf("127.0.0.1::%d", port))
	if code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "reconnecting in") {
		t.Fatalf("stderr %q does not announce the reconnect", stderr)
	}
	frames, _ := filepath.Glob(filepath.Join(dir, "frame-*.png"))
	sawDesktop, sawStatus := false, false
	for _, name := range frames {
		center := centerGray(t, name)
		if sawDesktop && center != 0 {
			t.Errorf("%s: the panel's center is %d, not the desktop's black, after the desktop was shown", filepath.Base(name), center)
		}
		sawDesktop = sawDesktop || center == 0
		if sawDesktop && pngShowsText(t, name, "VNC server unreachable") {
			sawStatus = true
		}
	}
	if !sawDesktop {
		t.Fatalf("no recorded frame shows the desktop among %d", len(frames))
	}
	if !sawStatus {
		t.Errorf("no recorded frame shows the outage on the panel among %d", len(frames))
	}
	checkBlackCenter(t, filepath.Join(dir, "final.png"))
	if pngShowsText(t, filepath.Join(dir, "final.png"), "VNC server unreachable") {
		t.Errorf("final.png still shows the outage after the reconnect")
	}
}

// centerGray returns the 8-bit gray value at the center of the image in
// the PNG file name.
func centerGray(t *testing.T, name string) uint8 {
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
	b := img.Bounds()
	r, _, _, _ := img.At((b.Min.X+b.Max.X)/2, (b.Min.Y+b.Max.Y)/2).RGBA()
	return uint8(r >> 8)
}

func checkBlackCenter(t *testing.T, name string) {
	t.Helper()
	if g := centerGray(t, name); g != 0 {
		t.Errorf("%s: center is %d, want the desktop's black", filepath.Base(name), g)
	}
}
