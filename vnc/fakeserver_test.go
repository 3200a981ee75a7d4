package vnc

import (
	"encoding/binary"
	"fmt"
	"image"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/einkterm/einkterm/vnc/rfb"
)

// fakeServer is a scripted RFB server on 127.0.0.1 for tests.
type fakeServer struct {
	t        testing.TB
	ln       net.Listener
	version  string // protocol version to offer; "" means 3.8
	types    []byte // security types to offer; nil means None
	password string // for VNC authentication
	width    int
	height   int
	// serve runs after the handshake, SetPixelFormat and SetEncodings.
	serve func(s *serverConn) error
	// quiet drops the server's errors, for tests where the viewer
	// hangs up early on purpose.
	quiet bool

	mu   sync.Mutex
	errs []error
	done chan struct{}
}

// serverConn is one client connection of a fakeServer.
type serverConn struct {
	net.Conn
	pf        rfb.PixelFormat
	encodings []int32
	zrle      rfb.ZRLEEncoder
}

func (f *fakeServer) start() string {
	f.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.t.Fatal(err)
	}
	f.ln = ln
	f.done = make(chan struct{})
	f.t.Cleanup(func() {
		ln.Close()
		<-f.done
		for _, err := range f.errs {
			f.t.Errorf("fake server: %v", err)
		}
	})
	go func() {
		defer close(f.done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		if err := f.handle(c); err != nil && !f.quiet {
			f.mu.Lock()
			f.errs = append(f.errs, err)
			f.mu.Unlock()
		}
	}()
	return ln.Addr().String()
}

func (f *fakeServer) handle(c net.Conn) error {
	version := f.version
	if version == "" {
		version = rfb.ProtocolVersion3_8
	}
	if _, err := io.WriteString(c, version); err != nil {
		return err
	}
	var vb [12]byte
	if _, err := io.ReadFull(c, vb[:]); err != nil {
		return fmt.Errorf("reading client version: %w", err)
	}
	types := f.types
	if types == nil {
		types = []byte{rfb.SecurityNone}
	}
	var chosen byte
	if string(vb[:]) == "RFB 003.003\n" {
		chosen = types[0]
		binary.Write(c, binary.BigEndian, uint32(chosen))
	} else {
		c.Write(append([]byte{byte(len(types))}, types...))
		var b [1]byte
		if _, err := io.ReadFull(c, b[:]); err != nil {
			return fmt.Errorf("reading chosen security type: %w", err)
		}
		chosen = b[0]
	}
	ok := true
	if chosen == rfb.SecurityVNCAuth {
		var challenge, resp [16]byte
		copy(challenge[:], "0123456789abcdef")
		c.Write(challenge[:])
		if _, err := io.ReadFull(c, resp[:]); err != nil {
			return fmt.Errorf("reading auth response: %w", err)
		}
		ok = resp == rfb.VNCAuthResponse([]byte(f.password), challenge)
	}
	if chosen == rfb.SecurityVNCAuth || string(vb[:]) == rfb.ProtocolVersion3_8 {
		if !ok {
			binary.Write(c, binary.BigEndian, uint32(1))
			if string(vb[:]) == rfb.ProtocolVersion3_8 {
				binary.Write(c, binary.BigEndian, uint32(14))
				io.WriteString(c, "wrong password")
			}
			return nil
		}
		binary.Write(c, binary.BigEndian, uint32(0))
	}
	var shared [1]byte
	if _, err := io.ReadFull(c, shared[:]); err != nil {
		return fmt.Errorf("reading ClientInit: %w", err)
	}
	si := rfb.ServerInit{Width: uint16(f.width), Height: uint16(f.height), Format: rfb.PixelFormat32, Name: "fake"}
	c.Write(si.Marshal())

	s := &serverConn{Conn: c}
	if err := s.readSetup(); err != nil {
		return err
	}
	if f.serve == nil {
		return nil
	}
	return f.serve(s)
}

