package vnc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	govnc "github.com/mitchellh/go-vnc"

	"github.com/einkterm/einkterm/vnc/rfb"
)

// Options configures a connection. The zero value connects without a
// password, shares the desktop, and prefers ZRLE.
type Options struct {
	// Password returns the VNC password. It is called only when the
	// server requires VNC authentication. Nil means no password is
	// available.
	Password func() ([]byte, error)

	// Exclusive requests that the server disconnect its other clients.
	Exclusive bool

	// Encodings lists the pixel encodings to offer, best first; nil means
	// ZRLE, CopyRect, Raw. DesktopSize and LastRect are always offered.
	Encodings []int32

	// PixelFormat is the format to ask the server for; nil means
	// rfb.PixelFormat32.
	PixelFormat *rfb.PixelFormat

	// HandshakeTimeout bounds the handshake and setup, so that a server
	// that accepts the connection and never speaks cannot hold Connect.
	// Zero means 30 seconds.
	HandshakeTimeout time.Duration

	// MaxPixels bounds the framebuffer the server may announce, at start
	// and on a resize; zero means DefaultMaxPixels.
	MaxPixels int

	// MaxCutText bounds the clipboard text kept from the server; the rest
	// is read and dropped. Zero means 1 MiB.
	MaxCutText int

	// Logger receives connection events; nil means silent. Passwords are
	// never logged.
	Logger *slog.Logger
}

// DefaultMaxPixels is the largest framebuffer accepted by default, 4096
// by 4096 pixels, which takes 16 MiB as gray.
const DefaultMaxPixels = 4096 * 4096

func (o *Options) maxPixels() int {
	if o.MaxPixels > 0 {
		return o.MaxPixels
	}
	return DefaultMaxPixels
}

func (o *Options) maxCutText() int {
	if o.MaxCutText > 0 {
		return o.MaxCutText
	}
	return 1 << 20
}

func (o *Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

// Client is a connection to a VNC server. Its framebuffer holds the
// remote desktop as 8-bit gray.
type Client struct {
	cc     *govnc.ClientConn
	conn   *conn
	replay *replayConn
	fb     *framebuffer
	msgs   chan govnc.ServerMessage
	name   string
	log    *slog.Logger

	smu sync.Mutex // one client-to-server message at a time

	emu     sync.Mutex
	err     error // the first error the readers saw
	closing bool  // Close was called
}

// Connect runs the RFB handshake on nc, starts go-vnc's reader and asks
// for opts' pixel format and encodings. Connect takes ownership of nc;
// the caller closes the Client.
func Connect(nc net.Conn, opts Options) (*Client, error) {
	c := &Client{
		conn: newConn(nc),
		msgs: make(chan govnc.ServerMessage),
		log:  opts.logger(),
	}
	timeout := opts.HandshakeTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	nc.SetDeadline(time.Now().Add(timeout))
	si, err := handshake(c.conn, &opts)
	if err != nil {
		c.conn.Close()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, fmt.Errorf("vnc: handshake timed out after %v: is %s a VNC server? %w",
				timeout, nc.RemoteAddr(), err)
		}
		return nil, err
	}
	c.name = si.Name
	pf := rfb.PixelFormat32
	if opts.PixelFormat != nil {
		pf = *opts.PixelFormat
	}
	conv, err := rfb.NewConverter(pf)
	if err != nil {
		c.conn.Close()
		return nil, err
	}
	c.fb = newFramebuffer(int(si.Width), int(si.Height), conv, opts.maxPixels())

	c.replay = &replayConn{
		conn:    c.conn,
		script:  replayScript(si),
		swallow: replayedClientBytes,
		closed:  make(chan struct{}),
	}
	cc, err := govnc.Client(c.replay, &govnc.ClientConfig{
		Auth:            []govnc.ClientAuth{new(govnc.ClientAuthNone)},
		Exclusive:       opts.Exclusive,
		ServerMessageCh: c.msgs,
		ServerMessages:  c.serverMessages(&opts),
	})
	if err != nil {
		c.conn.Close()
		return nil, fmt.Errorf("vnc: go-vnc rejected the replayed handshake: %w", err)
	}
	c.cc = cc
	if err := c.setup(pf, opts.Encodings); err != nil {
		c.Close()
		return nil, err
	}
	nc.SetDeadline(time.Time{})
	c.log.Info("vnc: connected", "desktop", si.Name, "width", si.Width, "height", si.Height)
	return c, nil
}

