package main

import (
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// PCF table types and format bits, from the X.Org PCF format.
const (
	pcfAccelerators    = 1 << 1
	pcfMetrics         = 1 << 2
	pcfBitmaps         = 1 << 3
	pcfBDFEncodings    = 1 << 5
	pcfBDFAccelerators = 1 << 8

	pcfByteMSB            = 1 << 2
	pcfBitMSB             = 1 << 3
	pcfCompressedMetrics  = 0x100
	pcfGlyphPadMask       = 3
	pcfScanUnitMask       = 3 << 4
	pcfNoGlyph            = 0xffff
	pcfCompressedMetricsB = 0x80
)

type pcfTable struct {
	format, size, offset uint32
}

type pcfMetric struct {
	left, right, width, ascent, descent int
}

// readPCF reads a gzip-compressed PCF font into cells of the font's
// ascent plus descent.
func readPCF(path string) (*font, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	zr, err := gzip.NewReader(file)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	if len(data) < 8 || string(data[:4]) != "\x01fcp" {
		return nil, errors.New("not a PCF file")
	}

	tables := map[uint32]pcfTable{}
	n := binary.LittleEndian.Uint32(data[4:])
	for i := uint32(0); i < n; i++ {
		e := data[8+16*i:]
		tables[binary.LittleEndian.Uint32(e)] = pcfTable{
			format: binary.LittleEndian.Uint32(e[4:]),
			size:   binary.LittleEndian.Uint32(e[8:]),
			offset: binary.LittleEndian.Uint32(e[12:]),
		}
	}
	for _, t := range []uint32{pcfMetrics, pcfBitmaps, pcfBDFEncodings} {
		if _, ok := tables[t]; !ok {
			return nil, fmt.Errorf("PCF table %d missing", t)
		}
	}

	ascent, descent, err := pcfFontExtent(data, tables)
	if err != nil {
		return nil, err
	}
	metrics := pcfReadMetrics(data, tables[pcfMetrics])
	encoding := pcfReadEncodings(data, tables[pcfBDFEncodings])
	f := &font{height: ascent + descent, ascent: ascent, glyphs: make(map[rune]glyph)}
	cellWidth := 0
	for _, m := range metrics {
		cellWidth = max(cellWidth, m.width)
	}
	bitmaps, err := pcfReadBitmaps(data, tables[pcfBitmaps], metrics)
	if err != nil {
		return nil, err
	}
	for r, i := range encoding {
		if i >= len(metrics) {
			continue
		}
		f.glyphs[r] = placeGlyph(bitmaps[i], metrics[i], cellWidth, ascent, f.height)
	}
	return f, nil
}

// reader reads integers of one PCF table in its byte order.
type reader struct {
	b     []byte
	order binary.ByteOrder
}

func newReader(data []byte, t pcfTable) reader {
	b := data[t.offset : t.offset+t.size]
	var order binary.ByteOrder = binary.LittleEndian
	if t.format&pcfByteMSB != 0 {
		order = binary.BigEndian
	}
	return reader{b: b[4:], order: order}
}

func (r *reader) u32() uint32 { v := r.order.Uint32(r.b); r.b = r.b[4:]; return v }
func (r *reader) i16() int    { v := int16(r.order.Uint16(r.b)); r.b = r.b[2:]; return int(v) }
func (r *reader) u8() int     { v := r.b[0]; r.b = r.b[1:]; return int(v) }

func pcfFontExtent(data []byte, tables map[uint32]pcfTable) (ascent, descent int, err error) {
	t, ok := tables[pcfBDFAccelerators]
	if !ok {
		t, ok = tables[pcfAccelerators]
	}
	if !ok {
		return 0, 0, errors.New("PCF accelerator table missing")
	}
	r := newReader(data, t)
	r.b = r.b[8:] // flags and padding
	return int(int32(r.u32())), int(int32(r.u32())), nil
}

func pcfReadMetrics(data []byte, t pcfTable) []pcfMetric {
	r := newReader(data, t)
	var ms []pcfMetric
	if t.format&pcfCompressedMetrics != 0 {
		n := r.i16()
		for i := 0; i < int(uint16(n)); i++ {
			ms = append(ms, pcfMetric{
				left: r.u8() - pcfCompressedMetricsB, right: r.u8() - pcfCompressedMetricsB,
				width: r.u8() - pcfCompressedMetricsB, ascent: r.u8() - pcfCompressedMetricsB,
				descent: r.u8() - pcfCompressedMetricsB,
			})
		}
		return ms
	}
	n := r.u32()
	for i := uint32(0); i < n; i++ {
		m := pcfMetric{left: r.i16(), right: r.i16(), width: r.i16(), ascent: r.i16(), descent: r.i16()}
		r.i16() // attributes
		ms = append(ms, m)
	}
	return ms
}

func pcfReadEncodings(data []byte, t pcfTable) map[rune]int {
	r := newReader(data, t)
	min2, max2, min1, max1 := r.i16(), r.i16(), r.i16(), r.i16()
	r.i16() // default character
	enc := map[rune]int{}
	for b1 := min1; b1 <= max1; b1++ {
		for b2 := min2; b2 <= max2; b2++ {
			i := int(uint16(r.i16()))
			if i != pcfNoGlyph {
				enc[rune(b1<<8|b2)] = i
			}
		}
	}
	return enc
}

// pcfReadBitmaps returns each glyph's rows, trimmed to its ink width.
func pcfReadBitmaps(data []byte, t pcfTable, ms []pcfMetric) ([][][]byte, error) {
	if t.format&pcfBitMSB == 0 || t.format&pcfScanUnitMask != 0 {
		return nil, fmt.Errorf("PCF bitmap format %#x not supported", t.format)
	}
	r := newReader(data, t)
	n := int(r.u32())
	if n != len(ms) {
		return nil, fmt.Errorf("PCF has %d bitmaps for %d metrics", n, len(ms))
	}
	offsets := make([]int, n)
	for i := range offsets {
		offsets[i] = int(r.u32())
	}
	r.b = r.b[16:] // bitmap sizes for each padding
	pad := 1 << (t.format & pcfGlyphPadMask)
	out := make([][][]byte, n)
	for i, m := range ms {
		w := m.right - m.left
		stride := ((w+7)/8 + pad - 1) / pad * pad
		var rows [][]byte
		for y := 0; y < m.ascent+m.descent; y++ {
			o := offsets[i] + y*stride
			rows = append(rows, r.b[o:o+(w+7)/8])
		}
		out[i] = rows
	}
	return out, nil
}

// placeGlyph draws an ink bitmap into a full cell.
func placeGlyph(ink [][]byte, m pcfMetric, width, ascent, height int) glyph {
	g := glyph{width: width}
	bpr := (width + 7) / 8
	for y := 0; y < height; y++ {
		g.rows = append(g.rows, make([]byte, bpr))
	}
	top := ascent - m.ascent
	for y, row := range ink {
		cy := top + y
		if cy < 0 || cy >= height {
			continue
		}
		for x := 0; x < m.right-m.left; x++ {
			if row[x/8]&(0x80>>(x%8)) == 0 {
				continue
			}
			cx := m.left + x
			if cx >= 0 && cx < width {
				g.rows[cy][cx/8] |= 0x80 >> (cx % 8)
			}
		}
	}
	return g
}
