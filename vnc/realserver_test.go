package vnc

import (
	"context"
	"errors"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/vnc/rfb"
)

// knownDesktop puts known content on the server: a black root window and
// an xterm, black on white, showing a known string.
func knownDesktop(t *testing.T, s *xServer) {
	s.x(t, peertest.Require(t, "xsetroot", "x11-xserver-utils"), "-solid", "black")
	s.xterm(t, "einkterm-known", nil, "printf 'EINKTERM VNC 0123456789'; sleep 600")
}

// compareWithScreenshot renders the server's own screenshot through a
// view like the viewer's and compares it with the recorded panel.
// Panel pixels inside ignore are not compared: Xvnc draws the pointer
// into the framebuffer, and xwd leaves it out.
func compareWithScreenshot(t *testing.T, s *xServer, sess *session, ignore image.Rectangle) {
	t.Helper()
	shot := s.screenshot(t)
	info := sess.rec.Info()
	view, err := NewView(info, shot.Rect.Size(), ViewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := display.NewFrame(info.Width, info.Height, info.Depth)
	view.RenderAll(shot, want)
	got := sess.rec.Image()
	diff := 0
	for y := range info.Height {
		for x := range info.Width {
			if image.Pt(x, y).In(ignore) {
				continue
			}
			if got.GrayAt(x, y) != want.GrayAt(x, y) {
				diff++
			}
		}
	}
	if diff > 0 {
		t.Errorf("%d of %d panel pixels differ from the server's screenshot", diff, info.Width*info.Height)
	}
	// The xterm at the top left has black text on white; the root
	// window around it is black.
	if g := got.GrayAt(info.Width-5, info.Height-5); g != 0 {
		t.Errorf("root window pixel = %d, want black", g)
	}
	black, white := 0, 0
	for y := 5; y < 25; y++ {
		for x := 5; x < 200; x++ {
			switch got.GrayAt(x, y) {
			case 0:
				black++
			case got.White():
				white++
			}
		}
	}
	if black < 100 || white < 1000 {
		t.Errorf("xterm text area has %d black and %d white pixels: no text shown", black, white)
	}
}

func TestRealServersShowKnownContent(t *testing.T) {
	tests := []struct {
		name  string
		start func(t *testing.T) *xServer
		pw    string
		encs  []int32
		pf    *rfb.PixelFormat
	}{
		{"Xvnc None ZRLE", func(t *testing.T) *xServer {
			return startXvnc(t, "640x480", "-SecurityTypes", "None")
		}, "", nil, nil},
		{"Xvnc None Raw", func(t *testing.T) *xServer {
			return startXvnc(t, "640x480", "-SecurityTypes", "None")
		}, "", []int32{rfb.EncodingRaw}, nil},
		{"Xvnc VncAuth", func(t *testing.T) *xServer {
			return startXvnc(t, "640x480", "-SecurityTypes", "VncAuth", "-PasswordFile", vncpasswdFile(t, "eink-pw"))
		}, "eink-pw", nil, nil},
		{"x11vnc nopw", func(t *testing.T) *xServer {
			return startX11vnc(t, "640x480", "-nopw")
		}, "", nil, nil},
		{"x11vnc rfbauth", func(t *testing.T) *xServer {
			return startX11vnc(t, "640x480", "-rfbauth", storepasswdFile(t, "x11-pw"))
		}, "x11-pw", nil, nil},
		{"Xvnc 16 bpp ZRLE", func(t *testing.T) *xServer {
			return startXvnc(t, "640x480", "-SecurityTypes", "None")
		}, "", nil, &rfb.PixelFormat16},
		{"x11vnc 8 bpp Raw", func(t *testing.T) *xServer {
			return startX11vnc(t, "640x480", "-nopw")
		}, "", []int32{rfb.EncodingRaw}, &rfb.PixelFormat8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := tt.start(t)
			knownDesktop(t, srv)
			// The known content is black and white, which every pixel
			// format carries exactly.
			opts := Options{Encodings: tt.encs, PixelFormat: tt.pf}
			if tt.pw != "" {
				opts.Password = func() ([]byte, error) { return []byte(tt.pw), nil }
			}
			sess, err := newSession(t, srv.addr, "640x480", opts, ViewerOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if err := sess.run(t, 3*time.Second); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Run = %v, want it to run until the deadline", err)
			}
			compareWithScreenshot(t, srv, sess, image.Rectangle{})
		})
	}
}