// readSetup reads the SetPixelFormat and SetEncodings that Connect sends.
func (s *serverConn) readSetup() error {
	var pfm [20]byte
	if _, err := io.ReadFull(s, pfm[:]); err != nil {
		return fmt.Errorf("reading SetPixelFormat: %w", err)
	}
	if pfm[0] != rfb.SetPixelFormatMsg {
		return fmt.Errorf("first message type %d, want SetPixelFormat", pfm[0])
	}
	var raw [16]byte
	copy(raw[:], pfm[4:])
	s.pf = rfb.UnmarshalPixelFormat(raw)
	var h [4]byte
	if _, err := io.ReadFull(s, h[:]); err != nil {
		return fmt.Errorf("reading SetEncodings: %w", err)
	}
	if h[0] != rfb.SetEncodingsMsg {
		return fmt.Errorf("second message type %d, want SetEncodings", h[0])
	}
	encs := make([]byte, 4*int(binary.BigEndian.Uint16(h[2:])))
	if _, err := io.ReadFull(s, encs); err != nil {
		return err
	}
	for i := 0; i < len(encs); i += 4 {
		s.encodings = append(s.encodings, int32(binary.BigEndian.Uint32(encs[i:])))
	}
	return nil
}

// clientMsg is one message from the viewer.
type clientMsg struct {
	typ         byte
	incremental bool   // FramebufferUpdateRequest
	keysym      uint32 // KeyEvent
	down        bool
}

// next reads the next client message.
func (s *serverConn) next() (clientMsg, error) {
	var t [1]byte
	if _, err := io.ReadFull(s, t[:]); err != nil {
		return clientMsg{}, err
	}
	m := clientMsg{typ: t[0]}
	sizes := map[byte]int{rfb.FramebufferUpdateRequestMsg: 9, rfb.KeyEventMsg: 7, rfb.PointerEventMsg: 5, rfb.ClientCutTextMsg: 7}
	n, ok := sizes[t[0]]
	if !ok {
		return m, fmt.Errorf("unexpected client message type %d", t[0])
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(s, b); err != nil {
		return m, err
	}
	switch t[0] {
	case rfb.FramebufferUpdateRequestMsg:
		m.incremental = b[0] != 0
	case rfb.KeyEventMsg:
		m.down = b[0] != 0
		m.keysym = binary.BigEndian.Uint32(b[3:])
	case rfb.ClientCutTextMsg:
		io.CopyN(io.Discard, s, int64(binary.BigEndian.Uint32(b[3:])))
	}
	return m, nil
}

// nextRequest reads client messages up to the next update request.
func (s *serverConn) nextRequest() (clientMsg, error) {
	for {
		m, err := s.next()
		if err != nil || m.typ == rfb.FramebufferUpdateRequestMsg {
			return m, err
		}
	}
}

// rect is one rectangle of an update from the fake server.
type rect struct {
	r    image.Rectangle
	enc  int32
	gray func(x, y int) uint8 // pixel colour as gray, for Raw and ZRLE
	from image.Point          // CopyRect source
}

// sendUpdate writes a FramebufferUpdate with rects.
func (s *serverConn) sendUpdate(rects ...rect) error {
	b := []byte{rfb.FramebufferUpdateMsg, 0, 0, 0}
	binary.BigEndian.PutUint16(b[2:], uint16(len(rects)))
	for _, r := range rects {
		var h [12]byte
		rfb.PutRectHeader(h[:], r.r, r.enc)
		b = append(b, h[:]...)
		var pix []uint32
		if r.gray != nil {
			for y := r.r.Min.Y; y < r.r.Max.Y; y++ {
				for x := r.r.Min.X; x < r.r.Max.X; x++ {
					g := r.gray(x, y)
					pix = append(pix, s.pf.FromRGB(g, g, g))
				}
			}
		}
		switch r.enc {
		case rfb.EncodingRaw:
			b = rfb.EncodeRaw(b, s.pf, pix)
		case rfb.EncodingZRLE:
			var err error
			if b, err = s.zrle.Encode(b, s.pf, pix, r.r.Dx(), r.r.Dy()); err != nil {
				return err
			}
		case rfb.EncodingCopyRect:
			b = binary.BigEndian.AppendUint16(b, uint16(r.from.X))
			b = binary.BigEndian.AppendUint16(b, uint16(r.from.Y))
		}
	}
	_, err := s.Write(b)
	return err
}

// sendCutText writes a ServerCutText with its 3 padding bytes.
func (s *serverConn) sendCutText(text string) error {
	b := []byte{rfb.ServerCutTextMsg, 0, 0, 0}
	b = binary.BigEndian.AppendUint32(b, uint32(len(text)))
	_, err := s.Write(append(b, text...))
	return err
}
