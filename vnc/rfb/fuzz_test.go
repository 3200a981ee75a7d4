package rfb

import (
	"bytes"
	"image"
	"testing"
)

func FuzzZRLEDecode(f *testing.F) {
	var enc ZRLEEncoder
	pix := make([]uint32, 70*70)
	for i := range pix {
		pix[i] = uint32(i % 7 * 0x102030)
	}
	seed, _ := enc.Encode(nil, PixelFormat32, pix, 70, 70)
	f.Add(seed, uint8(70), uint8(70))
	f.Add([]byte{0, 0, 0, 3, 0x78, 0x9c, 0}, uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, w, h uint8) {
		conv, _ := NewConverter(PixelFormat32)
		fb := image.NewGray(image.Rect(0, 0, 256, 256))
		var dec ZRLEDecoder
		dec.Decode(bytes.NewReader(data), conv, fb, image.Rect(0, 0, int(w), int(h)))
		if n := cap(dec.src.buf); n > ZRLEMaxData(int(w), int(h), 3)+maxZRLELeftover {
			t.Errorf("decoder holds %d bytes for a %dx%d rectangle", n, w, h)
		}
	})
}
