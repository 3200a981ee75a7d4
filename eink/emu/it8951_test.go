package emu

import (
	"strconv"
	"strings"
	"testing"

	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"
	"periph.io/x/conn/v3/spi/spitest"
)

// itPlay sends an IT8951 transcript: "C 0302" is a command packet, "W
// 0004" a write packet of one word, "W 120000*FFFF" a stream of words
// sent in write packets of at most 4096 bytes, "R 20" a read packet of
// 20 words and "L" a poll of LUTAFSR until the engine is idle. It returns
// the words of every read.
func itPlay(t *testing.T, e *IT8951, script string) [][]uint16 {
	t.Helper()
	rec := &spitest.Record{Port: e.Port()}
	c, err := rec.Connect(24*physic.MegaHertz, spi.Mode0, 8)
	if err != nil {
		t.Fatal(err)
	}
	var reads [][]uint16
	for _, step := range strings.FieldsFunc(script, func(r rune) bool { return r == ';' || r == '\n' }) {
		f := strings.Fields(step)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "C":
			tx(t, c, append([]byte{0x60, 0}, words(t, f[1:])...), nil)
		case "W":
			data := words(t, f[1:])
			for len(data) > 0 {
				n := min(len(data), 4094)
				tx(t, c, append([]byte{0, 0}, data[:n]...), nil)
				data = data[n:]
			}
		case "R":
			reads = append(reads, itRead(t, c, f[1]))
		case "L":
			for i := 0; ; i++ {
				tx(t, c, []byte{0x60, 0, 0x00, 0x10}, nil)
				tx(t, c, []byte{0, 0, 0x12, 0x24}, nil)
				if itRead(t, c, "1")[0] == 0 {
					break
				}
				if i > 10000 {
					t.Fatal("LUTAFSR still busy after 10 s")
				}
				e.Clock.Advance(1e6)
			}
		default:
			t.Fatalf("bad step %q", step)
		}
	}
	return reads
}

func itRead(t *testing.T, c spi.Conn, count string) []uint16 {
	n, err := strconv.Atoi(count)
	if err != nil {
		t.Fatalf("bad read count %q", count)
	}
	w := make([]byte, 4+2*n)
	w[0] = 0x10
	r := make([]byte, len(w))
	tx(t, c, w, r)
	out := make([]uint16, n)
	for i := range out {
		out[i] = uint16(r[4+2*i])<<8 | uint16(r[5+2*i])
	}
	return out
}

func tx(t *testing.T, c spi.Conn, w, r []byte) {
	t.Helper()
	if err := c.Tx(w, r); err != nil {
		t.Fatal(err)
	}
}

func words(t *testing.T, f []string) []byte {
	t.Helper()
	var out []byte
	for _, s := range f {
		n, w := 1, s
		if i := strings.IndexByte(s, '*'); i > 0 {
			n, _ = strconv.Atoi(s[:i])
			w = s[i+1:]
		}
		v, err := strconv.ParseUint(w, 16, 16)
		if err != nil {
			t.Fatalf("bad word %q", s)
		}
		for range n {
			out = append(out, byte(v>>8), byte(v))
		}
	}
	return out
}

// Power-on init to white of a 6" panel, from Waveshare's IT8951 code.
const itInit = `C 0001; C 0302; R 20; C 0011; W 0004; W 0001
C 0039; W 0000; R 1; C 0039; W 0001; W 09CE; L
C 0011; W 020A; W 0012; C 0011; W 0208; W 36E0
C 0021; W 0020; W 0000; W 0000; W 0320; W 0258; W 120000*FFFF; C 0022
C 0034; W 0000; W 0000; W 0320; W 0258; W 0000`

const itLISAR = `L; C 0011; W 020A; W 0012; C 0011; W 0208; W 36E0`

