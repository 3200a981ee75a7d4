package server

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/term"
	"github.com/einkterm/einkterm/vnc/rfb"
)

// startServer serves a 64x48 4-bit panel on a loopback port.
func startServer(t *testing.T, opts Options) (*Server, string) {
	t.Helper()
	info, err := display.LookupProfile("64x48")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(info, opts)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return s, l.Addr().String()
}

// testClient is a minimal RFB client that speaks any version.
type testClient struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
	init rfb.ServerInit
}

func dialClient(t *testing.T, addr string, version string, password []byte) (*testClient, error) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	c := &testClient{t: t, conn: conn, br: bufio.NewReader(conn)}
	var v [12]byte
	if _, err := io.ReadFull(c.br, v[:]); err != nil {
		return nil, err
	}
	if string(v[:]) != rfb.ProtocolVersion3_8 {
		t.Fatalf("server version %q, want 3.8", v)
	}
	io.WriteString(conn, version)
	var secType uint32
	if version == "RFB 003.003\n" {
		binary.Read(c.br, binary.BigEndian, &secType)
	} else {
		var n [1]byte
		io.ReadFull(c.br, n[:])
		types := make([]byte, n[0])
		io.ReadFull(c.br, types)
		if len(types) != 1 {
			t.Fatalf("server offered %v, want one type", types)
		}
		secType = uint32(types[0])
		conn.Write(types[:1])
	}
	if secType == rfb.SecurityVNCAuth {
		var challenge [16]byte
		if _, err := io.ReadFull(c.br, challenge[:]); err != nil {
			return nil, err
		}
		resp := rfb.VNCAuthResponse(password, challenge)
		conn.Write(resp[:])
	}
	if secType == rfb.SecurityVNCAuth || version == rfb.ProtocolVersion3_8 {
		var result uint32
		if err := binary.Read(c.br, binary.BigEndian, &result); err != nil {
			return nil, err
		}
		if result != 0 {
			reason := ""
			if version == rfb.ProtocolVersion3_8 {
				reason, _ = rfb.ReadReason(c.br)
			}
			return nil, fmt.Errorf("security result %d: %s", result, reason)
		}
	}
	conn.Write([]byte{1}) // shared
	init, err := rfb.ReadServerInit(c.br)
	if err != nil {
		return nil, err
	}
	c.init = init
	return c, nil
}

func (c *testClient) setEncodings(encs ...int32) {
	b := []byte{rfb.SetEncodingsMsg, 0}
	b = binary.BigEndian.AppendUint16(b, uint16(len(encs)))
	for _, e := range encs {
		b = binary.BigEndian.AppendUint32(b, uint32(e))
	}
	c.conn.Write(b)
}

func (c *testClient) setPixelFormat(pf rfb.PixelFormat) {
	m := pf.Marshal()
	c.conn.Write(append([]byte{rfb.SetPixelFormatMsg, 0, 0, 0}, m[:]...))
}

func (c *testClient) request(incremental bool) {
	b := []byte{rfb.FramebufferUpdateRequestMsg, 0}
	if incremental {
		b[1] = 1
	}
	b = binary.BigEndian.AppendUint16(b, 0)
	b = binary.BigEndian.AppendUint16(b, 0)
	b = binary.BigEndian.AppendUint16(b, c.init.Width)
	b = binary.BigEndian.AppendUint16(b, c.init.Height)
	c.conn.Write(b)
}

func (c *testClient) key(sym uint32, down bool) {
	b := []byte{rfb.KeyEventMsg, 0, 0, 0}
	if down {
		b[1] = 1
	}
	c.conn.Write(binary.BigEndian.AppendUint32(b, sym))
}

