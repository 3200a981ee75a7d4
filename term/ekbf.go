package term

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/binary"
	"fmt"
	"io"
	"sort"
	"sync"
)

//go:generate go run ./internal/fontgen -out fontdata

// fontData holds the bundled faces that internal/fontgen writes: Terminus
// Font in regular and bold at several heights, and GNU Unifont.
//
//go:embed fontdata/*.ekbf.gz
var fontData embed.FS

// ekbf is a decompressed bundled face. Glyphs are decoded on lookup, so
// a face costs its compressed bitmaps and an index in memory.
type ekbf struct {
	height, ascent int
	runes          []rune
	widths         []uint8
	offsets        []uint32 // into data
	data           []byte
}

var (
	faceMu    sync.Mutex
	faceCache = map[string]*ekbf{}
)

// loadFace returns a bundled face by file name, loading it once.
func loadFace(name string) (*ekbf, error) {
	faceMu.Lock()
	defer faceMu.Unlock()
	if f, ok := faceCache[name]; ok {
		return f, nil
	}
	z, err := fontData.Open("fontdata/" + name)
	if err != nil {
		return nil, fmt.Errorf("term: bundled font %s: %w", name, err)
	}
	defer z.Close()
	zr, err := gzip.NewReader(z)
	if err != nil {
		return nil, fmt.Errorf("term: bundled font %s: %w", name, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("term: bundled font %s: %w", name, err)
	}
	f, err := parseEKBF(raw)
	if err != nil {
		return nil, fmt.Errorf("term: bundled font %s: %w", name, err)
	}
	faceCache[name] = f
	return f, nil
}

func parseEKBF(b []byte) (*ekbf, error) {
	const header = 11
	if len(b) < header || !bytes.HasPrefix(b, []byte("EKBF\x01")) {
		return nil, fmt.Errorf("not an EKBF version 1 file")
	}
	f := &ekbf{height: int(b[5]), ascent: int(b[6])}
	n := int(binary.LittleEndian.Uint32(b[7:]))
	if len(b) < header+5*n {
		return nil, fmt.Errorf("index of %d glyphs is cut short", n)
	}
	f.runes = make([]rune, n)
	f.widths = make([]uint8, n)
	f.offsets = make([]uint32, n)
	off := 0
	for i := 0; i < n; i++ {
		e := b[header+5*i:]
		f.runes[i] = rune(binary.LittleEndian.Uint32(e))
		f.widths[i] = e[4]
		f.offsets[i] = uint32(off)
		off += f.height * ((int(e[4]) + 7) / 8)
	}
	f.data = b[header+5*n:]
	if len(f.data) != off {
		return nil, fmt.Errorf("bitmaps are %d bytes, index needs %d", len(f.data), off)
	}
	return f, nil
}

// glyph returns r's rows (bit x is pixel x from the left) and width, or
// nil when the face lacks r.
func (f *ekbf) glyph(r rune) (rows []uint64, width int) {
	i := sort.Search(len(f.runes), func(i int) bool { return f.runes[i] >= r })
	if i == len(f.runes) || f.runes[i] != r {
		return nil, 0
	}
	width = int(f.widths[i])
	bpr := (width + 7) / 8
	rows = make([]uint64, f.height)
	p := f.data[f.offsets[i]:]
	for y := range rows {
		for x := 0; x < width; x++ {
			if p[y*bpr+x/8]&(0x80>>(x%8)) != 0 {
				rows[y] |= 1 << x
			}
		}
	}
	return rows, width
}

// cellWidth returns the width of the face's 'M', its cell width.
func (f *ekbf) cellWidth() int {
	_, w := f.glyph('M')
	return w
}
