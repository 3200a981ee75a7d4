package rfb

import (
	"bytes"
	"encoding/hex"
	"image"
	"math/rand/v2"
	"testing"
)

func TestDeobfuscateVncpasswdFile(t *testing.T) {
	// Made by: printf 'secret\n' | vncpasswd -f | xxd -p (TigerVNC 1.12).
	file, _ := hex.DecodeString("2e2dbf576eb06c9e")
	got, err := DeobfuscatePassword(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "secret" {
		t.Errorf("password = %q, want %q", got, "secret")
	}
	if ob := ObfuscatePassword([]byte("secret")); !bytes.Equal(ob[:], file) {
		t.Errorf("ObfuscatePassword = %x, want %x", ob, file)
	}
	if _, err := DeobfuscatePassword(file[:5]); err == nil {
		t.Error("a 5-byte file was accepted")
	}
}

func TestCheckRect(t *testing.T) {
	tests := []struct {
		x, y, w, h uint16
		ok         bool
	}{
		{0, 0, 800, 600, true},
		{799, 599, 1, 1, true},
		{800, 600, 0, 0, true},
		{0, 0, 801, 1, false},
		{65535, 65535, 65535, 65535, false},
		{801, 0, 0, 0, false},
		{10, 590, 5, 11, false},
	}
	for _, tt := range tests {
		_, err := CheckRect(tt.x, tt.y, tt.w, tt.h, 800, 600)
		if (err == nil) != tt.ok {
			t.Errorf("CheckRect(%d,%d,%d,%d) error = %v, want ok=%v", tt.x, tt.y, tt.w, tt.h, err, tt.ok)
		}
	}
}

func TestPixelFormatValidate(t *testing.T) {
	good := []PixelFormat{PixelFormat32, PixelFormat16, PixelFormat8,
		{BPP: 8, Depth: 8}}
	for _, pf := range good {
		if err := pf.Validate(); err != nil {
			t.Errorf("%+v: %v", pf, err)
		}
	}
	bad := []PixelFormat{
		{BPP: 24, Depth: 24, TrueColor: true, RedMax: 255, GreenMax: 255, BlueMax: 255},
		{BPP: 16, Depth: 16},
		{BPP: 32, Depth: 24, TrueColor: true, RedMax: 254, GreenMax: 255, BlueMax: 255},
		{BPP: 16, Depth: 16, TrueColor: true, RedMax: 255, GreenMax: 255, BlueMax: 255, RedShift: 10},
		{BPP: 8, Depth: 0, TrueColor: true},
	}
	for _, pf := range bad {
		if err := pf.Validate(); err == nil {
			t.Errorf("%+v accepted", pf)
		}
	}
}

func TestConverterGray(t *testing.T) {
	tests := []struct {
		pf      PixelFormat
		r, g, b uint8
		want    uint8
	}{
		{PixelFormat32, 255, 255, 255, 255},
		{PixelFormat32, 0, 0, 0, 0},
		{PixelFormat32, 255, 0, 0, 76},
		{PixelFormat32, 0, 255, 0, 150},
		{PixelFormat32, 0, 0, 255, 29},
		{PixelFormat16, 255, 255, 255, 255},
		{PixelFormat8, 255, 255, 255, 255},
		{PixelFormat8, 0, 0, 0, 0},
	}
	for _, tt := range tests {
		c, err := NewConverter(tt.pf)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Gray(tt.pf.FromRGB(tt.r, tt.g, tt.b)); got != tt.want {
			t.Errorf("%d bpp gray(%d,%d,%d) = %d, want %d", tt.pf.BPP, tt.r, tt.g, tt.b, got, tt.want)
		}
	}
}

func TestConverterColorMapBounds(t *testing.T) {
	c, err := NewConverter(PixelFormat{BPP: 8, Depth: 8})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetColors(250, make([]Color, 6)); err != nil {
		t.Errorf("entries 250-255: %v", err)
	}
	if err := c.SetColors(250, make([]Color, 7)); err == nil {
		t.Error("entries 250-256 accepted")
	}
	if err := c.SetColors(3, []Color{{R: 0xffff, G: 0xffff, B: 0xffff}}); err != nil {
		t.Fatal(err)
	}
	if got := c.Gray(3); got != 255 {
		t.Errorf("gray of white entry = %d, want 255", got)
	}
}

// Formats whose compressed pixels take each ZRLE path: 3 low bytes, 3
// high bytes, whole 16-bit and 8-bit pixels, both byte orders.
var zrleFormats = map[string]PixelFormat{
	"32 low LE":  PixelFormat32,
	"32 low BE":  {BPP: 32, Depth: 24, BigEndian: true, TrueColor: true, RedMax: 255, GreenMax: 255, BlueMax: 255, RedShift: 16, GreenShift: 8},
	"32 high LE": {BPP: 32, Depth: 24, TrueColor: true, RedMax: 255, GreenMax: 255, BlueMax: 255, RedShift: 24, GreenShift: 16, BlueShift: 8},
	"32 high BE": {BPP: 32, Depth: 24, BigEndian: true, TrueColor: true, RedMax: 255, GreenMax: 255, BlueMax: 255, RedShift: 24, GreenShift: 16, BlueShift: 8},
	"16":         PixelFormat16,
	"8":          PixelFormat8,
}

// testPicture returns pixels with solid, few-colour, run-heavy and noisy
// areas, so that every subencoding is chosen somewhere.
func testPicture(pf PixelFormat, w, h int, rng *rand.Rand) []uint32 {
	pix := make([]uint32, w*h)
	for y := range h {
		for x := range w {
			var r, g, b uint8
			switch {
			case x < 64: // solid tiles
				r, g, b = 200, 30, 90
			case x < 128: // two colours: packed 1 bit
				if (x+y)%3 == 0 {
					r, g, b = 255, 255, 255
				}
			case x < 192: // long runs of many colours
				v := uint8(y * 7)
				r, g, b = v, 255-v, v/2
			case x < 256: // five colours, short runs
				v := uint8((x * y) % 5 * 50)
				r, g, b = v, v, v
			case x < 320: // 20 colours in runs of 8: palette RLE
				v := uint8((x/8 + y) % 20 * 12)
				r, g, b = v, v/2, 255-v
			default: // noise
				r, g, b = uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256))
			}
			pix[y*w+x] = pf.FromRGB(r, g, b)
		}
	}
	return pix
}