// readUpdate reads one FramebufferUpdate into img, decoding Raw, Hextile
// and ZRLE, and returns its rectangles.
func (c *testClient) readUpdate(img *image.Gray, pf rfb.PixelFormat, zrle *rfb.ZRLEDecoder) []image.Rectangle {
	c.t.Helper()
	conv, err := rfb.NewConverter(pf)
	if err != nil {
		c.t.Fatal(err)
	}
	if !pf.TrueColor {
		colors := make([]rfb.Color, 256)
		for i := range colors {
			v := uint16(i) * 257
			colors[i] = rfb.Color{R: v, G: v, B: v}
		}
		conv.SetColors(0, colors)
	}
	for {
		var typ [1]byte
		if _, err := io.ReadFull(c.br, typ[:]); err != nil {
			c.t.Fatalf("reading update: %v", err)
		}
		if typ[0] == rfb.SetColorMapEntriesMsg {
			var hdr [5]byte
			io.ReadFull(c.br, hdr[:])
			n := int(binary.BigEndian.Uint16(hdr[3:]))
			io.CopyN(io.Discard, c.br, int64(n*6))
			continue
		}
		if typ[0] != rfb.FramebufferUpdateMsg {
			c.t.Fatalf("message type %d, want FramebufferUpdate", typ[0])
		}
		break
	}
	var hdr [3]byte
	io.ReadFull(c.br, hdr[:])
	n := int(binary.BigEndian.Uint16(hdr[1:]))
	var rects []image.Rectangle
	var scratch []byte
	for i := 0; i < n; i++ {
		var rh [12]byte
		if _, err := io.ReadFull(c.br, rh[:]); err != nil {
			c.t.Fatal(err)
		}
		x, y := binary.BigEndian.Uint16(rh[0:]), binary.BigEndian.Uint16(rh[2:])
		w, h := binary.BigEndian.Uint16(rh[4:]), binary.BigEndian.Uint16(rh[6:])
		r, err := rfb.CheckRect(x, y, w, h, int(c.init.Width), int(c.init.Height))
		if err != nil {
			c.t.Fatal(err)
		}
		switch enc := int32(binary.BigEndian.Uint32(rh[8:])); enc {
		case rfb.EncodingRaw:
			err = rfb.DecodeRaw(c.br, conv, img, r, &scratch)
		case rfb.EncodingZRLE:
			err = zrle.Decode(c.br, conv, img, r)
		case encodingHextile:
			err = decodeHextile(c.br, conv, img, r)
		default:
			c.t.Fatalf("encoding %d was not asked for", enc)
		}
		if err != nil {
			c.t.Fatal(err)
		}
		rects = append(rects, r)
	}
	return rects
}

// decodeHextile is an independent Hextile decoder written from RFC 6143,
// 7.7.4, for checking the encoder.
func decodeHextile(r io.Reader, conv *rfb.Converter, img *image.Gray, rect image.Rectangle) error {
	bpp := conv.Format().BytesPerPixel()
	readPixel := func() (uint8, error) {
		b := make([]byte, bpp)
		if _, err := io.ReadFull(r, b); err != nil {
			return 0, err
		}
		return conv.Gray(conv.Format().Pixel(b)), nil
	}
	var bg, fg uint8
	for ty := rect.Min.Y; ty < rect.Max.Y; ty += 16 {
		for tx := rect.Min.X; tx < rect.Max.X; tx += 16 {
			tile := image.Rect(tx, ty, min(tx+16, rect.Max.X), min(ty+16, rect.Max.Y))
			var sub [1]byte
			if _, err := io.ReadFull(r, sub[:]); err != nil {
				return err
			}
			if sub[0]&hextileRaw != 0 {
				for y := tile.Min.Y; y < tile.Max.Y; y++ {
					for x := tile.Min.X; x < tile.Max.X; x++ {
						v, err := readPixel()
						if err != nil {
							return err
						}
						img.Pix[img.PixOffset(x, y)] = v
					}
				}
				continue
			}
			var err error
			if sub[0]&hextileBackground != 0 {
				if bg, err = readPixel(); err != nil {
					return err
				}
			}
			if sub[0]&hextileForeground != 0 {
				if fg, err = readPixel(); err != nil {
					return err
				}
			}
			for y := tile.Min.Y; y < tile.Max.Y; y++ {
				for x := tile.Min.X; x < tile.Max.X; x++ {
					img.Pix[img.PixOffset(x, y)] = bg
				}
			}
			if sub[0]&hextileSubrects == 0 {
				continue
			}
			var count [1]byte
			io.ReadFull(r, count[:])
			for i := 0; i < int(count[0]); i++ {
				var s [2]byte
				if _, err := io.ReadFull(r, s[:]); err != nil {
					return err
				}
				sx, sy := int(s[0]>>4), int(s[0]&15)
				sw, sh := int(s[1]>>4)+1, int(s[1]&15)+1
				for y := sy; y < sy+sh; y++ {
					for x := sx; x < sx+sw; x++ {
						img.Pix[img.PixOffset(tile.Min.X+x, tile.Min.Y+y)] = fg
					}
				}
			}
		}
	}
	return nil
}

