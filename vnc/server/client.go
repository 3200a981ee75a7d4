package server

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/einkterm/einkterm/term"
	"github.com/einkterm/einkterm/vnc/rfb"
)

// Limits on what a client may announce.
const (
	maxEncodings = 1024    // SetEncodings entries kept; real clients send < 30
	maxCutText   = 1 << 20 // ClientCutText bytes kept; the rest is skipped
	maxRegions   = 16      // damaged rectangles kept before they are merged
)

// client is one connected viewer.
type client struct {
	s     *Server
	conn  net.Conn
	br    *bufio.Reader
	id    int
	minor int // RFB 3.minor

	mods term.Mod // modifiers held, from key events

	mu          sync.Mutex
	wake        *sync.Cond
	pf          rfb.PixelFormat
	encodings   []int32
	damage      []image.Rectangle
	requested   bool // an update request is waiting for an answer
	incremental bool
	requestRect image.Rectangle
	sendMap     bool // a colour map must be sent before the next update
	done        bool
}

func newClient(s *Server, conn net.Conn, id int) *client {
	c := &client{s: s, conn: conn, br: newReader(conn), id: id, pf: rfb.PixelFormat32}
	c.wake = sync.NewCond(&c.mu)
	return c
}

// run serves the client until it disconnects.
func (c *client) run() error {
	defer c.conn.Close()
	c.conn.SetDeadline(time.Now().Add(c.s.opts.HandshakeTimeout))
	if err := c.handshake(); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return fmt.Errorf("handshake not done within %v: %w", c.s.opts.HandshakeTimeout, err)
		}
		return err
	}
	c.conn.SetDeadline(time.Time{})
	c.s.add(c)
	writeErr := make(chan error, 1)
	go func() { writeErr <- c.writeLoop() }()
	err := c.readLoop()
	c.mu.Lock()
	c.done = true
	c.wake.Broadcast()
	c.mu.Unlock()
	c.conn.Close()
	if werr := <-writeErr; err == nil || err == io.EOF {
		err = werr
	}
	if err == io.EOF {
		return nil
	}
	return err
}

// addDamage marks r for the next update. The caller holds s.mu.
func (c *client) addDamage(r image.Rectangle) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.damage = append(c.damage, r)
	if len(c.damage) > maxRegions {
		c.damage = mergeAll(c.damage)
	}
	c.wake.Broadcast()
}

// mergeAll returns the bounding box of rs as one rectangle.
func mergeAll(rs []image.Rectangle) []image.Rectangle {
	var u image.Rectangle
	for _, r := range rs {
		u = u.Union(r)
	}
	return []image.Rectangle{u}
}

func (c *client) readLoop() error {
	var typ [1]byte
	for {
		if _, err := io.ReadFull(c.br, typ[:]); err != nil {
			return err
		}
		var err error
		switch typ[0] {
		case rfb.SetPixelFormatMsg:
			err = c.readSetPixelFormat()
		case rfb.SetEncodingsMsg:
			err = c.readSetEncodings()
		case rfb.FramebufferUpdateRequestMsg:
			err = c.readUpdateRequest()
		case rfb.KeyEventMsg:
			err = c.readKeyEvent()
		case rfb.PointerEventMsg:
			_, err = c.br.Discard(5)
		case rfb.ClientCutTextMsg:
			err = c.readCutText()
		default:
			err = fmt.Errorf("unknown client message type %d", typ[0])
		}
		if err != nil {
			return err
		}
	}
}

func (c *client) readSetPixelFormat() error {
	var b [3 + rfb.PixelFormatSize]byte
	if _, err := io.ReadFull(c.br, b[:]); err != nil {
		return err
	}
	var raw [rfb.PixelFormatSize]byte
	copy(raw[:], b[3:])
	pf := rfb.UnmarshalPixelFormat(raw)
	if err := pf.Validate(); err != nil {
		return fmt.Errorf("SetPixelFormat: %w", err)
	}
	if !pf.TrueColor && pf.BPP != 8 {
		return fmt.Errorf("SetPixelFormat: a colour map needs 8 bits per pixel, not %d", pf.BPP)
	}
	c.mu.Lock()
	c.pf = pf
	c.sendMap = !pf.TrueColor
	c.mu.Unlock()
	return nil
}

func (c *client) readSetEncodings() error {
	var hdr [3]byte
	if _, err := io.ReadFull(c.br, hdr[:]); err != nil {
		return err
	}
	n := int(binary.BigEndian.Uint16(hdr[1:]))
	encs := make([]int32, 0, min(n, maxEncodings))
	var e [4]byte
	for i := 0; i < n; i++ {
		if _, err := io.ReadFull(c.br, e[:]); err != nil {
			return err
		}
		if len(encs) < maxEncodings {
			encs = append(encs, int32(binary.BigEndian.Uint32(e[:])))
		}
	}
	c.mu.Lock()
	c.encodings = encs
	c.mu.Unlock()
	return nil
}

func (c *client) readUpdateRequest() error {
	var b [9]byte
	if _, err := io.ReadFull(c.br, b[:]); err != nil {
		return err
	}
	x := int(binary.BigEndian.Uint16(b[1:]))
	y := int(binary.BigEndian.Uint16(b[3:]))
	w := int(binary.BigEndian.Uint16(b[5:]))
	h := int(binary.BigEndian.Uint16(b[7:]))
	r := image.Rect(x, y, x+w, y+h).Intersect(c.s.info.Bounds())
	c.mu.Lock()
	defer c.mu.Unlock()
	// An incremental request never cancels a waiting full one.
	full := b[0] == 0
	if !c.requested || full {
		c.incremental = !full
		c.requestRect = r
	} else {
		c.requestRect = c.requestRect.Union(r)
	}
	c.requested = true
	c.wake.Broadcast()
	return nil
}

func (c *client) readKeyEvent() error {
	var b [7]byte
	if _, err := io.ReadFull(c.br, b[:]); err != nil {
		return err
	}
	down := b[0] != 0
	sym := binary.BigEndian.Uint32(b[3:])
	if m := modifierOf(sym); m != 0 {
		if down {
			c.mods |= m
		} else {
			c.mods &^= m
		}
		return nil
	}
	if !down {
		return nil
	}
	k, r, ok := keyOf(sym)
	if !ok {
		return nil
	}
	// Ctrl+Alt+R asks for a full refresh instead of reaching the session.
	if c.mods&(term.ModCtrl|term.ModAlt) == term.ModCtrl|term.ModAlt && (r == 'r' || r == 'R') {
		c.s.requestFull()
		return nil
	}
	appCursor, _ := c.s.keyModes()
	c.s.typed(c, term.EncodeKey(k, r, c.mods, appCursor))
	return nil
}

func (c *client) readCutText() error {
	var hdr [7]byte
	if _, err := io.ReadFull(c.br, hdr[:]); err != nil {
		return err
	}
	n := int64(binary.BigEndian.Uint32(hdr[3:]))
	keep := min(n, maxCutText)
	text := make([]byte, keep)
	if _, err := io.ReadFull(c.br, text); err != nil {
		return err
	}
	if _, err := io.CopyN(io.Discard, c.br, n-keep); err != nil {
		return err
	}
	// ClientCutText is Latin-1 (RFC 6143, 7.5.6).
	utf := make([]byte, 0, len(text))
	for _, b := range text {
		utf = append(utf, string(rune(b))...)
	}
	_, bracketed := c.s.keyModes()
	c.s.typed(c, term.EncodePaste(utf, bracketed))
	return nil
}
