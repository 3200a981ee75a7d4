package emu

import (
	"strings"
	"testing"

	"periph.io/x/conn/v3/gpio"
)

func ssdDevice(e *SSD1680) dcDevice {
	return dcDevice{port: e.Port(), dc: e.DC, rst: e.RST, clock: e.Clock,
		busy: func() bool { return e.BUSY.Read() == gpio.High }}
}

// V4 power-on init and clear to white, from Waveshare's Python driver.
const ssdInitV4 = `reset; wait; C 12; wait; C 01 D F9 00 00; C 11 D 03
C 44 D 00 0F; C 45 D 00 00 F9 00; C 4E D 00; C 4F D 00 00
C 3C D 05; C 21 D 00 80; C 18 D 80; wait`

const ssdClear = `C 24 D 4000*FF; C 22 D F7; C 20; wait`

// Window x=16 y=8 w=32 h=16 from GxEPD2's B74 driver, pixel (16, 8) black.
const ssdWindow = `C 11 D 03; C 44 D 02 05; C 45 D 08 00 17 00; C 4E D 02; C 4F D 08 00
C 24 D 7F 63*FF
C 11 D 03; C 44 D 02 05; C 45 D 08 00 17 00; C 4E D 02; C 4F D 08 00
C 22 D FC; C 20; wait
C 11 D 03; C 44 D 02 05; C 45 D 08 00 17 00; C 4E D 02; C 4F D 08 00
C 26 D 7F 63*FF
C 11 D 03; C 44 D 02 05; C 45 D 08 00 17 00; C 4E D 02; C 4F D 08 00
C 24 D 7F 63*FF`

func TestSSD1680GoldenInitClear(t *testing.T) {
	e := NewSSD1680(NewClock())
	play(t, ssdDevice(e), ssdInitV4+"\n"+ssdClear)
	noFaults(t, e.Faults())
	if n := countBlack(e); n != 0 {
		t.Errorf("after init and clear %d pixels are black, expected 0", n)
	}
	if len(e.Log) != 1 || e.Log[0].Mode != "full" {
		t.Fatalf("refresh log %+v, expected one full refresh", e.Log)
	}
	if e.Log[0].Busy.Seconds() < 3 {
		t.Errorf("full refresh took %v, expected about 3.5 s", e.Log[0].Busy)
	}
}

func TestSSD1680GoldenWindow(t *testing.T) {
	e := NewSSD1680(NewClock())
	d := ssdDevice(e)
	play(t, d, ssdInitV4+"\n"+ssdClear+"\nC 26 D 4000*FF")
	play(t, d, ssdWindow)
	noFaults(t, e.Faults())
	if e.Pixel(16, 8) {
		t.Error("pixel (16, 8) is white, expected black")
	}
	if n := countBlack(e); n != 1 {
		t.Errorf("%d black pixels, expected 1", n)
	}
	last := e.Log[len(e.Log)-1]
	if last.Mode != "partial" {
		t.Errorf("last refresh %q, expected partial", last.Mode)
	}
	if e.RED[8*16+2] != 0x7F {
		t.Errorf("old RAM at the window is %02X, expected 7F", e.RED[8*16+2])
	}
}

// A mode-2 update with a stale old RAM leaves a pixel black that the new
// RAM makes white again: the ghost of a driver that skips rewriting 0x26.
func TestSSD1680StaleOldRAM(t *testing.T) {
	e := NewSSD1680(NewClock())
	d := ssdDevice(e)
	play(t, d, ssdInitV4+"\n"+ssdClear+"\nC 26 D 4000*FF")
	first := strings.SplitN(ssdWindow, "C 11 D 03; C 44 D 02 05; C 45 D 08 00 17 00; C 4E D 02; C 4F D 08 00\nC 26", 2)[0]
	play(t, d, first)
	play(t, d, `C 11 D 03; C 44 D 02 05; C 45 D 08 00 17 00; C 4E D 02; C 4F D 08 00
C 24 D 64*FF; C 22 D FC; C 20; wait`)
	if e.Pixel(16, 8) {
		t.Error("pixel (16, 8) turned white although the old RAM was stale")
	}
}

func TestSSD1680GoldenV3Init(t *testing.T) {
	e := NewSSD1680(NewClock())
	lut := "C 32 D 153*00; wait; C 3F D 22; C 03 D 17; C 04 D 41 00 32; C 2C D 36"
	play(t, ssdDevice(e), ssdInitV4+"\n"+lut+"\nC 24 D 4000*FF; C 22 D C7; C 20; wait")
	noFaults(t, e.Faults())
	if n := countBlack(e); n != 0 {
		t.Errorf("%d black pixels after the V3 clear, expected 0", n)
	}
}

func TestSSD1680GoldenV2Init(t *testing.T) {
	e := NewSSD1680(NewClock())
	play(t, ssdDevice(e), `reset; wait; C 12; wait; C 74 D 54; C 7E D 3B
C 01 D F9 00 00; C 11 D 01; C 44 D 00 0F; C 45 D F9 00 00 00; C 3C D 03
C 2C D 55; C 03 D 15; C 04 D 41 A8 32; C 3A D 30; C 3B D 0A; C 32 D 70*00
C 4E D 00; C 4F D F9 00; C 24 D 4000*00; C 22 D C7; C 20; wait`)
	noFaults(t, e.Faults())
	if n := countBlack(e); n != ssdWidth*ssdHeight {
		t.Errorf("%d black pixels after a black V2 fill, expected all", n)
	}
}

func TestSSD1680SleepNeedsReset(t *testing.T) {
	e := NewSSD1680(NewClock())
	d := ssdDevice(e)
	play(t, d, ssdInitV4+"\nC 22 D 83; C 20; wait; C 10 D 01; C 12")
	if len(e.Faults()) != 1 {
		t.Fatalf("faults %q, expected one for the command in deep sleep", e.Faults())
	}
	play(t, d, "reset; C 12; wait")
	if len(e.Faults()) != 1 {
		t.Errorf("faults after reset %q, expected none new", e.Faults())
	}
}

func countBlack(e *SSD1680) int {
	n := 0
	for y := 0; y < ssdHeight; y++ {
		for x := 0; x < ssdWidth; x++ {
			if !e.Pixel(x, y) {
				n++
			}
		}
	}
	return n
}