// testFrame draws a pattern with text-like black and white and a gray
// ramp.
func testFrame(info display.Info) *display.Frame {
	f := display.NewFrame(info.Width, info.Height, info.Depth)
	for y := 0; y < info.Height; y++ {
		for x := 0; x < info.Width; x++ {
			switch {
			case y < 16 && (x/3+y/2)%3 == 0:
				f.SetGray(x, y, 0)
			case y >= 32:
				f.SetGray(x, y, uint8(x*16/info.Width))
			}
		}
	}
	return f
}

func TestProtocolVersionsAndSecurity(t *testing.T) {
	for _, version := range []string{"RFB 003.003\n", "RFB 003.007\n", "RFB 003.008\n"} {
		for _, password := range [][]byte{nil, []byte("secret12")} {
			name := strings.TrimSpace(version) + fmt.Sprintf(" password=%v", password != nil)
			t.Run(name, func(t *testing.T) {
				_, addr := startServer(t, Options{Password: password})
				c, err := dialClient(t, addr, version, password)
				if err != nil {
					t.Fatalf("handshake: %v", err)
				}
				if c.init.Width != 64 || c.init.Height != 48 {
					t.Errorf("ServerInit size %dx%d, want 64x48", c.init.Width, c.init.Height)
				}
				if c.init.Name != "einkterm" {
					t.Errorf("desktop name %q, want einkterm", c.init.Name)
				}
			})
		}
	}
}

func TestWrongPasswordRejected(t *testing.T) {
	for _, version := range []string{"RFB 003.003\n", "RFB 003.007\n", "RFB 003.008\n"} {
		_, addr := startServer(t, Options{Password: []byte("secret12")})
		_, err := dialClient(t, addr, version, []byte("guess"))
		if err == nil {
			t.Errorf("%q: wrong password accepted", version)
			continue
		}
		if version == rfb.ProtocolVersion3_8 && !strings.Contains(err.Error(), "authentication failed") {
			t.Errorf("3.8 failure reason = %v, want authentication failed", err)
		}
	}
}

