package vnc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"strings"
	"sync"

	govnc "github.com/mitchellh/go-vnc"

	"github.com/einkterm/einkterm/vnc/rfb"
)

// framebuffer is the remote desktop as gray, written by the reader
// goroutine and read by the renderer under mu.
type framebuffer struct {
	mu        sync.Mutex
	img       *image.Gray
	conv      *rfb.Converter
	zrle      rfb.ZRLEDecoder
	scratch   []byte
	maxPixels int
}

func newFramebuffer(w, h int, conv *rfb.Converter, maxPixels int) *framebuffer {
	return &framebuffer{img: whiteGray(w, h), conv: conv, maxPixels: maxPixels}
}

func whiteGray(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 0xff
	}
	return g
}

func (f *framebuffer) size() (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.img.Rect.Dx(), f.img.Rect.Dy()
}

// Update is a FramebufferUpdate after decoding: the rectangles of the
// framebuffer that changed, in server pixels.
type Update struct {
	Rects []image.Rectangle
	// Resized is true when the server changed the desktop size. Size is
	// the size after the update.
	Resized bool
	Size    image.Point
}

// CutText is the server's clipboard text, converted from Latin-1.
type CutText struct {
	Text      string
	Truncated bool // the text exceeded Options.MaxCutText
}

// Bell is the server's bell.
type Bell struct{}

// ColorMap is a SetColorMapEntries message, whose entries are already
// stored.
type ColorMap struct{ First, Count int }

func (*Update) Type() uint8   { return rfb.FramebufferUpdateMsg }
func (*CutText) Type() uint8  { return rfb.ServerCutTextMsg }
func (*Bell) Type() uint8     { return rfb.BellMsg }
func (*ColorMap) Type() uint8 { return rfb.SetColorMapEntriesMsg }

// Read is never called on these values, because the readers below stand
// in for them in go-vnc's message table.
func (*Update) Read(*govnc.ClientConn, io.Reader) (govnc.ServerMessage, error) {
	return nil, errNotReader
}
func (*CutText) Read(*govnc.ClientConn, io.Reader) (govnc.ServerMessage, error) {
	return nil, errNotReader
}
func (*Bell) Read(*govnc.ClientConn, io.Reader) (govnc.ServerMessage, error) {
	return nil, errNotReader
}
func (*ColorMap) Read(*govnc.ClientConn, io.Reader) (govnc.ServerMessage, error) {
	return nil, errNotReader
}

var errNotReader = errors.New("vnc: decoded message used as a reader")

// reader is a go-vnc ServerMessage that decodes one message type for a
// Client.
type reader struct {
	msgType uint8
	read    func(cc *govnc.ClientConn, r io.Reader) (govnc.ServerMessage, error)
	client  *Client
}

func (m *reader) Type() uint8 { return m.msgType }

func (m *reader) Read(cc *govnc.ClientConn, r io.Reader) (govnc.ServerMessage, error) {
	msg, err := m.read(cc, r)
	if err != nil {
		return nil, m.client.fail(err)
	}
	return msg, nil
}

// serverMessages returns readers for all 256 message types: bounded
// ones for the four standard messages, and for every other type one that
// stops the session with an error naming the type.
func (c *Client) serverMessages(opts *Options) []govnc.ServerMessage {
	maxCut := opts.maxCutText()
	known := map[uint8]func(*govnc.ClientConn, io.Reader) (govnc.ServerMessage, error){
		rfb.FramebufferUpdateMsg:  c.readUpdate,
		rfb.SetColorMapEntriesMsg: c.readColorMap,
		rfb.BellMsg: func(*govnc.ClientConn, io.Reader) (govnc.ServerMessage, error) {
			return &Bell{}, nil
		},
		rfb.ServerCutTextMsg: func(_ *govnc.ClientConn, r io.Reader) (govnc.ServerMessage, error) {
			return readCutText(r, maxCut)
		},
	}
	msgs := make([]govnc.ServerMessage, 0, 256)
	for t := range 256 {
		read, ok := known[uint8(t)]
		if !ok {
			read = unknownMessage(uint8(t))
		}
		msgs = append(msgs, &reader{msgType: uint8(t), read: read, client: c})
	}
	return msgs
}

func unknownMessage(t uint8) func(*govnc.ClientConn, io.Reader) (govnc.ServerMessage, error) {
	return func(*govnc.ClientConn, io.Reader) (govnc.ServerMessage, error) {
		return nil, fmt.Errorf("vnc: server sent message type %d, which this viewer did not request: the stream cannot be followed", t)
	}
}

// readCutText reads ServerCutText (RFC 6143, 7.6.4): 3 padding bytes, a
// length and Latin-1 text, of which the first max bytes are kept.
func readCutText(r io.Reader, max int) (govnc.ServerMessage, error) {
	var b [7]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return nil, fmt.Errorf("vnc: reading ServerCutText: %w", err)
	}
	n := int64(binary.BigEndian.Uint32(b[3:]))
	keep := min(n, int64(max))
	text := make([]byte, keep)
	if _, err := io.ReadFull(r, text); err != nil {
		return nil, fmt.Errorf("vnc: reading ServerCutText: %w", err)
	}
	if _, err := io.CopyN(io.Discard, r, n-keep); err != nil {
		return nil, fmt.Errorf("vnc: reading ServerCutText: %w", err)
	}
	var s strings.Builder
	for _, c := range text {
		s.WriteRune(rune(c))
	}
	return &CutText{Text: s.String(), Truncated: keep < n}, nil
}

// readColorMap reads SetColorMapEntries (RFC 6143, 7.6.2) and stores the
// entries that fit the 256-entry map. It drops the rest with a warning.
func (c *Client) readColorMap(_ *govnc.ClientConn, r io.Reader) (govnc.ServerMessage, error) {
	var b [5]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return nil, fmt.Errorf("vnc: reading SetColorMapEntries: %w", err)
	}
	first := int(binary.BigEndian.Uint16(b[1:]))
	count := int(binary.BigEndian.Uint16(b[3:]))
	var e [6]byte
	for i := range count {
		if _, err := io.ReadFull(r, e[:]); err != nil {
			return nil, fmt.Errorf("vnc: reading SetColorMapEntries: %w", err)
		}
		col := rfb.Color{
			R: binary.BigEndian.Uint16(e[0:]),
			G: binary.BigEndian.Uint16(e[2:]),
			B: binary.BigEndian.Uint16(e[4:]),
		}
		if first+i < 256 {
			c.fb.mu.Lock()
			c.fb.conv.SetColors(first+i, []rfb.Color{col})
			c.fb.mu.Unlock()
		}
	}
	if first+count > 256 {
		c.log.Warn("vnc: colour-map entries beyond 256 dropped", "first", first, "count", count)
	}
	return &ColorMap{First: first, Count: count}, nil
}