func TestIT8951GoldenInit(t *testing.T) {
	e := NewIT8951(NewClock(), 800, 600, "M641")
	reads := itPlay(t, e, itInit)
	noFaults(t, e.Faults())
	info := reads[0]
	if info[0] != 800 || info[1] != 600 || info[2] != 0x36E0 || info[3] != 0x0012 {
		t.Errorf("device info %04X, expected 800x600 at 0x001236E0", info[:4])
	}
	if info[12] != 0x364D || info[13] != 0x3134 {
		t.Errorf("LUT words %04X, expected 364D 3134 for M641", info[12:14])
	}
	if e.VCOM != 2510 {
		t.Errorf("VCOM %d mV, expected 2510", e.VCOM)
	}
	if len(e.Log) != 1 || e.Log[0].Mode != "INIT" {
		t.Fatalf("refresh log %+v, expected one INIT", e.Log)
	}
	for _, p := range e.panel {
		if p != 15 {
			t.Fatal("panel not white after INIT")
		}
	}
}

func TestIT8951GoldenRect4bpp(t *testing.T) {
	cases := []struct{ arg, first string }{{"0020", "FFF0"}, {"0120", "0FFF"}}
	for _, c := range cases {
		e := NewIT8951(NewClock(), 800, 600, "M841")
		itPlay(t, e, itInit)
		itPlay(t, e, itLISAR+`; C 0021; W `+c.arg+`; W 0010; W 0008; W 0020; W 0010
W `+c.first+` 127*FFFF; C 0022; L; C 0034; W 0010; W 0008; W 0020; W 0010; W 0001`)
		noFaults(t, e.Faults())
		if e.Level(16, 8) != 0 || e.Level(17, 8) != 15 || e.Level(15, 8) != 15 {
			t.Errorf("arg %s: levels %d %d %d at x 15..17, expected 15 0 15",
				c.arg, e.Level(15, 8), e.Level(16, 8), e.Level(17, 8))
		}
		if last := e.Log[len(e.Log)-1]; last.Mode != "DU" || last.Changed != 1 {
			t.Errorf("arg %s: last refresh %+v, expected DU of 1 pixel", c.arg, last)
		}
	}
}

const it1bit = `C 0022; C 0010; W 113A; R 1; C 0011; W 113A; W 0004
C 0011; W 1250; W 00F0`

func TestIT8951Golden1bppA2(t *testing.T) {
	e := NewIT8951(NewClock(), 800, 600, "M841")
	itPlay(t, e, itInit)
	itPlay(t, e, itLISAR+`; C 0021; W 0030; W 0002; W 0008; W 0004; W 0010
W FFFE 31*FFFF; `+it1bit+`; C 0034; W 0010; W 0008; W 0020; W 0010; W 0006
L; C 0010; W 113A; R 1; C 0011; W 113A; W 0000`)
	noFaults(t, e.Faults())
	if e.Level(16, 8) != 0 || e.Level(17, 8) != 15 {
		t.Errorf("levels %d %d at x 16, 17; expected 0 15", e.Level(16, 8), e.Level(17, 8))
	}
	if last := e.Log[len(e.Log)-1]; last.Mode != "A2" {
		t.Errorf("last refresh %q, expected A2", last.Mode)
	}
	if e.OneBit() {
		t.Error("1-bit mode still on")
	}
}

func TestIT8951Golden1bppA2On6in(t *testing.T) {
	e := NewIT8951(NewClock(), 800, 600, "M641")
	itPlay(t, e, itInit)
	itPlay(t, e, itLISAR+`; C 0021; W 0030; W 0000; W 0008; W 0008; W 0010
W FFFE 63*FFFF; `+it1bit+`; C 0034; W 0000; W 0008; W 0040; W 0010; W 0004`)
	noFaults(t, e.Faults())
	if e.Level(0, 8) != 0 || e.Level(1, 8) != 15 {
		t.Errorf("levels %d %d at x 0, 1; expected 0 15", e.Level(0, 8), e.Level(1, 8))
	}
	// The same update at x=16, w=32 breaks the 32-pixel rule.
	itPlay(t, e, itLISAR+`; C 0021; W 0030; W 0002; W 0008; W 0004; W 0010
W 32*FFFF; `+it1bit+`; C 0034; W 0010; W 0008; W 0020; W 0010; W 0004`)
	if len(e.Faults()) == 0 {
		t.Error("A2 at x=16 w=32 on M641 gave no fault")
	}
}
