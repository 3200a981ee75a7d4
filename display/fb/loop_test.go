package fb

import (
	"context"
	"image"
	"testing"

	"github.com/einkterm/einkterm/display"
)

func TestLoopDrawsOnFramebuffer(t *testing.T) {
	geo := Geometry{Width: 40, Height: 30, Stride: 40*2 + 8, Format: RGB565}
	dev := newFileDevice(t, geo, false)
	p, err := New(dev, nil, Options{Rotation: 180})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	loop := display.NewLoop(p, display.LoopOptions{})
	src := display.NewFrame(p.Info().Width, p.Info().Height, 8)
	box := image.Rect(3, 4, 9, 7)
	src.FillRect(box, 0)
	loop.Submit(src, []display.Damage{{Rect: box}})
	if err := loop.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	mem := dev.bytes(t)
	for y := range geo.Height {
		for x := range geo.Width {
			lx, ly := logicalOf(180, geo.Width, geo.Height, x, y)
			r, _, _ := decodeGray(t, mem, geo, x, y)
			want := uint8(0xF8)
			if image.Pt(lx, ly).In(box) {
				want = 0
			}
			if r != want {
				t.Fatalf("device (%d,%d) red = %#x, want %#x", x, y, r, want)
			}
		}
	}
}
