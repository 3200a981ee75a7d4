package it8951

import (
	"image"
	"testing"

	"github.com/einkterm/einkterm/eink/internal/paneltest"
)

// BenchmarkPack packs a 1872x1404 4-bit frame, the 10.3" panel, for a
// load at 1 and 4 bits per pixel, next to a plain copy of the frame's
// bytes. MB/s counts the bytes of the 4-bit frame in every case.
func BenchmarkPack(b *testing.B) {
	const w, h = 1872, 1404
	f := paneltest.Pattern(w, h, 4, 1)
	rot := paneltest.Pattern(h, w, 4, 1) // the frame of a 90° rotation
	all := image.Rect(0, 0, w, h)
	cases := []struct {
		name string
		run  func() []byte
	}{
		{"copy", func() []byte {
			out := make([]byte, len(f.Pix))
			copy(out, f.Pix)
			return out
		}},
		{"4bpp", func() []byte { return packer{f: f, nw: w, nh: h}.pack(all, 4) }},
		{"1bpp", func() []byte { return packer{f: f, nw: w, nh: h}.pack(all, 1) }},
		{"4bpp-rot90", func() []byte { return packer{f: rot, rot: 90, nw: w, nh: h}.pack(all, 4) }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(f.Pix)))
			n := 0
			for b.Loop() {
				n = len(c.run())
			}
			b.ReportMetric(float64(n), "out-bytes")
		})
	}
}
