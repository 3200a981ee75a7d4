package main

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
	"github.com/einkterm/einkterm/display"
)

// typeOn types s on the run's terminal, as a user at the keyboard.
func (r *faultRun) typeOn(t *testing.T, s string) {
	t.Helper()
	if _, err := io.WriteString(r.master, s); err != nil {
		t.Fatalf("typing: %v", err)
	}
}

// checkSecretAbsent fails the test when secret appears in any of the files
// or texts: every log line, standard error, refresh.jsonl, screen.txt,
// and every recorded frame, read as pixels drawn in the panel's font.
func checkSecretAbsent(t *testing.T, secret string, texts map[string]string, dirs ...string) {
	t.Helper()
	for name, text := range texts {
		for i, line := range strings.Split(text, "\n") {
			if strings.Contains(line, secret) {
				t.Errorf("%s line %d contains the password: %q", name, i+1, line)
			}
		}
	}
	for _, dir := range dirs {
		names, _ := filepath.Glob(filepath.Join(dir, "*"))
		if len(names) == 0 {
			t.Errorf("%s is empty: nothing was recorded to check", dir)
		}
		for _, name := range names {
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s contains the password", name)
			}
			if strings.HasSuffix(name, ".png") && pngShowsText(t, name, secret) {
				t.Errorf("%s shows the password on the panel", name)
			}
		}
	}
}

// pngShowsText reports whether the image in name shows s, drawn by the
// emulator in normal or reverse video, at any cell of the text grid.
// Pixels are compared as black or white.
func pngShowsText(t *testing.T, name, s string) bool {
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
	cols, rows, _, info := panelGrid(t)
	if img.Bounds().Dx() != info.Width || img.Bounds().Dy() != info.Height {
		return false
	}
	gray := image.NewGray(img.Bounds())
	for y := 0; y < info.Height; y++ {
		for x := 0; x < info.Width; x++ {
			r, _, _, _ := img.At(x, y).RGBA()
			gray.Pix[y*gray.Stride+x] = blackOrWhite(uint8(r >> 8))
		}
	}
	for _, attr := range []string{"", "\x1b[7m"} {
		_, _, ref, _ := panelGrid(t)
		ref.Write([]byte("\x1b[?25l" + attr + s))
		frame := display.NewFrame(info.Width, info.Height, info.Depth)
		ref.Render(frame)
		want := frame.Gray()
		for i, v := range want.Pix {
			want.Pix[i] = blackOrWhite(v)
		}
		cell := ref.CellSize()
		w := len(s) * cell.X
		for row := 0; row < rows; row++ {
			for col := 0; col+len(s) <= cols; col++ {
				if sameArea(gray, want, image.Pt(col*cell.X, row*cell.Y), image.Rect(0, 0, w, cell.Y)) {
					return true
				}
			}
		}
	}
	return false
}

// blackOrWhite quantizes v as the panel's fast modes (A2, DU) do, so
// that text matches however its antialiasing was shown.
func blackOrWhite(v uint8) uint8 {
	if v >= 128 {
		return 255
	}
	return 0
}

// sameArea reports whether got at off+r holds the pixels of want at r.
func sameArea(got, want *image.Gray, off image.Point, r image.Rectangle) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		g := got.Pix[(off.Y+y)*got.Stride+off.X:][:r.Dx()]
		w := want.Pix[y*want.Stride:][:r.Dx()]
		if !bytes.Equal(g, w) {
			return false
		}
	}
	return true
}

// TestPngShowsText checks the frame search itself, so that a password
// test cannot pass because the search finds nothing.
func TestPngShowsText(t *testing.T) {
	cols, _, ref, info := panelGrid(t)
	ref.Write([]byte("\x1b[?25l\x1b[5;3Hsome text pw-12345 more"))
	frame := display.NewFrame(info.Width, info.Height, info.Depth)
	ref.Render(frame)
	name := filepath.Join(t.TempDir(), "frame.png")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, frame.Gray()); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if cols < 30 {
		t.Fatalf("test panel has %d columns, want 30 or more", cols)
	}
	if !pngShowsText(t, name, "pw-12345") {
		t.Error("the search misses text drawn on the frame")
	}
	if pngShowsText(t, name, "pw-12346") {
		t.Error("the search finds text that is not on the frame")
	}
}

