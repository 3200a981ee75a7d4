package emu

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"
	"periph.io/x/conn/v3/spi/spitest"
)

// dcDevice is what a transcript drives: a DC pin, a reset pin, a busy
// line and the virtual clock.
type dcDevice struct {
	port  *Port
	dc    *OutPin
	rst   *OutPin
	busy  func() bool
	clock *Clock
}

// play sends a transcript written as in the controllers' references:
// "C 12" is a command byte, "D F9 00 00" data bytes, "D 4000*FF" 4000
// copies of a byte, "wait" waits until the controller is idle and
// "reset" pulses the reset pin. Steps are separated by ";" or newlines.
// The bytes go through periph's spitest.Record, which keeps every write.
func play(t *testing.T, d dcDevice, script string) *spitest.Record {
	t.Helper()
	rec := &spitest.Record{Port: d.port}
	c, err := rec.Connect(4*physic.MegaHertz, spi.Mode0, 8)
	if err != nil {
		t.Fatal(err)
	}
	steps := strings.FieldsFunc(script, func(r rune) bool { return r == ';' || r == '\n' })
	for _, step := range steps {
		f := strings.Fields(step)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "C":
			d.dc.Out(gpio.Low)
			send(t, c, f[1:2])
			if len(f) > 2 {
				d.dc.Out(gpio.High)
				send(t, c, f[3:])
			}
		case "D":
			d.dc.Out(gpio.High)
			send(t, c, f[1:])
		case "wait":
			waitIdle(t, d)
		case "reset":
			d.rst.Out(gpio.High)
			d.clock.Advance(20 * time.Millisecond)
			d.rst.Out(gpio.Low)
			d.clock.Advance(2 * time.Millisecond)
			d.rst.Out(gpio.High)
			d.clock.Advance(20 * time.Millisecond)
		default:
			t.Fatalf("bad transcript step %q", step)
		}
	}
	return rec
}

func send(t *testing.T, c spi.Conn, words []string) {
	t.Helper()
	var p []byte
	for _, w := range words {
		n, b := 1, w
		if i := strings.IndexByte(w, '*'); i > 0 {
			var err error
			if n, err = strconv.Atoi(w[:i]); err != nil {
				t.Fatalf("bad count in %q", w)
			}
			b = w[i+1:]
		}
		v, err := strconv.ParseUint(b, 16, 8)
		if err != nil {
			t.Fatalf("bad byte %q", w)
		}
		for range n {
			p = append(p, byte(v))
		}
	}
	for len(p) > 0 {
		k := min(len(p), 4096)
		if err := c.Tx(p[:k], nil); err != nil {
			t.Fatal(err)
		}
		p = p[k:]
	}
}

func waitIdle(t *testing.T, d dcDevice) {
	t.Helper()
	for i := 0; d.busy(); i++ {
		if i > 20000 {
			t.Fatal("controller still busy after 20 s of virtual time")
		}
		d.clock.Advance(time.Millisecond)
	}
}

func noFaults(t *testing.T, f []string) {
	t.Helper()
	for _, s := range f {
		t.Errorf("fault: %s", s)
	}
}