func TestZRLERoundTrip(t *testing.T) {
	for name, pf := range zrleFormats {
		t.Run(name, func(t *testing.T) {
			conv, err := NewConverter(pf)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			var enc ZRLEEncoder
			var dec ZRLEDecoder
			fb := image.NewGray(image.Rect(0, 0, 450, 200))
			var wire []byte
			rects := []image.Rectangle{
				image.Rect(0, 0, 390, 150),
				image.Rect(0, 0, 0, 0), // an empty rectangle between two
				image.Rect(7, 150, 450, 200),
			}
			var pics [][]uint32
			for _, r := range rects {
				pix := testPicture(pf, r.Dx(), r.Dy(), rng)
				pics = append(pics, pix)
				if wire, err = enc.Encode(wire, pf, pix, r.Dx(), r.Dy()); err != nil {
					t.Fatal(err)
				}
			}
			src := bytes.NewReader(wire)
			for i, r := range rects {
				if err := dec.Decode(src, conv, fb, r); err != nil {
					t.Fatalf("rectangle %d: %v", i, err)
				}
				for y := range r.Dy() {
					for x := range r.Dx() {
						want := conv.Gray(pics[i][y*r.Dx()+x])
						if got := fb.GrayAt(r.Min.X+x, r.Min.Y+y).Y; got != want {
							t.Fatalf("rectangle %d pixel (%d,%d) = %d, want %d", i, x, y, got, want)
						}
					}
				}
			}
			if src.Len() != 0 {
				t.Errorf("%d bytes left unread", src.Len())
			}
		})
	}
}

