package rfb

import (
	"bufio"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
)

// ZRLE tiles are 64 pixels square (RFC 6143, 7.7.6).
const zrleTile = 64

// maxZRLELeftover bounds the compressed bytes a rectangle may leave
// unread for the next one. A server that flushes zlib at the end of each
// rectangle, as Xvnc 1.12 and x11vnc 0.9.16 do, leaves a few bytes of
// the flush.
const maxZRLELeftover = 64 << 10

// ZRLEMaxData returns the largest compressed length that a ZRLE
// rectangle of w by h pixels with cpixels of cps bytes may announce. The
// bound allows the costliest subencoding a server may choose (plain RLE
// with runs of one pixel, or a full palette per tile) and zlib's
// stored-block overhead.
func ZRLEMaxData(w, h, cps int) int {
	tiles := ((w + zrleTile - 1) / zrleTile) * ((h + zrleTile - 1) / zrleTile)
	plain := w*h*(cps+1) + tiles*(1+127*cps)
	return plain + plain/1024*8 + 1024
}

// ZRLEDecoder decodes ZRLE rectangles. The zlib stream runs across all
// rectangles of a connection, so one decoder serves one connection.
type ZRLEDecoder struct {
	src     zrleSource
	z       io.ReadCloser
	br      *bufio.Reader
	scratch []byte
	palette [128]uint8
}

// Decode reads one ZRLE rectangle r from src and stores its gray levels
// in dst. r must lie inside dst, as CheckRect ensures. An error leaves
// the decoder unusable, since the zlib stream is then out of step.
func (d *ZRLEDecoder) Decode(src io.Reader, conv *Converter, dst *image.Gray, r image.Rectangle) error {
	var lb [4]byte
	if _, err := io.ReadFull(src, lb[:]); err != nil {
		return fmt.Errorf("rfb: reading ZRLE length: %w", err)
	}
	n := binary.BigEndian.Uint32(lb[:])
	limit := ZRLEMaxData(r.Dx(), r.Dy(), conv.pf.CPixelSize())
	if uint64(n) > uint64(limit) {
		return fmt.Errorf("rfb: ZRLE rectangle %v announces %d bytes, more than the %d its size allows",
			r, n, limit)
	}
	if err := d.src.fill(src, int(n)); err != nil {
		return err
	}
	if r.Empty() {
		return nil
	}
	if d.z == nil {
		z, err := zlib.NewReader(&d.src)
		if err != nil {
			return fmt.Errorf("rfb: ZRLE zlib header: %w", err)
		}
		d.z, d.br = z, bufio.NewReaderSize(z, 16<<10)
	}
	if err := d.decodeTiles(conv, dst, r); err != nil {
		return err
	}
	if d.br.Buffered() > 0 {
		return fmt.Errorf("rfb: ZRLE rectangle %v has %d bytes of pixel data too many", r, d.br.Buffered())
	}
	return nil
}

func (d *ZRLEDecoder) decodeTiles(conv *Converter, dst *image.Gray, r image.Rectangle) error {
	for ty := r.Min.Y; ty < r.Max.Y; ty += zrleTile {
		for tx := r.Min.X; tx < r.Max.X; tx += zrleTile {
			t := image.Rect(tx, ty, min(tx+zrleTile, r.Max.X), min(ty+zrleTile, r.Max.Y))
			if err := d.decodeTile(conv, dst, t); err != nil {
				return fmt.Errorf("rfb: ZRLE tile %v: %w", t, err)
			}
		}
	}
	return nil
}

func (d *ZRLEDecoder) decodeTile(conv *Converter, dst *image.Gray, t image.Rectangle) error {
	sub, err := d.br.ReadByte()
	if err != nil {
		return err
	}
	rle, size := sub&128 != 0, int(sub&127)
	if size > 0 {
		if err := d.readPalette(conv, size); err != nil {
			return err
		}
	}
	switch {
	case !rle && size == 0:
		return d.raw(conv, dst, t)
	case !rle && size == 1:
		fillGray(dst, t, d.palette[0])
		return nil
	case !rle && size <= 16:
		return d.packed(dst, t, size)
	case rle && size == 0:
		return d.plainRLE(conv, dst, t)
	case rle && size >= 2:
		return d.paletteRLE(dst, t, size)
	}
	return fmt.Errorf("subencoding %d is not defined", sub)
}

func (d *ZRLEDecoder) readPalette(conv *Converter, size int) error {
	m := conv.pf.cpixelMode()
	cps := conv.pf.CPixelSize()
	b := grow(&d.scratch, size*cps)
	if _, err := io.ReadFull(d.br, b); err != nil {
		return err
	}
	for i := range size {
		d.palette[i] = conv.Gray(conv.pf.cpixel(m, b[i*cps:]))
	}
	return nil
}

func (d *ZRLEDecoder) raw(conv *Converter, dst *image.Gray, t image.Rectangle) error {
	m := conv.pf.cpixelMode()
	cps := conv.pf.CPixelSize()
	row := grow(&d.scratch, t.Dx()*cps)
	for y := t.Min.Y; y < t.Max.Y; y++ {
		if _, err := io.ReadFull(d.br, row); err != nil {
			return err
		}
		out := dst.Pix[dst.PixOffset(t.Min.X, y):]
		for i := range t.Dx() {
			out[i] = conv.Gray(conv.pf.cpixel(m, row[i*cps:]))
		}
	}
	return nil
}