// setup sends SetPixelFormat and SetEncodings before any update request,
// so no update is decoded with a stale format.
func (c *Client) setup(pf rfb.PixelFormat, encs []int32) error {
	gpf := toGoVNC(pf)
	err := c.send(func() error { return c.cc.SetPixelFormat(&gpf) })
	if err != nil {
		return fmt.Errorf("vnc: sending SetPixelFormat: %w", err)
	}
	// go-vnc's SetPixelFormat leaves ClientConn.PixelFormat as it was;
	// keep it in step for anyone who reads it. The reader goroutine
	// reads only the framebuffer's converter.
	c.cc.PixelFormat = gpf

	if encs == nil {
		encs = []int32{rfb.EncodingZRLE, rfb.EncodingCopyRect, rfb.EncodingRaw}
	}
	encs = append(append([]int32(nil), encs...), rfb.EncodingDesktopSize, rfb.EncodingLastRect)
	list := make([]govnc.Encoding, 0, len(encs))
	for _, t := range encs {
		e, ok := c.encoding(t)
		if !ok {
			return fmt.Errorf("vnc: encoding %d is not supported: use ZRLE (16), CopyRect (1) or Raw (0)", t)
		}
		list = append(list, e)
	}
	if err := c.send(func() error { return c.cc.SetEncodings(list) }); err != nil {
		return fmt.Errorf("vnc: sending SetEncodings: %w", err)
	}
	return nil
}

func toGoVNC(pf rfb.PixelFormat) govnc.PixelFormat {
	return govnc.PixelFormat{
		BPP: pf.BPP, Depth: pf.Depth, BigEndian: pf.BigEndian, TrueColor: pf.TrueColor,
		RedMax: pf.RedMax, GreenMax: pf.GreenMax, BlueMax: pf.BlueMax,
		RedShift: pf.RedShift, GreenShift: pf.GreenShift, BlueShift: pf.BlueShift,
	}
}

// send runs one go-vnc message writer under the message lock.
func (c *Client) send(write func() error) error {
	c.smu.Lock()
	defer c.smu.Unlock()
	return write()
}

// Name returns the desktop name the server sent.
func (c *Client) Name() string { return c.name }

// Messages returns the messages the reader decoded: *Update, *CutText
// and *Bell. The reader blocks until each is received.
func (c *Client) Messages() <-chan govnc.ServerMessage { return c.msgs }

// Done is closed when go-vnc's reader has stopped, and Err then returns
// the reason.
func (c *Client) Done() <-chan struct{} { return c.replay.closed }

// Err returns why the reader stopped: the first error a reader saw, or a
// generic one when the connection closed between messages.
func (c *Client) Err() error {
	c.emu.Lock()
	defer c.emu.Unlock()
	if c.err != nil {
		return c.err
	}
	if c.closing {
		return errClosed
	}
	return errors.New("vnc: the server closed the connection")
}

var errClosed = errors.New("vnc: connection closed by the viewer")

// fail records the first error of the reader goroutine.
func (c *Client) fail(err error) error {
	c.emu.Lock()
	defer c.emu.Unlock()
	if c.err == nil && !c.closing {
		c.err = err
	}
	return err
}

// BytesRead returns the bytes received from the server so far.
func (c *Client) BytesRead() int64 { return c.conn.bytesRead.Load() }

// Close closes the connection and lets go-vnc's reader finish.
func (c *Client) Close() error {
	c.emu.Lock()
	c.closing = true
	c.emu.Unlock()
	err := c.conn.Close()
	if c.replay != nil {
		// The reader may be blocked handing over a message; take it so
		// that the goroutine ends.
		go func() {
			for {
				select {
				case <-c.msgs:
				case <-c.replay.closed:
					return
				}
			}
		}()
	}
	return err
}

// RequestUpdate sends a FramebufferUpdateRequest for the whole
// framebuffer. With incremental set, the server sends only what changed
// since the last update.
func (c *Client) RequestUpdate(incremental bool) error {
	w, h := c.fb.size()
	return c.send(func() error {
		return c.cc.FramebufferUpdateRequest(incremental, 0, 0, uint16(w), uint16(h))
	})
}

// KeyEvent sends an X keysym press or release in one write. go-vnc's
// KeyEvent writes the 8-byte message in five writes.
func (c *Client) KeyEvent(keysym uint32, down bool) error {
	var b [8]byte
	b[0] = rfb.KeyEventMsg
	if down {
		b[1] = 1
	}
	binary.BigEndian.PutUint32(b[4:], keysym)
	return c.send(func() error {
		_, err := c.replay.Write(b[:])
		return err
	})
}

// PointerEvent sends the pointer position and the pressed buttons.
func (c *Client) PointerEvent(buttons govnc.ButtonMask, x, y int) error {
	return c.send(func() error { return c.cc.PointerEvent(buttons, uint16(x), uint16(y)) })
}

// Framebuffer calls f with the remote framebuffer, locked against the
// reader for the duration of f.
func (c *Client) Framebuffer(f func(fb *image.Gray)) {
	c.fb.mu.Lock()
	defer c.fb.mu.Unlock()
	f(c.fb.img)
}

// Size returns the framebuffer's size.
func (c *Client) Size() (w, h int) { return c.fb.size() }