// TestSSHPasswordNeverLogged logs in to sshd with a password typed at
// the prompt, runs a session at --log-level debug and then crashes
// einkterm with SIGABRT, which makes Go dump every goroutine. The password must
// not appear in any log line, standard error, the refresh log, the
// screen text or any recorded frame.
func TestSSHPasswordNeverLogged(t *testing.T) {
	user, password := peertest.PasswordUser(t)
	s := peertest.StartSSHD(t, peertest.SSHDOptions{Extra: []string{
		"PasswordAuthentication yes", "KbdInteractiveAuthentication no",
		"AuthenticationMethods password"}})
	for _, crash := range []bool{false, true} {
		t.Run(fmt.Sprintf("crash=%v", crash), func(t *testing.T) {
			dir := t.TempDir()
			logFile := filepath.Join(t.TempDir(), "einkterm.log")
			// The marker is made by the test user, who cannot enter
			// the test's private temporary folders.
			shared, err := os.MkdirTemp("", "einkterm-secret-")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(shared) })
			if err := os.Chmod(shared, 0o777); err != nil {
				t.Fatal(err)
			}
			marker := filepath.Join(shared, "done")
			command := fmt.Sprintf("echo in-$((40+2)); touch %s; sleep 2", marker)
			if crash {
				command = fmt.Sprintf("echo in-$((40+2)); touch %s; exec sleep 60", marker)
			}
			r := startFault(t, "ssh", "--display", "record:"+dir+"?frames=1", "--panel", testPanel,
				"-F", "none", "--no-agent", "--known-hosts", s.KnownHosts,
				"--log", logFile, "--log-level", "debug",
				user+"@"+s.Addr(), command)
			waitStderr(t, r, "password: ")
			r.typeOn(t, "wrong-guess\r")
			waitFor(t, "the second prompt", 20*time.Second, func() bool {
				return strings.Count(r.stderr.String(), "password: ") >= 2
			}, r.stderr.String)
			r.typeOn(t, password+"\r")
			waitFile(t, r, marker)
			if crash {
				r.cmd.Process.Signal(syscall.SIGABRT)
			}
			code := r.exitWithin(t, 20*time.Second)
			if !crash && code != 0 {
				t.Errorf("exit status %d; stderr:\n%s", code, r.stderr.String())
			}
			if crash && !strings.Contains(r.stderr.String(), "goroutine ") {
				t.Errorf("SIGABRT did not dump the goroutines; stderr:\n%s", r.stderr.String())
			}
			if !strings.Contains(readFile(logFile), "level=DEBUG") {
				t.Errorf("the log has no debug lines:\n%s", readFile(logFile))
			}
			if !crash && !strings.Contains(readFile(filepath.Join(dir, "screen.txt")), "in-42") {
				t.Errorf("the session's output is not on the screen:\n%s", readFile(filepath.Join(dir, "screen.txt")))
			}
			checkSecretAbsent(t, password, map[string]string{
				"log": readFile(logFile), "stderr": r.stderr.String(),
			}, dir)
		})
	}
}

// TestVNCPasswordNeverLogged types the VNC password at einkterm vnc's
// prompt for an Xvnc with VncAuth, after a wrong one, and checks the
// debug log, standard error and the recording for it.
func TestVNCPasswordNeverLogged(t *testing.T) {
	const password = "vnc-s3cr"
	port := peertest.FreePort(t)
	startVNCServer(t, port, "-SecurityTypes", "VncAuth", "-PasswordFile", vncPasswordFile(t, password))
	for _, typed := range []string{"wrong-pw", password} {
		t.Run(typed, func(t *testing.T) {
			dir := t.TempDir()
			logFile := filepath.Join(t.TempDir(), "einkterm.log")
			r := startFault(t, "vnc", "--display", "record:"+dir+"?frames=1", "--panel", testPanel,
				"--log", logFile, "--log-level", "debug", fmt.Sprintf("127.0.0.1::%d", port))
			waitStderr(t, r, "VNC password: ")
			r.typeOn(t, typed+"\r")
			if typed == password {
				waitFor(t, "the desktop", 20*time.Second, func() bool {
					return strings.Contains(readFile(logFile), "vnc: showing desktop")
				}, func() string { return readFile(logFile) + r.stderr.String() })
				r.cmd.Process.Signal(syscall.SIGTERM)
			}
			r.exitWithin(t, 20*time.Second)
			if typed != password && !strings.Contains(r.stderr.String(), "authentication failed") {
				t.Errorf("no authentication error for a wrong password; stderr:\n%s", r.stderr.String())
			}
			checkSecretAbsent(t, typed, map[string]string{"log": readFile(logFile), "stderr": r.stderr.String()}, dir)
		})
	}
}

// TestServePasswordNeverLogged serves a shell with --password-file at
// --log-level debug, connects vncsnapshot with a wrong and a right
// password, and checks the logs for the password.
func TestServePasswordNeverLogged(t *testing.T) {
	const password = "srv-s3cr"
	snapshot := peertest.Require(t, "vncsnapshot", "vncsnapshot")
	pwFile := vncPasswordFile(t, password)
	wrongFile := vncPasswordFile(t, "wrong-pw")
	port := peertest.FreePort(t)
	logFile := filepath.Join(t.TempDir(), "einkterm.log")
	r := startFault(t, "serve", "--listen", fmt.Sprintf("127.0.0.1:%d", port), "--panel", testPanel,
		"--password-file", pwFile, "shell", "--log", logFile, "--log-level", "debug",
		"--", "sh", "-c", "echo served; exec sleep 60")
	waitStderr(t, r, "serving ")

	var snaps strings.Builder
	for _, file := range []string{wrongFile, pwFile} {
		out := filepath.Join(t.TempDir(), "snap.jpg")
		cmd := exec.Command(snapshot, "-quiet", "-encodings", "raw", "-passwd", file,
			fmt.Sprintf("127.0.0.1::%d", port), out)
		b, err := cmd.CombinedOutput()
		snaps.Write(b)
		if file == pwFile && err != nil {
			t.Errorf("vncsnapshot with the right password: %v\n%s", err, b)
		}
		if file == wrongFile && err == nil {
			t.Error("vncsnapshot with a wrong password got a picture")
		}
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	r.exitWithin(t, 20*time.Second)
	if !strings.Contains(readFile(logFile), "level=DEBUG") {
		t.Errorf("the log has no debug lines:\n%s", readFile(logFile))
	}
	checkSecretAbsent(t, password, map[string]string{
		"log": readFile(logFile), "stderr": r.stderr.String(), "vncsnapshot": snaps.String(),
	})
}
