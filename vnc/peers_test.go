package vnc

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/png"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
	"github.com/einkterm/einkterm/vnc/rfb"
)

// xServer is an X server started for a test: Xvnc, or Xvfb with x11vnc.
type xServer struct {
	display string // such as ":57"
	addr    string // the RFB listener, 127.0.0.1:PORT
	procs   []*exec.Cmd
}

// startProc starts cmd and stops it by pid when the test ends.
func startProc(t testing.TB, cmd *exec.Cmd) {
	t.Helper()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", cmd.Path, err)
	}
	t.Cleanup(func() {
		// The whole process group: xterm's child shell goes too.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
}

// startWithDisplayFD starts an X server that writes its display number
// to fd 3 (-displayfd 3) and returns ":N".
func startWithDisplayFD(t testing.TB, path string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, append(args, "-displayfd", "3")...)
	cmd.ExtraFiles = []*os.File{w}
	cmd.Stderr = newLogWriter(t, filepath.Base(path))
	startProc(t, cmd)
	w.Close()
	defer r.Close()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		if n == "" {
			t.Fatalf("%s did not report its display", path)
		}
		return cmd, ":" + n
	case <-time.After(15 * time.Second):
		t.Fatalf("%s did not start within 15 s", path)
	}
	return nil, ""
}

// logWriter keeps a process's output and logs it when the test fails.
type logWriter struct {
	prefix string
	mu     sync.Mutex
	buf    bytes.Buffer
}

func newLogWriter(t testing.TB, prefix string) *logWriter {
	l := &logWriter{prefix: prefix}
	t.Cleanup(func() {
		if t.Failed() {
			l.mu.Lock()
			t.Logf("%s output:\n%s", l.prefix, l.buf.String())
			l.mu.Unlock()
		}
	})
	return l
}

func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buf.Len() < 64<<10 {
		l.buf.Write(p)
	}
	return len(p), nil
}

// waitPort waits until addr accepts TCP connections.
func waitPort(t testing.TB, addr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("nothing listens on %s after 15 s", addr)
}

// startXvnc starts TigerVNC's Xvnc with extra security arguments.
func startXvnc(t testing.TB, geometry string, security ...string) *xServer {
	t.Helper()
	path := peertest.Require(t, "Xvnc", "tigervnc-standalone-server")
	port := peertest.FreePort(t)
	args := append([]string{"-localhost", "-rfbport", fmt.Sprint(port),
		"-geometry", geometry, "-depth", "24", "-nolisten", "tcp", "-AlwaysShared"}, security...)
	cmd, disp := startWithDisplayFD(t, path, args...)
	s := &xServer{display: disp, addr: fmt.Sprintf("127.0.0.1:%d", port), procs: []*exec.Cmd{cmd}}
	waitPort(t, s.addr)
	return s
}

// startX11vnc starts Xvfb and x11vnc on it with extra x11vnc arguments.
func startX11vnc(t testing.TB, geometry string, auth ...string) *xServer {
	t.Helper()
	xvfb := peertest.Require(t, "Xvfb", "xvfb")
	x11vnc := peertest.Require(t, "x11vnc", "x11vnc")
	_, disp := startWithDisplayFD(t, xvfb, "-screen", "0", geometry+"x24", "-nolisten", "tcp", "-noreset")
	port := peertest.FreePort(t)
	args := append([]string{"-display", disp, "-localhost", "-rfbport", fmt.Sprint(port),
		"-forever", "-shared", "-quiet", "-nocursor"}, auth...)
	cmd := exec.Command(x11vnc, args...)
	cmd.Stderr = newLogWriter(t, "x11vnc")
	startProc(t, cmd)
	s := &xServer{display: disp, addr: fmt.Sprintf("127.0.0.1:%d", port), procs: []*exec.Cmd{cmd}}
	waitPort(t, s.addr)
	return s
}

// x runs an X client on the server's display and waits for it.
func (s *xServer) x(t testing.TB, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+s.display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// xterm starts an xterm on the server's display running sh -c script,
// and waits until its window is mapped.
func (s *xServer) xterm(t testing.TB, title string, extra []string, script string) {
	t.Helper()
	path := peertest.Require(t, "xterm", "xterm")
	args := append([]string{"-T", title, "-geometry", "40x6+0+0", "-fn", "10x20",
		"-fg", "black", "-bg", "white", "+sb"}, extra...)
	cmd := exec.Command(path, append(args, "-e", "sh", "-c", script)...)
	cmd.Env = append(os.Environ(), "DISPLAY="+s.display)
	startProc(t, cmd)
	peertest.Require(t, "xdotool", "xdotool")
	s.x(t, "xdotool", "search", "--sync", "--onlyvisible", "--name", title)
}

// screenshot returns the server's screen as gray, converted as the
// viewer converts pixels.
func (s *xServer) screenshot(t testing.TB) *image.Gray {
	t.Helper()
	peertest.Require(t, "convert", "imagemagick")
	cmd := exec.Command("sh", "-c", "xwd -root -silent | convert xwd:- png:-")
	cmd.Env = append(os.Environ(), "DISPLAY="+s.display)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	conv, _ := rfb.NewConverter(rfb.PixelFormat32)
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			r, gg, bb, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			g.Pix[y*g.Stride+x] = conv.Gray(rfb.PixelFormat32.FromRGB(uint8(r>>8), uint8(gg>>8), uint8(bb>>8)))
		}
	}
	return g
}

// passwordFile writes pw in vncpasswd format and returns its path.
func passwordFile(t testing.TB, pw string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "passwd")
	ob := rfb.ObfuscatePassword([]byte(pw))
	if err := os.WriteFile(f, ob[:], 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}