func TestRealServerWrongPassword(t *testing.T) {
	srv := startXvnc(t, "320x240", "-SecurityTypes", "VncAuth", "-PasswordFile", vncpasswdFile(t, "right"))
	pw := func() ([]byte, error) { return []byte("wrong"), nil }
	_, err := newSession(t, srv.addr, "320x240", Options{Password: pw}, ViewerOptions{})
	var ae *AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("Connect = %v, want an AuthError", err)
	}
	t.Logf("server said: %v", err)
}

func TestRealServerDefaultSecurityExplained(t *testing.T) {
	// Xvnc's default offers VeNCrypt and VNC authentication; without a
	// password source the viewer must say what it needs.
	srv := startXvnc(t, "320x240", "-SecurityTypes", "VeNCrypt,TLSVnc")
	_, err := newSession(t, srv.addr, "320x240", Options{}, ViewerOptions{})
	if err == nil || !strings.Contains(err.Error(), "VeNCrypt (19)") {
		t.Fatalf("Connect = %v, want an error naming VeNCrypt", err)
	}
}

// vncpasswdFile runs TigerVNC's vncpasswd -f to make a password file.
func vncpasswdFile(t *testing.T, pw string) string {
	path := peertest.Require(t, "vncpasswd", "tigervnc-tools")
	f := filepath.Join(t.TempDir(), "passwd")
	cmd := exec.Command("sh", "-c", `printf '%s\n' "$1" | "$2" -f > "$3"`, "sh", pw, path, f)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("vncpasswd: %v\n%s", err, out)
	}
	return f
}

// storepasswdFile runs x11vnc -storepasswd to make a password file.
func storepasswdFile(t *testing.T, pw string) string {
	path := peertest.Require(t, "x11vnc", "x11vnc")
	f := filepath.Join(t.TempDir(), "passwd")
	if out, err := exec.Command(path, "-storepasswd", pw, f).CombinedOutput(); err != nil {
		t.Fatalf("x11vnc -storepasswd: %v\n%s", err, out)
	}
	return f
}

func TestRealServerDesktopResize(t *testing.T) {
	srv := startXvnc(t, "640x480", "-SecurityTypes", "None")
	srv.x(t, peertest.Require(t, "xsetroot", "x11-xserver-utils"), "-solid", "black")
	sess, err := newSession(t, srv.addr, "640x480", Options{}, ViewerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		time.Sleep(time.Second)
		srv.x(t, peertest.Require(t, "xrandr", "x11-xserver-utils"), "-s", "800x600")
		time.Sleep(2 * time.Second)
		cancel()
	}()
	loopDone := make(chan error, 1)
	go func() { loopDone <- sess.loop.Run(context.Background()) }()
	err = sess.viewer.Run(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want it to keep running after the resize", err)
	}
	if w, h := sess.client.Size(); w != 800 || h != 600 {
		t.Errorf("framebuffer %dx%d after xrandr -s 800x600, want 800x600", w, h)
	}
	sess.loop.Flush(context.Background())
	// 800x600 on 640x480 fits exactly at 4/5: all black.
	img := sess.rec.Image()
	for _, p := range []image.Point{{1, 1}, {320, 240}, {638, 478}} {
		if g := img.GrayAt(p.X, p.Y); g != 0 {
			t.Errorf("pixel %v = %d after the resize, want black", p, g)
		}
	}
}

