package main

import (
	"compress/gzip"
	"encoding/binary"
	"os"
	"sort"
)

// font is a set of glyphs in cells of one height.
type font struct {
	height, ascent int
	glyphs         map[rune]glyph
}

// glyph is a bitmap whose rows are width pixels, leftmost in the most
// significant bit of the first byte.
type glyph struct {
	width int
	rows  [][]byte
}

func writeFont(path string, f *font) error {
	runes := make([]rune, 0, len(f.glyphs))
	for r := range f.glyphs {
		runes = append(runes, r)
	}
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })

	buf := []byte("EKBF\x01")
	buf = append(buf, byte(f.height), byte(f.ascent))
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(runes)))
	for _, r := range runes {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(r))
		buf = append(buf, byte(f.glyphs[r].width))
	}
	for _, r := range runes {
		for _, row := range f.glyphs[r].rows {
			buf = append(buf, row...)
		}
	}

	out, err := os.Create(path)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(out, gzip.BestCompression)
	if err != nil {
		out.Close()
		return err
	}
	if _, err := zw.Write(buf); err != nil {
		out.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
