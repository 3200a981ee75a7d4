package rfb

import (
	"bytes"
	"image"
	"math/rand/v2"
	"testing"
)

// BenchmarkZRLEDecode decodes a 1024x768 picture with solid, palette,
// run-length and noisy tiles, as TestZRLERoundTrip draws it.
func BenchmarkZRLEDecode(b *testing.B) {
	pf := PixelFormat32
	conv, _ := NewConverter(pf)
	pix := testPicture(pf, 1024, 768, rand.New(rand.NewPCG(5, 6)))
	var enc ZRLEEncoder
	var wire []byte
	for range 16 {
		wire, _ = enc.Encode(wire, pf, pix, 1024, 768)
	}
	fb := image.NewGray(image.Rect(0, 0, 1024, 768))
	var dec ZRLEDecoder
	src := bytes.NewReader(wire)
	b.SetBytes(int64(len(wire) / 16))
	b.ResetTimer()
	for i := range b.N {
		if i%16 == 0 {
			src.Reset(wire)
			dec = ZRLEDecoder{}
		}
		if err := dec.Decode(src, conv, fb, fb.Rect); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(1024*768)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpx/s")
}

// BenchmarkRawDecode decodes 1024x768 Raw pixels at 32 bits per pixel.
func BenchmarkRawDecode(b *testing.B) {
	pf := PixelFormat32
	conv, _ := NewConverter(pf)
	pix := testPicture(pf, 1024, 768, rand.New(rand.NewPCG(5, 6)))
	wire := EncodeRaw(nil, pf, pix)
	fb := image.NewGray(image.Rect(0, 0, 1024, 768))
	var scratch []byte
	b.SetBytes(int64(len(wire)))
	for b.Loop() {
		if err := DecodeRaw(bytes.NewReader(wire), conv, fb, fb.Rect, &scratch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(1024*768)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpx/s")
}
