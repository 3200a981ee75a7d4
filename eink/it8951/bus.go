package it8951

import (
	"context"
	"fmt"
	"time"

	"periph.io/x/conn/v3/spi"

	"github.com/einkterm/einkterm/eink"
)

// Preamble words.
const (
	preCommand = 0x6000
	preWrite   = 0x0000
	preRead    = 0x1000
)

// controller is the hardware interface of the command sequences. Its
// implementation keeps the first error and skips every later step.
type controller interface {
	command(code uint16, args ...uint16)
	write(data []byte) // image words, already packed
	read(n int) []uint16
}

// hrdyTimeout bounds one wait for HRDY; GregDMeyer's driver uses 5 s.
const hrdyTimeout = 5 * time.Second

// bus is the controller over SPI with a sticky error.
type bus struct {
	ctx   context.Context
	conn  spi.Conn
	hrdy  *eink.Busy
	rst   func(context.Context) error
	max   int
	bytes *int64
	err   error
}

// packet waits for HRDY and sends preamble pre and payload in one
// transfer, so chip select frames the packet.
// NOTE: HRDY is read before each packet only, as GregDMeyer's spidev
// backend does. Waveshare's code also waits after the preamble, which
// needs chip select driven as a GPIO.
func (b *bus) packet(pre uint16, payload []byte, r []byte) {
	if b.err != nil {
		return
	}
	if b.err = b.hrdy.WaitReset(b.ctx, hrdyTimeout, b.rst); b.err != nil {
		return
	}
	w := make([]byte, 2+len(payload))
	w[0], w[1] = byte(pre>>8), byte(pre)
	copy(w[2:], payload)
	if err := b.conn.Tx(w, r); err != nil {
		b.err = fmt.Errorf("it8951: SPI transfer of %d bytes: %w: %w", len(w), eink.ErrIO, err)
		return
	}
	*b.bytes += int64(len(w))
}

func (b *bus) command(code uint16, args ...uint16) {
	b.packet(preCommand, []byte{byte(code >> 8), byte(code)}, nil)
	if len(args) == 0 {
		return
	}
	p := make([]byte, 0, 2*len(args))
	for _, a := range args {
		p = append(p, byte(a>>8), byte(a))
	}
	b.packet(preWrite, p, nil)
}

// write sends data in write packets that fit the transfer limit; the
// controller takes the words as one stream.
func (b *bus) write(data []byte) {
	chunk := (b.max - 2) &^ 1
	eink.Chunks(data, chunk, func(p []byte) error {
		b.packet(preWrite, p, nil)
		return b.err
	})
}

// read clocks the preamble, a dummy word and n words back.
func (b *bus) read(n int) []uint16 {
	w := make([]byte, 2+2*n)
	r := make([]byte, 4+2*n)
	b.packet(preRead, w, r)
	if b.err != nil {
		return make([]uint16, n)
	}
	out := make([]uint16, n)
	for i := range out {
		out[i] = uint16(r[4+2*i])<<8 | uint16(r[5+2*i])
	}
	return out
}
