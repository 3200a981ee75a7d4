package it8951

import "image"

// Commands and registers.
const (
	cmdSysRun     = 0x0001
	cmdStandby    = 0x0002
	cmdSleep      = 0x0003
	cmdRegRead    = 0x0010
	cmdRegWrite   = 0x0011
	cmdLoadArea   = 0x0021
	cmdLoadEnd    = 0x0022
	cmdDisplay    = 0x0034
	cmdVCOM       = 0x0039
	cmdDeviceInfo = 0x0302

	regI80CPCR = 0x0004
	regLISARLo = 0x0208
	regLISARHi = 0x020A
	regUP1SRHi = 0x113A
	regLUTAFSR = 0x1224
	regBGVR    = 0x1250
)

// deviceInfo is the GET_DEV_INFO reply.
type deviceInfo struct {
	Width, Height int
	Addr          uint32
	Firmware, LUT string
}

func readInfo(c controller) deviceInfo {
	c.command(cmdDeviceInfo)
	w := c.read(20)
	return deviceInfo{
		Width: int(w[0]), Height: int(w[1]),
		Addr:     uint32(w[3])<<16 | uint32(w[2]),
		Firmware: wordString(w[4:12]), LUT: wordString(w[12:20]),
	}
}

// wordString decodes a NUL-padded string whose earlier character of each
// pair is in the low byte of the word.
func wordString(w []uint16) string {
	b := make([]byte, 0, 2*len(w))
	for _, v := range w {
		b = append(b, byte(v), byte(v>>8))
	}
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

func readRegister(c controller, addr uint16) uint16 {
	c.command(cmdRegRead, addr)
	return c.read(1)[0]
}

// start wakes the controller, reads its info, enables packed writes and
// sets VCOM (|VCOM| in mV) when vcom is not zero and differs.
func start(c controller, vcom int) deviceInfo {
	c.command(cmdSysRun)
	info := readInfo(c)
	c.command(cmdRegWrite, regI80CPCR, 0x0001)
	if vcom != 0 {
		c.command(cmdVCOM, 0x0000)
		if cur := c.read(1)[0]; int(cur) != vcom {
			c.command(cmdVCOM, 0x0001, uint16(vcom))
		}
	}
	return info
}

// load writes packed image words into area (in load units) of the buffer
// at addr. arg is the load argument: endian<<8 | bpp code<<4.
func load(c controller, addr uint32, arg uint16, area image.Rectangle, data []byte) {
	c.command(cmdRegWrite, regLISARHi, uint16(addr>>16))
	c.command(cmdRegWrite, regLISARLo, uint16(addr))
	c.command(cmdLoadArea, arg, uint16(area.Min.X), uint16(area.Min.Y),
		uint16(area.Dx()), uint16(area.Dy()))
	c.write(data)
	c.command(cmdLoadEnd)
}

// displayArea shows area r of the buffer with waveform mode.
func displayArea(c controller, r image.Rectangle, mode uint16) {
	c.command(cmdDisplay, uint16(r.Min.X), uint16(r.Min.Y), uint16(r.Dx()), uint16(r.Dy()), mode)
}

// setOneBit turns the 1-bit display mode on or off. When on, a 1 bit
// shows white (BGVR low byte 0xF0) and a 0 bit black (high byte 0x00).
func setOneBit(c controller, on bool) {
	v := readRegister(c, regUP1SRHi)
	if on {
		c.command(cmdRegWrite, regUP1SRHi, v|4)
		c.command(cmdRegWrite, regBGVR, 0x00F0)
	} else {
		c.command(cmdRegWrite, regUP1SRHi, v&^4)
	}
}
