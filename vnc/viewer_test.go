package vnc

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/vnc/rfb"
)

// testLogger routes log lines to t.Log.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t testing.TB }

// discardLogger drops log lines, for benchmarks.
func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// session is a viewer on a recorder, connected to addr.
type session struct {
	client *Client
	viewer *Viewer
	rec    *display.Recorder
	loop   *display.Loop
}

func newSession(t testing.TB, addr, panel string, opts Options, vopts ViewerOptions) (*session, error) {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	c, err := Connect(nc, opts)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { c.Close() })
	info, err := display.LookupProfile(panel)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := display.NewRecorder(info, display.RecorderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	loop := display.NewLoop(rec, display.LoopOptions{})
	vopts.Ready = func(ctx context.Context) error { return rec.Wait(ctx) }
	vopts.Refreshes = func() int { return loop.Stats().Refreshes }
	vopts.Logger = opts.Logger
	v, err := NewViewer(c, info, loop, vopts)
	if err != nil {
		t.Fatal(err)
	}
	return &session{client: c, viewer: v, rec: rec, loop: loop}, nil
}

// run runs the viewer and the loop until the viewer stops or timeout,
// then flushes the loop.
func (s *session) run(t testing.TB, timeout time.Duration) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	loopCtx, stopLoop := context.WithCancel(context.Background())
	loopDone := make(chan error, 1)
	go func() { loopDone <- s.loop.Run(loopCtx) }()
	err := s.viewer.Run(ctx)
	stopLoop()
	if lerr := <-loopDone; lerr != nil {
		t.Errorf("loop: %v", lerr)
	}
	return err
}

// halves is black on the left half of a 320x240 desktop, white on the
// right.
func halves(x, y int) uint8 {
	if x < 160 {
		return 0
	}
	return 255
}

func TestViewerHandshakesAndEncodings(t *testing.T) {
	tests := []struct {
		name     string
		version  string
		types    []byte
		password string
		enc      int32
	}{
		{"3.8 None ZRLE", "", nil, "", rfb.EncodingZRLE},
		{"3.8 VncAuth Raw", "", []byte{19, rfb.SecurityVNCAuth}, "s3cret", rfb.EncodingRaw},
		{"3.7 None ZRLE", "RFB 003.007\n", nil, "", rfb.EncodingZRLE},
		{"3.3 VncAuth ZRLE", "RFB 003.003\n", []byte{rfb.SecurityVNCAuth}, "pw", rfb.EncodingZRLE},
		{"3.889 None Raw", "RFB 003.889\n", []byte{30, rfb.SecurityNone}, "", rfb.EncodingRaw},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &fakeServer{t: t, version: tt.version, types: tt.types, password: tt.password,
				width: 320, height: 240}
			srv.serve = func(s *serverConn) error {
				if s.encodings[0] != rfb.EncodingZRLE {
					t.Errorf("first offered encoding %d, want ZRLE", s.encodings[0])
				}
				if s.pf != rfb.PixelFormat32 {
					t.Errorf("pixel format %+v, want PixelFormat32", s.pf)
				}
				m, err := s.nextRequest()
				if err != nil {
					return err
				}
				if m.incremental {
					t.Error("first request is incremental")
				}
				if err := s.sendUpdate(rect{r: image.Rect(0, 0, 320, 240), enc: tt.enc, gray: halves}); err != nil {
					return err
				}
				if _, err := s.nextRequest(); err != nil {
					return err
				}
				// Move the black half down-right by 40 pixels.
				return s.sendUpdate(rect{r: image.Rect(40, 40, 200, 240), enc: rfb.EncodingCopyRect, from: image.Pt(0, 0)})
			}
			addr := srv.start()
			pw := func() ([]byte, error) { return []byte(tt.password), nil }
			s, err := newSession(t, addr, "160x120", Options{Password: pw}, ViewerOptions{})
			if err != nil {
				t.Fatal(err)
			}
			err = s.run(t, 10*time.Second)
			if err == nil || !strings.Contains(err.Error(), "connection to the server lost") {
				t.Errorf("Run = %v, want a lost connection", err)
			}
			img := s.rec.Image()
			// Panel pixels are remote pixels halved.
			checks := []struct {
				x, y int
				want uint8
			}{
				{5, 5, 0},      // black, left half
				{150, 5, 15},   // white, right half
				{95, 100, 0},   // the copied black area, right of the old edge
				{95, 10, 15},   // white, above the copy
				{10, 100, 255}, // left edge of the copy, still the old black
			}
			for _, c := range checks {
				want := c.want
				if want == 255 {
					want = 0
				}
				if got := img.GrayAt(c.x, c.y); got != want {
					t.Errorf("panel pixel (%d,%d) = %d, want %d", c.x, c.y, got, want)
				}
			}
			st := s.viewer.Stats()
			if st.Updates != 2 || st.Requests < 2 || st.Requests > 3 {
				t.Errorf("stats %+v, want 2 updates and 2 or 3 requests", st)
			}
		})
	}
}