func TestEncodingsAndPixelFormats(t *testing.T) {
	gray8 := rfb.PixelFormat{BPP: 8, Depth: 8}
	formats := map[string]rfb.PixelFormat{
		"32":      rfb.PixelFormat32,
		"16":      rfb.PixelFormat16,
		"8true":   rfb.PixelFormat8,
		"8colmap": gray8,
	}
	encodings := map[string]int32{"raw": rfb.EncodingRaw, "hextile": encodingHextile, "zrle": rfb.EncodingZRLE}
	for fname, pf := range formats {
		for ename, enc := range encodings {
			t.Run(fname+"/"+ename, func(t *testing.T) {
				s, addr := startServer(t, Options{})
				frame := testFrame(s.Info())
				if err := s.Refresh(frame, s.Info().Bounds(), display.ModeGC16); err != nil {
					t.Fatal(err)
				}
				c, err := dialClient(t, addr, rfb.ProtocolVersion3_8, nil)
				if err != nil {
					t.Fatal(err)
				}
				c.setPixelFormat(pf)
				c.setEncodings(enc, rfb.EncodingRaw)
				c.request(false)
				img := image.NewGray(image.Rect(0, 0, 64, 48))
				var zrle rfb.ZRLEDecoder
				c.readUpdate(img, pf, &zrle)
				want := frame.Gray()
				tolerance := 0
				if pf.TrueColor && pf.BPP == 8 {
					tolerance = 40 // BGR233 has 4 to 8 levels per channel
				} else if pf.BPP == 16 {
					tolerance = 9
				}
				checkImage(t, img, want, tolerance)
				// Text pixels are pure black and white in every format.
				if img.GrayAt(0, 0).Y != 0 || img.GrayAt(3, 0).Y != 255 {
					t.Errorf("text pixels %d and %d, want 0 and 255", img.GrayAt(0, 0).Y, img.GrayAt(3, 0).Y)
				}
			})
		}
	}
}

func checkImage(t *testing.T, got, want *image.Gray, tolerance int) {
	t.Helper()
	for y := 0; y < want.Rect.Dy(); y++ {
		for x := 0; x < want.Rect.Dx(); x++ {
			g, w := int(got.GrayAt(x, y).Y), int(want.GrayAt(x, y).Y)
			if g-w > tolerance || w-g > tolerance {
				t.Fatalf("pixel (%d,%d) = %d, want %d (tolerance %d)", x, y, g, w, tolerance)
			}
		}
	}
}

func TestIncrementalWaitsForDamage(t *testing.T) {
	s, addr := startServer(t, Options{})
	c, err := dialClient(t, addr, rfb.ProtocolVersion3_8, nil)
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, 64, 48))
	pf := rfb.PixelFormat32
	var zrle rfb.ZRLEDecoder
	c.request(false)
	c.readUpdate(img, pf, &zrle)

	// An incremental request with nothing new gets no answer.
	c.request(true)
	c.conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := c.br.Peek(1); err == nil {
		t.Fatal("server answered an incremental request with no damage")
	}
	c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))

	frame := display.NewFrame(64, 48, 4)
	frame.FillRect(image.Rect(8, 8, 16, 12), 0)
	s.Refresh(frame, image.Rect(8, 8, 16, 12), display.ModeA2)
	rects := c.readUpdate(img, pf, &zrle)
	if len(rects) != 1 || rects[0] != image.Rect(8, 8, 16, 12) {
		t.Errorf("update carried %v, want the refreshed (8,8)-(16,12)", rects)
	}
	if img.GrayAt(9, 9).Y != 0 {
		t.Error("refreshed pixel not black on the client")
	}
}

