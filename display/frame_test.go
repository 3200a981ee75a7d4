package display

import (
	"image"
	"image/color"
	"testing"
)

func TestFramePackRoundTrip(t *testing.T) {
	for _, depth := range []int{1, 2, 4, 8} {
		f := NewFrame(37, 5, depth)
		if f.Stride%8 != 0 {
			t.Errorf("depth %d: stride %d is not a multiple of 8", depth, f.Stride)
		}
		for x := 0; x < 37; x++ {
			f.SetGray(x, 2, uint8(x)&f.White())
		}
		for x := 0; x < 37; x++ {
			if got, want := f.GrayAt(x, 2), uint8(x)&f.White(); got != want {
				t.Errorf("depth %d: pixel %d = %d, want %d", depth, x, got, want)
			}
			if got := f.GrayAt(x, 1); got != f.White() {
				t.Errorf("depth %d: untouched pixel %d = %d, want white", depth, x, got)
			}
		}
	}
}

func TestFrameFillRectUnaligned(t *testing.T) {
	f := NewFrame(20, 3, 1)
	f.FillRect(image.Rect(3, 1, 13, 2), 0)
	for x := 0; x < 20; x++ {
		want := f.White()
		if x >= 3 && x < 13 {
			want = 0
		}
		if got := f.GrayAt(x, 1); got != want {
			t.Errorf("pixel %d = %d, want %d", x, got, want)
		}
	}
}

func TestFrameSetQuantizes(t *testing.T) {
	f := NewFrame(2, 1, 4)
	f.Set(0, 0, color.Gray{Y: 0x88})
	if got := f.GrayAt(0, 0); got != 8 {
		t.Errorf("gray 0x88 at 4 bpp = %d, want 8", got)
	}
}

func TestAlignRect(t *testing.T) {
	it6 := Profiles["it8951-6in"]
	small := Profiles["2in13"]
	tests := []struct {
		name string
		info Info
		in   image.Rectangle
		mode Mode
		want image.Rectangle
	}{
		{"grow to bytes", small, image.Rect(3, 4, 9, 5), ModePartial, image.Rect(0, 4, 16, 5)},
		{"stop at odd edge", small, image.Rect(118, 0, 122, 1), ModePartial, image.Rect(112, 0, 122, 1)},
		{"outside", small, image.Rect(200, 0, 210, 1), ModePartial, image.Rectangle{}},
		{"A2 on 6in needs 32", it6, image.Rect(33, 0, 35, 1), ModeA2, image.Rect(32, 0, 64, 1)},
		{"GC16 on 6in needs 4", it6, image.Rect(33, 0, 35, 1), ModeGC16, image.Rect(32, 0, 36, 1)},
	}
	for _, tt := range tests {
		if got := AlignRect(tt.in, tt.info, tt.mode); got != tt.want {
			t.Errorf("%s: AlignRect(%v) = %v, want %v", tt.name, tt.in, got, tt.want)
		}
	}
}
