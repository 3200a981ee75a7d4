package emu

import (
	"testing"

	"periph.io/x/conn/v3/gpio"
)

func ucDevice(e *UC8179) dcDevice {
	return dcDevice{port: e.Port(), dc: e.DC, rst: e.RST, clock: e.Clock,
		busy: func() bool { return e.BUSY.Read() == gpio.Low }}
}

// Power-on init and clear from Waveshare's C driver.
const ucInit = `reset; C 01 D 07 07 3F 3F; C 06 D 17 17 28 17; C 04; wait
C 00 D 1F; C 61 D 03 20 01 E0; C 15 D 00; C 50 D 10 07; C 60 D 22`

const ucClear = `C 10 D 48000*FF; C 13 D 48000*00; C 12; wait`

// Window x=16 y=8 w=32 h=16 from Waveshare's Python driver, with the
// first pixel of the window black.
const ucWindow = `reset; C 00 D 1F; C 04; wait; C E0 D 02; C E5 D 6E; C 50 D A9 07
C 91; C 90 D 00 10 00 2F 00 08 00 17 01; C 13 D 7F 63*FF; C 12; wait`

func TestUC8179GoldenInitClear(t *testing.T) {
	e := NewUC8179(NewClock())
	play(t, ucDevice(e), ucInit+"\n"+ucClear)
	noFaults(t, e.Faults())
	if n := countBlackUC(e); n != 0 {
		t.Errorf("%d black pixels after the clear, expected 0", n)
	}
	if len(e.Log) != 1 || e.Log[0].Mode != "full" {
		t.Fatalf("refresh log %+v, expected one full refresh", e.Log)
	}
}

func TestUC8179GoldenFullImage(t *testing.T) {
	e := NewUC8179(NewClock())
	play(t, ucDevice(e), ucInit+"\nC 10 D 7F 47999*FF; C 13 D 80 47999*00; C 12; wait")
	noFaults(t, e.Faults())
	if e.Pixel(0, 0) || countBlackUC(e) != 1 {
		t.Errorf("pixel (0,0) white=%v, %d black; expected only (0,0) black",
			e.Pixel(0, 0), countBlackUC(e))
	}
}

func TestUC8179GoldenWindow(t *testing.T) {
	e := NewUC8179(NewClock())
	d := ucDevice(e)
	play(t, d, ucInit+"\n"+ucClear)
	play(t, d, ucWindow)
	noFaults(t, e.Faults())
	if e.Pixel(16, 8) {
		t.Error("pixel (16, 8) is white, expected black")
	}
	if n := countBlackUC(e); n != 1 {
		t.Errorf("%d black pixels, expected 1", n)
	}
	last := e.Log[len(e.Log)-1]
	if last.Mode != "partial" || last.Rect.Dx() != 32 || last.Rect.Dy() != 16 {
		t.Errorf("last refresh %+v, expected a 32x16 partial", last)
	}
}

func TestUC8179GoldenSleep(t *testing.T) {
	e := NewUC8179(NewClock())
	d := ucDevice(e)
	play(t, d, ucInit+"\nC 50 D F7; C 02; wait; C 07 D A5; C 04")
	if len(e.Faults()) != 1 {
		t.Fatalf("faults %q, expected one for the command in deep sleep", e.Faults())
	}
	play(t, d, ucInit)
	if len(e.Faults()) != 1 {
		t.Errorf("faults after reset %q, expected none new", e.Faults())
	}
}

func countBlackUC(e *UC8179) int {
	n := 0
	for y := 0; y < ucHeight; y++ {
		for x := 0; x < ucWidth; x++ {
			if !e.Pixel(x, y) {
				n++
			}
		}
	}
	return n
}