func TestKeysReachSessionFromFirstClientOnly(t *testing.T) {
	s, addr := startServer(t, Options{})
	first, err := dialClient(t, addr, rfb.ProtocolVersion3_8, nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := dialClient(t, addr, rfb.ProtocolVersion3_8, nil)
	if err != nil {
		t.Fatal(err)
	}
	second.key('x', true)
	first.key(xkControlL, true)
	first.key('c', true)
	first.key('c', false)
	first.key(xkControlL, false)
	first.key(xkUp, true)
	want := [][]byte{{0x03}, []byte("\x1b[A")}
	for _, w := range want {
		select {
		case got := <-s.Input():
			if string(got) != string(w) {
				t.Errorf("session got %q, want %q", got, w)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no input for %q", w)
		}
	}
	select {
	case got := <-s.Input():
		t.Errorf("unexpected input %q (from the view-only client?)", got)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestFullRefreshChord(t *testing.T) {
	s, addr := startServer(t, Options{})
	info := s.Info()
	rec, err := display.NewRecorder(info, display.RecorderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	loop := display.NewLoop(rec, display.LoopOptions{})
	tm, err := term.New(term.Options{Width: info.Width, Height: info.Height, Depth: info.Depth})
	if err != nil {
		t.Fatal(err)
	}
	s.AttachSession(tm, loop)
	c, err := dialClient(t, addr, rfb.ProtocolVersion3_8, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- loop.Run(ctx) }()
	c.key(xkControlL, true)
	c.key(xkAltL, true)
	c.key('r', true)
	deadline := time.Now().Add(5 * time.Second)
	for len(rec.Events()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ev := rec.Events()
	if len(ev) != 1 || !ev[0].Flash {
		t.Fatalf("chord produced %+v, want one flashing refresh", ev)
	}
	select {
	case got := <-s.Input():
		t.Errorf("chord reached the session as %q", got)
	default:
	}
}

func TestSlowClientDoesNotBlock(t *testing.T) {
	s, addr := startServer(t, Options{})
	c, err := dialClient(t, addr, rfb.ProtocolVersion3_8, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.setEncodings(rfb.EncodingRaw)
	// Ask and never read: the socket buffers fill and the writer blocks.
	for i := 0; i < 50; i++ {
		c.request(false)
	}
	frame := display.NewFrame(64, 48, 4)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 2000; i++ {
			frame.Fill(uint8(i % 16))
			s.Refresh(frame, frame.Bounds(), display.ModeGC16)
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Refresh blocked behind a client that does not read")
	}
	for cl := range s.clients {
		cl.mu.Lock()
		n := len(cl.damage)
		cl.mu.Unlock()
		if n > maxRegions {
			t.Errorf("client keeps %d damaged regions, want at most %d", n, maxRegions)
		}
	}
	// When it reads again, the client gets the newest frame.
	img := image.NewGray(image.Rect(0, 0, 64, 48))
	var zrle rfb.ZRLEDecoder
	for {
		c.request(true)
		c.readUpdate(img, rfb.PixelFormat32, &zrle)
		if img.GrayAt(0, 0).Y == uint8(1999%16*17) {
			break
		}
		if c.br.Buffered() == 0 {
			c.conn.SetReadDeadline(time.Now().Add(2 * time.Second))
			if _, err := c.br.Peek(1); err != nil {
				t.Fatalf("client never got the newest frame: pixel %d", img.GrayAt(0, 0).Y)
			}
		}
	}
}

func TestWrongPasswordsSlowDown(t *testing.T) {
	s, addr := startServer(t, Options{Password: []byte("secret12")})
	var last time.Duration
	for i := 0; i < 3; i++ {
		start := time.Now()
		if _, err := dialClient(t, addr, rfb.ProtocolVersion3_8, []byte("guess")); err == nil {
			t.Fatal("wrong password accepted")
		}
		last = time.Since(start)
	}
	if last < 1500*time.Millisecond {
		t.Errorf("the third wrong password was answered after %v, want at least 1.5 s", last)
	}
	if _, err := dialClient(t, addr, rfb.ProtocolVersion3_8, []byte("secret12")); err != nil {
		t.Fatalf("right password after failures: %v", err)
	}
	s.mu.Lock()
	n := s.authFailures
	s.mu.Unlock()
	if n != 0 {
		t.Errorf("failure count %d after a success, want 0", n)
	}
}

// TestSilentClientClosed connects and never sends a version string: the
// server closes the connection when the handshake time is up and logs
// why, so half-open connections do not pile up.
func TestSilentClientClosed(t *testing.T) {
	var logged strings.Builder
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logged.Write(p)
	}), nil))
	_, addr := startServer(t, Options{HandshakeTimeout: 200 * time.Millisecond, Logger: log})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(conn); err != nil {
		t.Fatalf("the server kept the silent connection open: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		text := logged.String()
		mu.Unlock()
		if strings.Contains(text, "handshake not done within 200ms") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log line says why the client was closed:\n%s", text)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
