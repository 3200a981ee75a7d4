package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// readHex reads GNU Unifont's hex format: one glyph a line, "XXXX:" then
// 16 rows of 8 pixels (32 hex digits) or of 16 pixels (64 digits).
func readHex(path string) (*font, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()

	f := &font{height: 16, ascent: 14, glyphs: make(map[rune]glyph)}
	sc := bufio.NewScanner(file)
	for n := 1; sc.Scan(); n++ {
		code, bits, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		r, err := strconv.ParseUint(code, 16, 32)
		if err != nil {
			return nil, fmt.Errorf("line %d: invalid code point %q", n, code)
		}
		data, err := hex.DecodeString(bits)
		if err != nil || (len(data) != 16 && len(data) != 32) {
			return nil, fmt.Errorf("line %d: invalid bitmap", n)
		}
		g := glyph{width: len(data) / 2}
		step := len(data) / 16
		for y := 0; y < 16; y++ {
			g.rows = append(g.rows, data[y*step:(y+1)*step])
		}
		f.glyphs[rune(r)] = g
	}
	return f, sc.Err()
}