// packed decodes a palette tile whose indices are packed 1, 2 or 4 bits
// to a pixel, most significant first, each row starting on a byte.
func (d *ZRLEDecoder) packed(dst *image.Gray, t image.Rectangle, size int) error {
	bits := 4
	switch {
	case size == 2:
		bits = 1
	case size <= 4:
		bits = 2
	}
	row := grow(&d.scratch, (t.Dx()*bits+7)/8)
	mask := byte(1<<bits - 1)
	for y := t.Min.Y; y < t.Max.Y; y++ {
		if _, err := io.ReadFull(d.br, row); err != nil {
			return err
		}
		out := dst.Pix[dst.PixOffset(t.Min.X, y):]
		for i := range t.Dx() {
			bit := i * bits
			idx := int(row[bit/8] >> (8 - bits - bit%8) & mask)
			if idx >= size {
				return fmt.Errorf("palette index %d beyond the palette of %d", idx, size)
			}
			out[i] = d.palette[idx]
		}
	}
	return nil
}

func (d *ZRLEDecoder) plainRLE(conv *Converter, dst *image.Gray, t image.Rectangle) error {
	m := conv.pf.cpixelMode()
	cps := conv.pf.CPixelSize()
	var px [4]byte
	total := t.Dx() * t.Dy()
	for i := 0; i < total; {
		if _, err := io.ReadFull(d.br, px[:cps]); err != nil {
			return err
		}
		n, err := d.runLength(total - i)
		if err != nil {
			return err
		}
		setRun(dst, t, i, n, conv.Gray(conv.pf.cpixel(m, px[:])))
		i += n
	}
	return nil
}

func (d *ZRLEDecoder) paletteRLE(dst *image.Gray, t image.Rectangle, size int) error {
	total := t.Dx() * t.Dy()
	for i := 0; i < total; {
		b, err := d.br.ReadByte()
		if err != nil {
			return err
		}
		idx, n := int(b&127), 1
		if idx >= size {
			return fmt.Errorf("palette index %d beyond the palette of %d", idx, size)
		}
		if b&128 != 0 {
			if n, err = d.runLength(total - i); err != nil {
				return err
			}
		}
		setRun(dst, t, i, n, d.palette[idx])
		i += n
	}
	return nil
}

// runLength reads a run length: bytes of 255 followed by one below 255,
// whose sum plus one is the length. It fails as soon as the run exceeds
// the remaining pixels of the tile.
func (d *ZRLEDecoder) runLength(remaining int) (int, error) {
	n := 1
	for {
		b, err := d.br.ReadByte()
		if err != nil {
			return 0, err
		}
		n += int(b)
		if n > remaining {
			return 0, fmt.Errorf("run of %d pixels or more exceeds the %d left in the tile", n, remaining)
		}
		if b != 255 {
			return n, nil
		}
	}
}

// setRun sets n pixels of tile t from pixel index i on, in row order.
func setRun(dst *image.Gray, t image.Rectangle, i, n int, v uint8) {
	w := t.Dx()
	for n > 0 {
		x, y := i%w, i/w
		k := min(n, w-x)
		o := dst.PixOffset(t.Min.X+x, t.Min.Y+y)
		row := dst.Pix[o : o+k]
		for j := range row {
			row[j] = v
		}
		i, n = i+k, n-k
	}
}

func fillGray(dst *image.Gray, r image.Rectangle, v uint8) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		o := dst.PixOffset(r.Min.X, y)
		row := dst.Pix[o : o+r.Dx()]
		for i := range row {
			row[i] = v
		}
	}
}

// zrleSource holds the compressed bytes of the ZRLE zlib stream that the
// decompressor has not read yet. It implements io.ByteReader, so that
// compress/flate reads no byte beyond what it needs.
type zrleSource struct {
	buf []byte
	pos int
}

var errZRLEShort = errors.New("rfb: ZRLE data ended inside a rectangle")

// fill appends n bytes read from r, after what is left of earlier
// rectangles.
func (s *zrleSource) fill(r io.Reader, n int) error {
	left := len(s.buf) - s.pos
	if left > maxZRLELeftover {
		return fmt.Errorf("rfb: ZRLE rectangles left %d compressed bytes unread: the stream is out of step", left)
	}
	copy(s.buf, s.buf[s.pos:])
	s.buf, s.pos = s.buf[:left], 0
	if cap(s.buf) < left+n {
		nb := make([]byte, left, left+n)
		copy(nb, s.buf)
		s.buf = nb
	}
	s.buf = s.buf[:left+n]
	if _, err := io.ReadFull(r, s.buf[left:]); err != nil {
		return fmt.Errorf("rfb: reading %d bytes of ZRLE data: %w", n, err)
	}
	return nil
}

func (s *zrleSource) ReadByte() (byte, error) {
	if s.pos >= len(s.buf) {
		return 0, errZRLEShort
	}
	b := s.buf[s.pos]
	s.pos++
	return b, nil
}

func (s *zrleSource) Read(p []byte) (int, error) {
	if s.pos >= len(s.buf) {
		return 0, errZRLEShort
	}
	n := copy(p, s.buf[s.pos:])
	s.pos += n
	return n, nil
}