func TestZRLESubencodingsChosen(t *testing.T) {
	pf := PixelFormat32
	pix := testPicture(pf, 384, 64, rand.New(rand.NewPCG(3, 4)))
	var enc ZRLEEncoder
	var seen = map[string]bool{}
	for tx := 0; tx < 384; tx += 64 {
		tile := make([]uint32, 0, 64*64)
		for y := range 64 {
			tile = append(tile, pix[y*384+tx:y*384+tx+64]...)
		}
		enc.plain.Reset()
		enc.encodeTile(pf, tile, 64, 64)
		sub := enc.plain.Bytes()[0]
		switch {
		case sub == 0:
			seen["raw"] = true
		case sub == 1:
			seen["solid"] = true
		case sub <= 16:
			seen["packed"] = true
		case sub == 128:
			seen["plain RLE"] = true
		default:
			seen["palette RLE"] = true
		}
	}
	for _, want := range []string{"raw", "solid", "packed", "plain RLE", "palette RLE"} {
		if !seen[want] {
			t.Errorf("no tile chose %s; chose %v", want, seen)
		}
	}
}

func TestZRLERejectsOversizedLength(t *testing.T) {
	var dec ZRLEDecoder
	conv, _ := NewConverter(PixelFormat32)
	fb := image.NewGray(image.Rect(0, 0, 16, 16))
	wire := []byte{0xff, 0xff, 0xff, 0xff}
	err := dec.Decode(bytes.NewReader(wire), conv, fb, image.Rect(0, 0, 16, 16))
	if err == nil {
		t.Fatal("a 4 GiB length for a 16x16 rectangle was accepted")
	}
	if len(dec.src.buf) != 0 {
		t.Errorf("decoder allocated %d bytes for a rejected rectangle", cap(dec.src.buf))
	}
}

func TestCopyRectOverlap(t *testing.T) {
	for _, dy := range []int{-1, 1} {
		fb := image.NewGray(image.Rect(0, 0, 4, 8))
		for y := range 8 {
			for x := range 4 {
				fb.Pix[y*4+x] = uint8(y*10 + x)
			}
		}
		want := image.NewGray(fb.Rect)
		copy(want.Pix, fb.Pix)
		dst := image.Rect(0, 2, 4, 6).Add(image.Pt(0, dy))
		from := image.Pt(0, 2)
		for y := range 4 {
			for x := range 4 {
				want.Pix[(dst.Min.Y+y)*4+x] = uint8((from.Y+y)*10 + x)
			}
		}
		CopyRect(fb, dst, from)
		if !bytes.Equal(fb.Pix, want.Pix) {
			t.Errorf("dy %d: got %v, want %v", dy, fb.Pix, want.Pix)
		}
	}
}

func TestServerInitRoundTrip(t *testing.T) {
	si := ServerInit{Width: 1024, Height: 768, Format: PixelFormat16, Name: "desk"}
	got, err := ReadServerInit(bytes.NewReader(si.Marshal()))
	if err != nil {
		t.Fatal(err)
	}
	if got != si {
		t.Errorf("got %+v, want %+v", got, si)
	}
	long := si.Marshal()
	long[20], long[21] = 0xff, 0xff // name length 4 GiB and more
	if _, err := ReadServerInit(bytes.NewReader(long)); err == nil {
		t.Error("a name of 4 GiB was accepted")
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in           string
		major, minor int
		ok           bool
	}{
		{"RFB 003.008\n", 3, 8, true},
		{"RFB 003.003\n", 3, 3, true},
		{"RFB 003.889\n", 3, 889, true},
		{"SSH-2.0-Open", 0, 0, false},
		{"RFB 003.00x\n", 0, 0, false},
	}
	for _, tt := range tests {
		major, minor, err := ParseVersion([]byte(tt.in))
		if (err == nil) != tt.ok || major != tt.major || minor != tt.minor {
			t.Errorf("ParseVersion(%q) = %d, %d, %v", tt.in, major, minor, err)
		}
	}
}

func TestGrayRowMatchesGray(t *testing.T) {
	for name, pf := range zrleFormats {
		conv, err := NewConverter(pf)
		if err != nil {
			t.Fatal(err)
		}
		pix := testPicture(pf, 400, 2, rand.New(rand.NewPCG(8, 9)))
		wire := EncodeRaw(nil, pf, pix)
		got := make([]uint8, len(pix))
		conv.GrayRow(got, wire)
		for i, p := range pix {
			if want := conv.Gray(p); got[i] != want {
				t.Fatalf("%s: pixel %d gray %d, want %d", name, i, got[i], want)
			}
		}
	}
}
