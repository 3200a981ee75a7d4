package ssd1680

import (
	"image"
	"image/color"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
	"periph.io/x/devices/v3/waveshare2in13v4"

	"github.com/einkterm/einkterm/eink/emu"
)

// periph.io's waveshare2in13v4 driver (devices v3.7.4) is not used for
// the V4 because it fails on the SSD1680 emulator. It writes the 32 bytes
// of a 16x16 box with the RAM window still covering the whole panel, so
// they fill the first two lines, and it runs two full updates per Draw.
// The test pins the defects down so that it fails once periph fixes them.
func TestPeriphV4Defects(t *testing.T) {
	e := emu.NewSSD1680(emu.NewClock())
	// Each read of BUSY costs 50 ms of virtual time, since periph's
	// driver polls with real sleeps between reads.
	busy := emu.NewInPin("BUSY", 24, func() gpio.Level {
		e.Clock.Advance(50 * time.Millisecond)
		return e.BUSY.Read()
	})
	busy.EdgesChan = make(chan gpio.Level, 100000)
	opts := waveshare2in13v4.EPD2in13v4
	d, err := waveshare2in13v4.New(e.Port(), e.DC, &gpiotest.Pin{N: "CS"}, e.RST, busy, &opts)
	if err != nil {
		t.Fatal(err)
	}
	for range cap(busy.EdgesChan) {
		busy.EdgesChan <- gpio.Low
	}
	if err := d.Init(); err != nil {
		t.Fatal(err)
	}
	if err := d.Clear(color.White); err != nil {
		t.Fatal(err)
	}
	clearUpdates := len(e.Log)
	box := image.Rect(16, 8, 32, 24)
	if err := d.Draw(box, image.NewUniform(color.Black), image.Point{}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.Log) - clearUpdates; n != 2 {
		t.Errorf("one Draw ran %d panel updates; the defect is two", n)
	}
	black, inside := 0, 0
	for y := 0; y < height; y++ {
		for x := 0; x < width; x++ {
			if !e.Pixel(x, y) {
				black++
				if image.Pt(x, y).In(box) {
					inside++
				}
			}
		}
	}
	if inside != 0 || black == 0 {
		t.Errorf("%d black pixels, %d inside %v: periph's v4 driver no longer misplaces the box, reconsider using it",
			black, inside, box)
	}
}
