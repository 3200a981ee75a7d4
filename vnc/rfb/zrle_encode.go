package rfb

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
)

// ZRLEEncoder encodes rectangles in ZRLE. The zlib stream runs across
// all rectangles of a connection, so one encoder serves one connection.
// Each tile gets the smallest of the solid, packed palette, palette RLE,
// plain RLE and raw subencodings.
type ZRLEEncoder struct {
	plain bytes.Buffer // uncompressed tile data of one rectangle
	out   bytes.Buffer // compressed data of one rectangle
	z     *zlib.Writer
}

// Encode appends the ZRLE data of a w by h rectangle, whose pixels in
// format pf are given row by row in pix, to b.
func (e *ZRLEEncoder) Encode(b []byte, pf PixelFormat, pix []uint32, w, h int) ([]byte, error) {
	if len(pix) != w*h {
		return b, fmt.Errorf("rfb: ZRLE rectangle of %dx%d given %d pixels", w, h, len(pix))
	}
	if e.z == nil {
		e.z = zlib.NewWriter(&e.out)
	}
	e.plain.Reset()
	e.out.Reset()
	tile := make([]uint32, 0, zrleTile*zrleTile)
	for ty := 0; ty < h; ty += zrleTile {
		for tx := 0; tx < w; tx += zrleTile {
			tw, th := min(zrleTile, w-tx), min(zrleTile, h-ty)
			tile = tile[:0]
			for y := ty; y < ty+th; y++ {
				tile = append(tile, pix[y*w+tx:y*w+tx+tw]...)
			}
			e.encodeTile(pf, tile, tw, th)
		}
	}
	if _, err := e.z.Write(e.plain.Bytes()); err != nil {
		return b, err
	}
	if err := e.z.Flush(); err != nil {
		return b, err
	}
	b = binary.BigEndian.AppendUint32(b, uint32(e.out.Len()))
	return append(b, e.out.Bytes()...), nil
}

// tileStats describes a tile: its palette in order of first use (nil
// when it has more than 127 colours) and its runs of equal pixels.
type tileStats struct {
	palette []uint32
	index   map[uint32]int
	runs    int
	runCost int // bytes of all run lengths beyond the first byte
	long    int // runs longer than one pixel
}

func statsOf(tile []uint32) tileStats {
	s := tileStats{index: map[uint32]int{}}
	for i := 0; i < len(tile); {
		j := i + 1
		for j < len(tile) && tile[j] == tile[i] {
			j++
		}
		n := j - i
		s.runs++
		s.runCost += (n - 1) / 255
		if n > 1 {
			s.long++
		}
		if s.index != nil {
			if _, ok := s.index[tile[i]]; !ok {
				if len(s.palette) == 127 {
					s.index, s.palette = nil, nil
				} else {
					s.index[tile[i]] = len(s.palette)
					s.palette = append(s.palette, tile[i])
				}
			}
		}
		i = j
	}
	return s
}

func (e *ZRLEEncoder) encodeTile(pf PixelFormat, tile []uint32, w, h int) {
	cps := pf.CPixelSize()
	s := statsOf(tile)
	n := len(s.palette)
	if n == 1 {
		e.plain.WriteByte(1)
		e.putCPixel(pf, tile[0])
		return
	}
	best, sub := 1+len(tile)*cps, byte(0) // raw
	if cost := 1 + s.runs*(cps+1) + s.runCost; cost < best {
		best, sub = cost, 128
	}
	if n >= 2 {
		if cost := 1 + n*cps + s.runs + s.long + s.runCost; cost < best {
			best, sub = cost, byte(128|n)
		}
		if n <= 16 {
			if cost := 1 + n*cps + h*((w*packBits(n)+7)/8); cost < best {
				best, sub = cost, byte(n)
			}
		}
	}
	e.plain.WriteByte(sub)
	for _, p := range s.palette[:min(n, int(sub&127))] {
		e.putCPixel(pf, p)
	}
	switch {
	case sub == 0:
		for _, p := range tile {
			e.putCPixel(pf, p)
		}
	case sub == 128 || sub > 128:
		e.putRuns(pf, tile, s, sub > 128)
	default:
		e.putPacked(tile, s, w, h)
	}
}

func packBits(n int) int {
	switch {
	case n <= 2:
		return 1
	case n <= 4:
		return 2
	}
	return 4
}

func (e *ZRLEEncoder) putCPixel(pf PixelFormat, p uint32) {
	var b [4]byte
	pf.putCPixel(pf.cpixelMode(), b[:], p)
	e.plain.Write(b[:pf.CPixelSize()])
}

func (e *ZRLEEncoder) putRuns(pf PixelFormat, tile []uint32, s tileStats, palette bool) {
	for i := 0; i < len(tile); {
		j := i + 1
		for j < len(tile) && tile[j] == tile[i] {
			j++
		}
		n := j - i
		switch {
		case !palette:
			e.putCPixel(pf, tile[i])
		case n == 1:
			e.plain.WriteByte(byte(s.index[tile[i]]))
		default:
			e.plain.WriteByte(byte(128 | s.index[tile[i]]))
		}
		if !palette || n > 1 {
			for n-1 >= 255 {
				e.plain.WriteByte(255)
				n -= 255
			}
			e.plain.WriteByte(byte(n - 1))
		}
		i = j
	}
}

func (e *ZRLEEncoder) putPacked(tile []uint32, s tileStats, w, h int) {
	bits := packBits(len(s.palette))
	for y := range h {
		var cur byte
		used := 0
		for x := range w {
			cur |= byte(s.index[tile[y*w+x]]) << (8 - bits - used)
			used += bits
			if used == 8 {
				e.plain.WriteByte(cur)
				cur, used = 0, 0
			}
		}
		if used > 0 {
			e.plain.WriteByte(cur)
		}
	}
}