func TestViewerWrongPassword(t *testing.T) {
	srv := &fakeServer{t: t, types: []byte{rfb.SecurityVNCAuth}, password: "right", width: 64, height: 64}
	addr := srv.start()
	pw := func() ([]byte, error) { return []byte("wrong"), nil }
	_, err := newSession(t, addr, "64x64", Options{Password: pw}, ViewerOptions{})
	var ae *AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("Connect = %v, want an AuthError", err)
	}
	if ae.Reason != "wrong password" {
		t.Errorf("reason %q, want the server's", ae.Reason)
	}
}

func TestViewerNoPasswordSource(t *testing.T) {
	srv := &fakeServer{t: t, types: []byte{rfb.SecurityVNCAuth}, password: "x", width: 64, height: 64, quiet: true}
	addr := srv.start()
	_, err := newSession(t, addr, "64x64", Options{}, ViewerOptions{})
	if !errors.Is(err, ErrPasswordRequired) {
		t.Fatalf("Connect = %v, want ErrPasswordRequired", err)
	}
}

func TestViewerCutTextKeepsStream(t *testing.T) {
	srv := &fakeServer{t: t, width: 64, height: 64}
	text := "clipboard\x00with a NUL and \xe9"
	srv.serve = func(s *serverConn) error {
		if _, err := s.nextRequest(); err != nil {
			return err
		}
		// ServerCutText has 3 padding bytes; a reader that skips one is
		// out of step for everything after it.
		if err := s.sendCutText(text); err != nil {
			return err
		}
		return s.sendUpdate(rect{r: image.Rect(0, 0, 64, 64), enc: rfb.EncodingZRLE,
			gray: func(x, y int) uint8 { return 0 }})
	}
	addr := srv.start()
	var got string
	s, err := newSession(t, addr, "64x64", Options{}, ViewerOptions{CutText: func(s string) { got = s }})
	if err != nil {
		t.Fatal(err)
	}
	s.run(t, 10*time.Second)
	if want := "clipboard\x00with a NUL and é"; got != want {
		t.Errorf("cut text %q, want %q", got, want)
	}
	if g := s.rec.Image().GrayAt(30, 30); g != 0 {
		t.Errorf("update after the cut text not shown: pixel = %d", g)
	}
}

