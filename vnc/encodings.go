package vnc

import (
	"encoding/binary"
	"fmt"
	"image"
	"io"

	govnc "github.com/mitchellh/go-vnc"

	"github.com/einkterm/einkterm/vnc/rfb"
)

// readUpdate reads a FramebufferUpdate (RFC 6143, 7.6.1) in place of
// go-vnc's reader, which allocates pixels for any rectangle the server
// announces and always decodes Raw with its own code. Each rectangle is
// checked against the framebuffer and decoded straight into it through
// the go-vnc Encoding of its type.
func (c *Client) readUpdate(cc *govnc.ClientConn, r io.Reader) (govnc.ServerMessage, error) {
	var b [3]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return nil, fmt.Errorf("vnc: reading FramebufferUpdate: %w", err)
	}
	n := int(binary.BigEndian.Uint16(b[1:]))
	u := &Update{}
	for i := range n {
		var h [12]byte
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return nil, fmt.Errorf("vnc: reading rectangle %d of %d: %w", i+1, n, err)
		}
		rect := govnc.Rectangle{
			X:      binary.BigEndian.Uint16(h[0:]),
			Y:      binary.BigEndian.Uint16(h[2:]),
			Width:  binary.BigEndian.Uint16(h[4:]),
			Height: binary.BigEndian.Uint16(h[6:]),
		}
		t := int32(binary.BigEndian.Uint32(h[8:]))
		if t == rfb.EncodingLastRect {
			break
		}
		enc, ok := c.encoding(t)
		if !ok {
			return nil, fmt.Errorf("vnc: server sent a rectangle in encoding %d, which was not offered", t)
		}
		got, err := enc.Read(cc, &rect, r)
		if err != nil {
			return nil, err
		}
		d := got.(*decoded)
		if d.resized {
			u.Resized = true
			u.Rects = u.Rects[:0]
		}
		if !d.rect.Empty() {
			u.Rects = append(u.Rects, d.rect)
		}
	}
	w, h := c.fb.size()
	u.Size = image.Pt(w, h)
	return u, nil
}

// decoded is the result that the encodings below return to go-vnc: the
// framebuffer area that changed. The pixels are already in the
// framebuffer.
type decoded struct {
	encoding int32
	rect     image.Rectangle
	resized  bool
}

func (d *decoded) Type() int32 { return d.encoding }

func (d *decoded) Read(*govnc.ClientConn, *govnc.Rectangle, io.Reader) (govnc.Encoding, error) {
	return nil, errNotReader
}

// encoding is a go-vnc Encoding that decodes into c's framebuffer.
type encoding struct {
	t      int32
	decode func(cc *govnc.ClientConn, rect *govnc.Rectangle, r io.Reader) (*decoded, error)
}

func (e *encoding) Type() int32 { return e.t }

func (e *encoding) Read(cc *govnc.ClientConn, rect *govnc.Rectangle, r io.Reader) (govnc.Encoding, error) {
	d, err := e.decode(cc, rect, r)
	if err != nil {
		return nil, err
	}
	return d, nil
}

var (
	_ govnc.Encoding = (*encoding)(nil)
	_ govnc.Encoding = (*decoded)(nil)
)

// encoding returns the Encoding of type t.
func (c *Client) encoding(t int32) (govnc.Encoding, bool) {
	var decode func(*govnc.ClientConn, *govnc.Rectangle, io.Reader) (*decoded, error)
	switch t {
	case rfb.EncodingRaw:
		decode = c.decodeRaw
	case rfb.EncodingCopyRect:
		decode = c.decodeCopyRect
	case rfb.EncodingZRLE:
		decode = c.decodeZRLE
	case rfb.EncodingDesktopSize:
		decode = c.decodeDesktopSize
	case rfb.EncodingLastRect:
		decode = func(*govnc.ClientConn, *govnc.Rectangle, io.Reader) (*decoded, error) {
			return &decoded{encoding: t}, nil
		}
	default:
		return nil, false
	}
	return &encoding{t: t, decode: decode}, true
}

// checked locks the framebuffer and returns rect as an image rectangle
// when it lies inside the framebuffer. The caller unlocks.
func (c *Client) checked(rect *govnc.Rectangle) (image.Rectangle, error) {
	c.fb.mu.Lock()
	b := c.fb.img.Rect
	r, err := rfb.CheckRect(rect.X, rect.Y, rect.Width, rect.Height, b.Dx(), b.Dy())
	if err != nil {
		c.fb.mu.Unlock()
		return r, fmt.Errorf("vnc: %w", err)
	}
	return r, nil
}

func (c *Client) decodeRaw(_ *govnc.ClientConn, rect *govnc.Rectangle, r io.Reader) (*decoded, error) {
	ir, err := c.checked(rect)
	if err != nil {
		return nil, err
	}
	defer c.fb.mu.Unlock()
	if err := rfb.DecodeRaw(r, c.fb.conv, c.fb.img, ir, &c.fb.scratch); err != nil {
		return nil, err
	}
	return &decoded{encoding: rfb.EncodingRaw, rect: ir}, nil
}

func (c *Client) decodeZRLE(_ *govnc.ClientConn, rect *govnc.Rectangle, r io.Reader) (*decoded, error) {
	ir, err := c.checked(rect)
	if err != nil {
		return nil, err
	}
	defer c.fb.mu.Unlock()
	if err := c.fb.zrle.Decode(r, c.fb.conv, c.fb.img, ir); err != nil {
		return nil, err
	}
	return &decoded{encoding: rfb.EncodingZRLE, rect: ir}, nil
}

// decodeCopyRect copies an area of the framebuffer (RFC 6143, 7.7.2);
// both the source and the destination must lie inside it.
func (c *Client) decodeCopyRect(_ *govnc.ClientConn, rect *govnc.Rectangle, r io.Reader) (*decoded, error) {
	var b [4]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return nil, fmt.Errorf("vnc: reading CopyRect: %w", err)
	}
	src := govnc.Rectangle{
		X: binary.BigEndian.Uint16(b[0:]), Y: binary.BigEndian.Uint16(b[2:]),
		Width: rect.Width, Height: rect.Height,
	}
	ir, err := c.checked(rect)
	if err != nil {
		return nil, err
	}
	c.fb.mu.Unlock()
	sr, err := c.checked(&src)
	if err != nil {
		return nil, fmt.Errorf("vnc: CopyRect source: %w", err)
	}
	defer c.fb.mu.Unlock()
	rfb.CopyRect(c.fb.img, ir, sr.Min)
	return &decoded{encoding: rfb.EncodingCopyRect, rect: ir}, nil
}

// decodeDesktopSize applies the DesktopSize pseudo-encoding: the
// rectangle's size is the new framebuffer size, and its contents are
// unknown until the next full update.
func (c *Client) decodeDesktopSize(cc *govnc.ClientConn, rect *govnc.Rectangle, _ io.Reader) (*decoded, error) {
	w, h := int(rect.Width), int(rect.Height)
	if err := checkSize(w, h, c.fb.maxPixels); err != nil {
		return nil, fmt.Errorf("vnc: desktop resize: %w", err)
	}
	c.fb.mu.Lock()
	c.fb.img = whiteGray(w, h)
	c.fb.mu.Unlock()
	cc.FrameBufferWidth, cc.FrameBufferHeight = rect.Width, rect.Height
	c.log.Info("vnc: desktop resized", "width", w, "height", h)
	return &decoded{encoding: rfb.EncodingDesktopSize, rect: image.Rect(0, 0, w, h), resized: true}, nil
}
