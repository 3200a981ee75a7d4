package server

import (
	"encoding/binary"
	"image"

	"github.com/einkterm/einkterm/vnc/rfb"
)

// encodingHextile is the Hextile encoding number (RFC 6143, 7.7.4).
const encodingHextile int32 = 5

// pendingUpdate holds the regions, pixel format and encoding of one
// FramebufferUpdate.
type pendingUpdate struct {
	rects    []image.Rectangle
	pf       rfb.PixelFormat
	encoding int32
	sendMap  bool
}

// writeLoop answers update requests with the newest pixels of the
// damaged regions until the client is gone.
func (c *client) writeLoop() error {
	var zrle rfb.ZRLEEncoder
	var buf []byte
	var pix []uint32
	for {
		u, ok := c.nextUpdate()
		if !ok {
			return nil
		}
		if u.sendMap {
			if _, err := c.conn.Write(grayColorMap()); err != nil {
				return err
			}
		}
		if len(u.rects) == 0 {
			continue
		}
		lut := pixelTable(u.pf, c.s.info.Depth)
		buf = buf[:0]
		buf = append(buf, rfb.FramebufferUpdateMsg, 0)
		buf = binary.BigEndian.AppendUint16(buf, uint16(len(u.rects)))
		for _, r := range u.rects {
			pix = c.s.pixels(pix[:0], r, lut)
			hdr := make([]byte, 12)
			rfb.PutRectHeader(hdr, r, u.encoding)
			buf = append(buf, hdr...)
			var err error
			switch u.encoding {
			case rfb.EncodingZRLE:
				buf, err = zrle.Encode(buf, u.pf, pix, r.Dx(), r.Dy())
			case encodingHextile:
				buf = encodeHextile(buf, u.pf, pix, r.Dx(), r.Dy())
			default:
				buf = rfb.EncodeRaw(buf, u.pf, pix)
			}
			if err != nil {
				return err
			}
		}
		if _, err := c.conn.Write(buf); err != nil {
			return err
		}
	}
}

// nextUpdate waits until the client has asked for an update and there is
// something to send, then takes it. It returns false once the client is
// gone.
func (c *client) nextUpdate() (pendingUpdate, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if c.done {
			return pendingUpdate{}, false
		}
		if c.sendMap {
			c.sendMap = false
			return pendingUpdate{sendMap: true}, true
		}
		if c.requested {
			if rects := c.takeRects(); len(rects) > 0 {
				c.requested = false
				return pendingUpdate{rects: rects, pf: c.pf, encoding: c.pickEncoding()}, true
			}
		}
		c.wake.Wait()
	}
}

// takeRects returns the regions to send for the waiting request and
// clears the damage. A full request sends the requested area whole.
func (c *client) takeRects() []image.Rectangle {
	var rects []image.Rectangle
	if !c.incremental && !c.requestRect.Empty() {
		rects = append(rects, c.requestRect)
	} else {
		for _, r := range c.damage {
			if r = r.Intersect(c.requestRect); !r.Empty() {
				rects = append(rects, r)
			}
		}
	}
	c.damage = c.damage[:0]
	return rects
}

// pickEncoding returns the first encoding of the client's list that the
// server has: clients list encodings in order of preference.
func (c *client) pickEncoding() int32 {
	for _, e := range c.encodings {
		switch e {
		case rfb.EncodingRaw, encodingHextile, rfb.EncodingZRLE:
			return e
		}
	}
	return rfb.EncodingRaw
}

// pixels appends the pixels of r, row by row, looked up in lut by the
// frame's pixel level.
func (s *Server) pixels(dst []uint32, r image.Rectangle, lut []uint32) []uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			dst = append(dst, lut[s.frame.GrayAt(x, y)])
		}
	}
	return dst
}

// pixelTable maps each level of a frame of the given depth to a pixel of
// pf: a gray colour, or for a colour map the index of that gray.
func pixelTable(pf rfb.PixelFormat, depth int) []uint32 {
	levels := 1 << depth
	lut := make([]uint32, levels)
	for v := range lut {
		g := uint8(v * 255 / (levels - 1))
		if pf.TrueColor {
			lut[v] = pf.FromRGB(g, g, g)
		} else {
			lut[v] = uint32(g)
		}
	}
	return lut
}

// grayColorMap returns a SetColorMapEntries message that makes colour
// map entry i the gray i/255 (RFC 6143, 7.6.2).
func grayColorMap() []byte {
	b := []byte{rfb.SetColorMapEntriesMsg, 0, 0, 0, 1, 0}
	for i := 0; i < 256; i++ {
		v := uint16(i) * 257
		b = binary.BigEndian.AppendUint16(b, v)
		b = binary.BigEndian.AppendUint16(b, v)
		b = binary.BigEndian.AppendUint16(b, v)
	}
	return b
}