func TestRealServerClipboardKeepsStream(t *testing.T) {
	tests := []struct {
		name  string
		start func(t *testing.T) *xServer
	}{
		{"Xvnc", func(t *testing.T) *xServer { return startXvnc(t, "640x480", "-SecurityTypes", "None") }},
		{"x11vnc", func(t *testing.T) *xServer { return startX11vnc(t, "640x480", "-nopw") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := tt.start(t)
			srv.x(t, peertest.Require(t, "xsetroot", "x11-xserver-utils"), "-solid", "black")
			got := make(chan string, 4)
			sess, err := newSession(t, srv.addr, "640x480", Options{}, ViewerOptions{
				CutText: func(s string) { got <- s },
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			loopDone := make(chan error, 1)
			go func() { loopDone <- sess.loop.Run(ctx) }()
			runDone := make(chan error, 1)
			go func() { runDone <- sess.viewer.Run(ctx) }()

			// A double click on a word in an xterm makes it the PRIMARY
			// selection, which both servers send as ServerCutText.
			const word = "clipwordclipwordclipword"
			srv.xterm(t, "einkterm-clip", nil, "printf '"+word+"'; sleep 600")
			// x11vnc looks at the selection only when X events wake it, so
			// the selection is made again every 2 s until it arrives.
			var cut string
			deadline := time.Now().Add(15 * time.Second)
			for cut == "" && time.Now().Before(deadline) {
				srv.x(t, "xdotool", "mousemove", "30", "10", "click", "--repeat", "2", "1")
				srv.x(t, "xdotool", "mousemove", "300", "300")
				select {
				case cut = <-got:
				case <-time.After(2 * time.Second):
				}
			}
			if cut != word {
				t.Fatalf("cut text %q, want %q", cut, word)
			}
			// Xvnc draws the pointer into the framebuffer: put it back in
			// the corner that the comparison skips.
			srv.x(t, "xdotool", "mousemove", "30", "10")
			// The stream is still in step: the xterm drawn after the
			// clipboard change arrives and the viewer keeps running.
			time.Sleep(time.Second)
			cancel()
			if err := <-runDone; !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Run = %v after the clipboard change", err)
			}
			<-loopDone
			sess.loop.Flush(context.Background())
			compareWithScreenshot(t, srv, sess, image.Rect(0, 0, 64, 48))
		})
	}
}

func TestRealServerKilledMidSession(t *testing.T) {
	srv := startXvnc(t, "320x240", "-SecurityTypes", "None")
	sess, err := newSession(t, srv.addr, "320x240", Options{}, ViewerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(time.Second)
		syscall.Kill(srv.procs[0].Process.Pid, syscall.SIGKILL)
	}()
	start := time.Now()
	err = sess.run(t, 30*time.Second)
	if err == nil || !strings.Contains(err.Error(), "connection to the server lost") {
		t.Fatalf("Run = %v, want a lost connection", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Run took %v to notice the server died", d)
	}
	t.Logf("viewer reported: %v", err)
}

func TestRealServerKeysReachXterm(t *testing.T) {
	srv := startXvnc(t, "640x480", "-SecurityTypes", "None")
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	srv.xterm(t, "einkterm-keys", nil, "cd "+dir+" && PS1='$ ' exec bash --norc --noprofile")
	// Without a window manager the keyboard focus follows the pointer.
	srv.x(t, "xdotool", "mousemove", "50", "50")

	sess, err := newSession(t, srv.addr, "640x480", Options{}, ViewerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go sess.loop.Run(ctx)
	go sess.viewer.Run(ctx)

	// Ctrl-U (a control byte) erases the line typed so far in bash.
	// Shifted characters follow, and Ctrl-Left and Ctrl-Right, which
	// move a word back and forth and so change nothing.
	typed := "echo wrong\x15ECHO=$((6*7)); printf '%s:%s\\n' \"$ECHO\" Caps \x1b[1;5D\x1b[1;5C> out\r"
	if err := sess.viewer.Input([]byte(typed)); err != nil {
		t.Fatal(err)
	}
	want := "42:Caps\n"
	var got []byte
	for ctx.Err() == nil {
		got, _ = os.ReadFile(out)
		if string(got) == want {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if string(got) != want {
		t.Errorf("file written through the xterm = %q, want %q", got, want)
	}
}
