package mxcfb

import (
	"context"
	"image"
	"testing"

	"github.com/einkterm/einkterm/display"
)

func TestLoopSendsUpdates(t *testing.T) {
	p, dev := newKobo(t, Options{})
	loop := display.NewLoop(p, display.LoopOptions{})
	src := display.NewFrame(64, 48, 4)
	dot := image.Rect(10, 10, 11, 11) // one pixel: sent as at least 2x2
	src.FillRect(dot, 0)
	loop.Submit(src, []display.Damage{{Rect: dot}})
	if err := loop.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	u := dev.sent()
	if len(u) < 2 {
		t.Fatalf("%d updates, want the clearing one and the dot", len(u))
	}
	last := u[len(u)-1]
	region := image.Rect(int(last.left), int(last.top), int(last.left+last.width), int(last.top+last.height))
	if !dot.In(region) {
		t.Errorf("update %v misses the dot %v", region, dot)
	}
	if last.width < 2 || last.height < 2 {
		t.Errorf("update %v is below 2x2", region)
	}
	if last.updateMode != 0 {
		t.Errorf("typing update is a full (flashing) update, want partial")
	}
	if v := dev.mem[10*64+10]; v != 0 {
		t.Errorf("framebuffer pixel (10,10) = %d, want black", v)
	}
}
