package main

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
)

// startServe runs einkterm serve on a free loopback port and stops it in
// t.Cleanup. It returns the port once the server accepts connections.
func startServe(t *testing.T, args ...string) int {
	t.Helper()
	port, _ := startServeProcess(t, args...)
	return port
}

// startServeProcess is startServe that also returns the process id.
func startServeProcess(t *testing.T, args ...string) (int, int) {
	t.Helper()
	port := peertest.FreePort(t)
	full := append([]string{"serve", "--listen", "127.0.0.1:" + strconv.Itoa(port), "--panel", testPanel}, args...)
	cmd := exec.Command(buildEinkterm(t), full...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		cmd.Wait()
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return port, cmd.Process.Pid
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("einkterm serve did not listen on %s; stderr:\n%s", addr, stderr.String())
	return 0, 0
}

// snapshot takes a picture of a served session with vncsnapshot.
func snapshot(t *testing.T, port int, encoding string) *image.Gray {
	t.Helper()
	vncsnapshot := peertest.Require(t, "vncsnapshot", "vncsnapshot")
	out := filepath.Join(t.TempDir(), "snap.jpg")
	cmd := exec.Command(vncsnapshot, "-quiet", "-quality", "100", "-encodings", encoding,
		fmt.Sprintf("127.0.0.1::%d", port), out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("vncsnapshot: %v\n%s", err, msg)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	g := image.NewGray(img.Bounds())
	for y := 0; y < g.Rect.Dy(); y++ {
		for x := 0; x < g.Rect.Dx(); x++ {
			r, gg, b, _ := img.At(x, y).RGBA()
			g.Pix[y*g.Stride+x] = uint8((299*r + 587*gg + 114*b) / 1000 >> 8)
		}
	}
	return g
}

// inkDifference returns how many pixels differ between a and b after
// both are cut at mid-gray, and how many are dark in want.
func inkDifference(got, want *image.Gray) (diff, ink int) {
	for y := 0; y < want.Rect.Dy(); y++ {
		for x := 0; x < want.Rect.Dx(); x++ {
			w := want.GrayAt(x, y).Y < 128
			g := got.GrayAt(x, y).Y < 128
			if w {
				ink++
			}
			if w != g {
				diff++
			}
		}
	}
	return diff, ink
}

func TestServeSnapshotMatchesRecorder(t *testing.T) {
	script := "printf 'served text 123\\nsecond line\\n'"
	port := startServe(t, "shell", "--", "sh", "-c", script+"; sleep 60")

	dir := t.TempDir()
	if code, stderr := runCommand(t, "", "shell", "--display", "record:"+dir, "--panel", testPanel,
		"--", "sh", "-c", script); code != 0 {
		t.Fatalf("recorded session failed: %s", stderr)
	}
	want := readRecording(t, dir).image

	for _, enc := range []string{"raw", "hextile", "zrle"} {
		var got *image.Gray
		var diff, ink int
		// The served session draws as its output arrives; wait for it.
		for try := 0; try < 50; try++ {
			got = snapshot(t, port, enc)
			if diff, ink = inkDifference(got, want); diff == 0 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if got.Rect != want.Rect {
			t.Fatalf("%s: picture is %v, the panel %v", enc, got.Rect, want.Rect)
		}
		if ink == 0 {
			t.Fatal("the recorded frame has no text")
		}
		if diff != 0 {
			t.Errorf("%s: %d of %d text pixels differ from the recorder's frame", enc, diff, ink)
		}
	}
}

func TestServeTigerVNCViewerTypes(t *testing.T) {
	xvfb := peertest.Require(t, "Xvfb", "xvfb")
	viewer := peertest.Require(t, "xtigervncviewer", "tigervnc-viewer")
	xdotool := peertest.Require(t, "xdotool", "xdotool")

	out := filepath.Join(t.TempDir(), "typed.txt")
	port := startServe(t, "shell", "--", "sh", "-c", "read line; echo \"$line\" > "+out+"; sleep 60")
	disp := startXvfb(t, xvfb, "1280x800x24")
	v := exec.Command(viewer, "-display", disp, fmt.Sprintf("127.0.0.1::%d", port))
	var vlog bytes.Buffer
	v.Stdout, v.Stderr = &vlog, &vlog
	if err := v.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Process.Kill(); v.Wait() })

	env := append(os.Environ(), "DISPLAY="+disp)
	search := exec.Command(xdotool, "search", "--sync", "--onlyvisible", "--name", "einkterm", "windowfocus")
	search.Env = env
	done := make(chan error, 1)
	go func() { done <- search.Run() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("viewer window not found: %v\n%s", err, vlog.String())
		}
	case <-time.After(30 * time.Second):
		search.Process.Kill()
		t.Fatalf("viewer window did not appear in 30 s:\n%s", vlog.String())
	}
	typed := exec.Command(xdotool, "type", "--delay", "30", "hello tiger 42")
	typed.Env = env
	if msg, err := typed.CombinedOutput(); err != nil {
		t.Fatalf("xdotool type: %v\n%s", err, msg)
	}
	enter := exec.Command(xdotool, "key", "Return")
	enter.Env = env
	if msg, err := enter.CombinedOutput(); err != nil {
		t.Fatalf("xdotool key: %v\n%s", err, msg)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(out); err == nil && len(b) > 0 {
			if got := strings.TrimSpace(string(b)); got != "hello tiger 42" {
				t.Errorf("the shell read %q, want %q", got, "hello tiger 42")
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("typed text never reached the shell; viewer log:\n%s", vlog.String())
}

func TestServeRejectsOpenAddressWithoutPassword(t *testing.T) {
	code, stderr := runCommand(t, "", "serve", "--listen", "0.0.0.0:0", "shell")
	if code == 0 {
		t.Fatal("served on all addresses without a password")
	}
	if !strings.Contains(stderr, "--password-file") {
		t.Errorf("error does not say how to fix it:\n%s", stderr)
	}
}

func TestServePasswordFileChecks(t *testing.T) {
	dir := t.TempDir()
	loose := filepath.Join(dir, "loose")
	os.WriteFile(loose, []byte("12345678"), 0o644)
	code, stderr := runCommand(t, "", "serve", "--password-file", loose, "shell")
	if code == 0 || !strings.Contains(stderr, "chmod 600") {
		t.Errorf("group-readable password file accepted (status %d):\n%s", code, stderr)
	}
	short := filepath.Join(dir, "short")
	os.WriteFile(short, []byte("123"), 0o600)
	code, stderr = runCommand(t, "", "serve", "--password-file", short, "shell")
	if code == 0 || !strings.Contains(stderr, "vncpasswd -f") {
		t.Errorf("short password file accepted (status %d):\n%s", code, stderr)
	}
}

// startXvfb starts Xvfb with one screen of the given WxHxDepth on a
// free display number and returns ":N".
func startXvfb(t testing.TB, xvfb, screen string) string {
	t.Helper()
	for n := 70 + os.Getpid()%200; n < 400; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		disp := fmt.Sprintf(":%d", n)
		cmd := exec.Command(xvfb, disp, "-screen", "0", screen, "-nolisten", "tcp", "-noreset")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				return disp
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("Xvfb %s did not start", disp)
	}
	t.Fatal("no free X display number")
	return ""
}

func TestServeBadArguments(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--listen", "bogus", "shell"}, `invalid --listen "bogus"`},
		{[]string{"serve", "--listen", "127.0.0.1", "shell"}, "use HOST:PORT"},
		{[]string{"serve", "shell", "--panel", "640x480"}, "give the panel as einkterm serve --panel"},
		{[]string{"serve", "shell", "--display=record:/tmp/x"}, "does not apply to a served session"},
		{[]string{"serve", "top"}, `serve runs shell or ssh, not "top"`},
	}
	for _, tt := range tests {
		code, stderr := runCommand(t, "", tt.args...)
		if code == 0 {
			t.Errorf("%v: status 0, want failure", tt.args)
		}
		if !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: stderr %q lacks %q", tt.args, stderr, tt.want)
		}
	}
}