func TestViewerReportsUnknownMessage(t *testing.T) {
	srv := &fakeServer{t: t, width: 64, height: 64}
	srv.serve = func(s *serverConn) error {
		if _, err := s.nextRequest(); err != nil {
			return err
		}
		s.Write([]byte{77, 1, 2, 3})
		// Keep the connection open: the viewer must notice by itself.
		s.next()
		return nil
	}
	addr := srv.start()
	s, err := newSession(t, addr, "64x64", Options{}, ViewerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = s.run(t, 10*time.Second)
	if err == nil || !strings.Contains(err.Error(), "message type 77") {
		t.Errorf("Run = %v, want an error naming message type 77", err)
	}
}

func TestViewerRejectsRectOutsideFramebuffer(t *testing.T) {
	srv := &fakeServer{t: t, width: 64, height: 64}
	srv.serve = func(s *serverConn) error {
		if _, err := s.nextRequest(); err != nil {
			return err
		}
		// A header for 60000x60000 Raw pixels, and no pixels.
		b := []byte{0, 0, 0, 1}
		var h [12]byte
		rfb.PutRectHeader(h[:], image.Rect(0, 0, 60000, 60000), rfb.EncodingRaw)
		s.Write(append(b, h[:]...))
		s.next()
		return nil
	}
	addr := srv.start()
	s, err := newSession(t, addr, "64x64", Options{}, ViewerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = s.run(t, 10*time.Second)
	if err == nil || !strings.Contains(err.Error(), "outside the 64x64 framebuffer") {
		t.Errorf("Run = %v, want a rectangle outside the framebuffer", err)
	}
}

func TestViewerDesktopResize(t *testing.T) {
	srv := &fakeServer{t: t, width: 320, height: 240}
	srv.serve = func(s *serverConn) error {
		if _, err := s.nextRequest(); err != nil {
			return err
		}
		s.sendUpdate(rect{r: image.Rect(0, 0, 320, 240), enc: rfb.EncodingZRLE, gray: halves})
		if _, err := s.nextRequest(); err != nil {
			return err
		}
		// Grow to 640x240: the desktop now fills half the panel height.
		s.sendUpdate(rect{r: image.Rect(0, 0, 640, 240), enc: rfb.EncodingDesktopSize})
		m, err := s.nextRequest()
		if err != nil {
			return err
		}
		if m.incremental {
			t.Error("request after a resize is incremental, want a full one")
		}
		return s.sendUpdate(rect{r: image.Rect(0, 0, 640, 240), enc: rfb.EncodingZRLE,
			gray: func(x, y int) uint8 { return 0 }})
	}
	addr := srv.start()
	s, err := newSession(t, addr, "160x120", Options{}, ViewerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.run(t, 10*time.Second)
	if w, h := s.client.Size(); w != 640 || h != 240 {
		t.Errorf("size after resize %dx%d, want 640x240", w, h)
	}
	img := s.rec.Image()
	// 640x240 fits 160x60, centred: rows 30 to 90 black, the rest white.
	for _, c := range []struct {
		y    int
		want uint8
	}{{10, 15}, {40, 0}, {85, 0}, {100, 15}} {
		if got := img.GrayAt(80, c.y); got != c.want {
			t.Errorf("panel pixel (80,%d) = %d, want %d", c.y, got, c.want)
		}
	}
}

func TestViewerKeysInOneWrite(t *testing.T) {
	got := make(chan clientMsg, 16)
	srv := &fakeServer{t: t, width: 64, height: 64}
	srv.serve = func(s *serverConn) error {
		for {
			m, err := s.next()
			if err != nil {
				return nil
			}
			if m.typ == rfb.KeyEventMsg {
				got <- m
			}
		}
	}
	addr := srv.start()
	s, err := newSession(t, addr, "64x64", Options{}, ViewerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.viewer.Input([]byte("a\x1b[1;5A")); err != nil {
		t.Fatal(err)
	}
	want := []clientMsg{
		{typ: 4, keysym: 'a', down: true}, {typ: 4, keysym: 'a'},
		{typ: 4, keysym: XKControlL, down: true},
		{typ: 4, keysym: XKUp, down: true}, {typ: 4, keysym: XKUp},
		{typ: 4, keysym: XKControlL},
	}
	for i, w := range want {
		select {
		case m := <-got:
			if m != w {
				t.Errorf("key event %d = %+v, want %+v", i, m, w)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("key event %d not received", i)
		}
	}
}

// stripes fills the desktop with vertical stripes whose phase is n, so
// each update changes every pixel.
func stripes(n int) func(x, y int) uint8 {
	return func(x, y int) uint8 {
		if (x+n)%16 < 8 {
			return 0
		}
		return 255
	}
}

func TestViewerPacesRequestsToPanel(t *testing.T) {
	var updates int
	srv := &fakeServer{t: t, width: 64, height: 64, quiet: true}
	srv.serve = func(s *serverConn) error {
		for n := 0; ; n++ {
			if _, err := s.nextRequest(); err != nil {
				return nil
			}
			// A request that arrives before this one gets its update
			// would be a second outstanding request.
			s.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
			if m, err := s.next(); err == nil {
				t.Errorf("message type %d arrived while a request was outstanding", m.typ)
			}
			s.SetReadDeadline(time.Time{})
			if err := s.sendUpdate(rect{r: image.Rect(0, 0, 64, 64), enc: rfb.EncodingZRLE, gray: stripes(n)}); err != nil {
				return nil
			}
			updates++
		}
	}
	addr := srv.start()
	// The 2.13" panel takes 300 ms per partial refresh.
	s, err := newSession(t, addr, "2in13", Options{}, ViewerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.run(t, 2*time.Second)
	refreshes := len(s.rec.Events())
	st := s.viewer.Stats()
	t.Logf("%d server updates, %d requests, %d panel refreshes in 2 s", st.Updates, st.Requests, refreshes)
	// Each request waits for the panel, so the server sends at most one
	// update per refresh plus the one in flight when a refresh starts.
	if st.Updates > int64(2*refreshes+2) {
		t.Errorf("%d updates for %d refreshes: requests are not paced to the panel", st.Updates, refreshes)
	}
	if refreshes < 3 {
		t.Errorf("only %d refreshes in 2 s on a 300 ms panel", refreshes)
	}
}

func TestViewerUnaskedUpdatesAddNoRequests(t *testing.T) {
	requests := make(chan int, 1)
	srv := &fakeServer{t: t, width: 64, height: 64, quiet: true}
	srv.serve = func(s *serverConn) error {
		if _, err := s.nextRequest(); err != nil {
			return err
		}
		for n := range 5 {
			s.sendUpdate(rect{r: image.Rect(0, 0, 64, 64), enc: rfb.EncodingRaw, gray: stripes(n)})
		}
		count := 0
		s.SetReadDeadline(time.Now().Add(time.Second))
		for {
			m, err := s.next()
			if err != nil {
				break
			}
			if m.typ == rfb.FramebufferUpdateRequestMsg {
				count++
			}
		}
		requests <- count
		return nil
	}
	addr := srv.start()
	s, err := newSession(t, addr, "64x64", Options{}, ViewerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	go s.run(t, 3*time.Second)
	if n := <-requests; n != 1 {
		t.Errorf("%d requests after 5 updates for one request, want 1", n)
	}
}

func TestCheckSizeLimits(t *testing.T) {
	tests := []struct {
		w, h int
		ok   bool
	}{
		{800, 600, true},
		{4096, 4096, true},
		{4097, 4096, false},
		{65535, 65535, false}, // overflows a 32-bit int
		{0, 600, false},
	}
	for _, tt := range tests {
		if err := checkSize(tt.w, tt.h, DefaultMaxPixels); (err == nil) != tt.ok {
			t.Errorf("checkSize(%d, %d) = %v, want ok=%v", tt.w, tt.h, err, tt.ok)
		}
	}
}

func TestViewerCommandKeys(t *testing.T) {
	srv := &fakeServer{t: t, width: 320, height: 240, quiet: true}
	keys := make(chan clientMsg, 16)
	srv.serve = func(s *serverConn) error {
		if _, err := s.nextRequest(); err != nil {
			return err
		}
		s.sendUpdate(rect{r: image.Rect(0, 0, 320, 240), enc: rfb.EncodingZRLE, gray: halves})
		for {
			m, err := s.next()
			if err != nil {
				return nil
			}
			if m.typ == rfb.KeyEventMsg {
				keys <- m
			}
		}
	}
	addr := srv.start()
	s, err := newSession(t, addr, "160x120", Options{}, ViewerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.loop.Run(ctx)
	done := make(chan error, 1)
	go func() { done <- s.viewer.Run(ctx) }()

	waitPixel := func(x, y int, want uint8) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			s.loop.Flush(ctx)
			if s.rec.Image().GrayAt(x, y) == want {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("panel pixel (%d,%d) = %d, want %d", x, y, s.rec.Image().GrayAt(x, y), want)
	}
	// Fit: the black left half covers panel columns 0 to 79.
	waitPixel(100, 60, 15)
	// 1:1 shows remote columns 0 to 159: all black.
	s.viewer.Input([]byte{CommandKey, 'f'})
	waitPixel(100, 60, 0)
	// Half a screen right shows remote columns 80 to 239: white from
	// panel column 80.
	s.viewer.Input([]byte("\x1d\x1b[C"))
	waitPixel(100, 60, 15)
	waitPixel(60, 60, 0)
	// Ctrl-] twice sends Ctrl-], which no command swallowed.
	s.viewer.Input([]byte{CommandKey, CommandKey})
	select {
	case m := <-keys:
		if m.keysym != XKControlL || !m.down {
			t.Errorf("first key event %+v, want Control_L down", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Ctrl-] Ctrl-] sent no key")
	}
	s.viewer.Input([]byte{CommandKey, 'q'})
	select {
	case err := <-done:
		if !errors.Is(err, ErrQuit) {
			t.Errorf("Run = %v after the quit command, want ErrQuit", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("quit command did not stop Run")
	}
}

func TestConnectHandshakeTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	defer close(done)
	go func() {
		// Accept and never speak.
		c, err := ln.Accept()
		if err == nil {
			<-done
			c.Close()
		}
	}()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Connect(nc, Options{HandshakeTimeout: 200 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("Connect = %v, want a timeout", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Connect took %v with a 200 ms timeout", d)
	}
}

func TestClientWritersDoNotInterleave(t *testing.T) {
	const writers, each = 4, 300
	counts := make(chan [2]int, 1)
	srv := &fakeServer{t: t, width: 64, height: 64}
	srv.serve = func(s *serverConn) error {
		keys, requests := 0, 0
		for keys < writers*each || requests < writers*each {
			m, err := s.next()
			if err != nil {
				return err // a torn message shows up as an unknown type
			}
			switch m.typ {
			case rfb.KeyEventMsg:
				if m.keysym != 'k' {
					return fmt.Errorf("key event with keysym %#x, want 'k'", m.keysym)
				}
				keys++
			case rfb.FramebufferUpdateRequestMsg:
				requests++
			}
		}
		counts <- [2]int{keys, requests}
		return nil
	}
	addr := srv.start()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Connect(nc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				c.KeyEvent('k', i%2 == 0)
				c.RequestUpdate(true)
			}
		}()
	}
	wg.Wait()
	select {
	case got := <-counts:
		if got != [2]int{writers * each, writers * each} {
			t.Errorf("server parsed %v key events and requests, want %d of each", got, writers*each)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not receive every message")
	}
}

func TestConnectKeepsPixelFormatInStep(t *testing.T) {
	got := make(chan rfb.PixelFormat, 1)
	srv := &fakeServer{t: t, width: 320, height: 240}
	srv.serve = func(s *serverConn) error {
		got <- s.pf
		if _, err := s.nextRequest(); err != nil {
			return err
		}
		// Encoded in the format the viewer asked for, 16 bits per pixel.
		return s.sendUpdate(rect{r: image.Rect(0, 0, 320, 240), enc: rfb.EncodingZRLE, gray: halves})
	}
	addr := srv.start()
	pf := rfb.PixelFormat16
	s, err := newSession(t, addr, "160x120", Options{PixelFormat: &pf}, ViewerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sent := <-got; sent != pf {
		t.Errorf("server got pixel format %+v, want %+v", sent, pf)
	}
	if s.client.cc.PixelFormat != toGoVNC(pf) {
		t.Errorf("go-vnc's PixelFormat %+v, want %+v", s.client.cc.PixelFormat, toGoVNC(pf))
	}
	s.run(t, 10*time.Second)
	img := s.rec.Image()
	if img.GrayAt(5, 5) != 0 || img.GrayAt(150, 5) != img.White() {
		t.Errorf("16-bit update decoded wrong: pixels %d and %d, want black and white",
			img.GrayAt(5, 5), img.GrayAt(150, 5))
	}
}
