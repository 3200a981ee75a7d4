package emu

import (
	"image"
	"time"
)

func (e *IT8951) command(c uint16) {
	e.finish()
	if e.asleep && c != 0x0001 {
		e.add("command 0x%04X while asleep: send SYS_RUN first", c)
	}
	if e.load != nil && c != 0x0022 {
		e.add("command 0x%04X during an image load: send LD_IMG_END first", c)
		e.load = nil
	}
	n, ok := itArgs[c]
	if !ok {
		e.add("unknown command 0x%04X", c)
		n = -1
	}
	e.cmd, e.args, e.want = c, e.args[:0], n
	e.reply = nil
	switch c {
	case 0x0001:
		e.asleep = false
	case 0x0002, 0x0003:
		e.asleep = true
	case 0x0022:
		e.endLoad()
	case 0x0302:
		e.reply = e.devInfo()
	}
}

// finish checks that the last command got all its arguments.
func (e *IT8951) finish() {
	if e.want > 0 && len(e.args) < e.want && e.load == nil {
		e.add("command 0x%04X: %d arguments, expected %d", e.cmd, len(e.args), e.want)
	}
}

func (e *IT8951) word(v uint16) {
	if e.load != nil {
		e.pixels(v)
		return
	}
	if e.want < 0 || len(e.args) >= e.want {
		e.add("data word 0x%04X after command 0x%04X took its arguments", v, e.cmd)
		return
	}
	e.args = append(e.args, v)
	if e.cmd == 0x0039 && len(e.args) == 1 && v == 1 {
		e.want = 2
	}
	if len(e.args) == e.want {
		e.run()
	}
}

// run carries out a command whose arguments are complete.
func (e *IT8951) run() {
	a := e.args
	switch e.cmd {
	case 0x0010:
		e.reply = []uint16{e.register(a[0])}
	case 0x0011:
		e.regs[a[0]] = a[1]
	case 0x0020:
		e.startLoad(a[0], image.Rect(0, 0, e.Width, e.Height))
	case 0x0021:
		e.startLoad(a[0], image.Rect(int(a[1]), int(a[2]), int(a[1]+a[3]), int(a[2]+a[4])))
	case 0x0034:
		e.display(image.Rect(int(a[0]), int(a[1]), int(a[0]+a[2]), int(a[1]+a[3])), a[4])
	case 0x0037:
		if uint32(a[6])<<16|uint32(a[5]) != e.Addr {
			e.add("DPY_BUF_AREA at address 0x%04X%04X, buffer is 0x%08X", a[6], a[5], e.Addr)
		}
		e.display(image.Rect(int(a[0]), int(a[1]), int(a[0]+a[2]), int(a[1]+a[3])), a[4])
	case 0x0039:
		if a[0] == 0 {
			e.reply = []uint16{e.VCOM}
		} else {
			e.VCOM = a[1]
		}
	}
}

func (e *IT8951) register(addr uint16) uint16 {
	if addr == itLUTAFSR {
		if e.engineBusy() || e.StuckEngine {
			return 0x0001
		}
		return 0
	}
	return e.regs[addr]
}

func (e *IT8951) devInfo() []uint16 {
	info := []uint16{uint16(e.Width), uint16(e.Height), uint16(e.Addr), uint16(e.Addr >> 16)}
	info = append(info, itString(e.Firmware)...)
	return append(info, itString(e.LUT)...)
}

// itString packs s into 8 words, NUL padded, the earlier character of
// each pair in the low byte.
func itString(s string) []uint16 {
	b := make([]byte, 16)
	copy(b, s)
	w := make([]uint16, 8)
	for i := range w {
		w[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
	}
	return w
}

var itModeTime = map[string]time.Duration{
	"INIT": 2000 * time.Millisecond, "DU": 260 * time.Millisecond,
	"GC16": 450 * time.Millisecond, "GL16": 450 * time.Millisecond,
	"A2": 120 * time.Millisecond, "DU4": 120 * time.Millisecond,
}
