package emu

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"periph.io/x/conn/v3"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"
)

// Device receives the transfers of a Port. In w is what the host sends;
// r, when not nil, is filled with what the device returns.
type Device interface {
	Tx(w, r []byte) error
}

// Port is an spi.PortCloser that hands every transfer to a Device. Like
// spidev it rejects a transfer longer than its limit.
type Port struct {
	Dev Device

	// MaxTx is the longest transfer accepted; zero means 4096, the spidev
	// default. ReportMax makes the connection report MaxTx through
	// conn.Limits, as a host with a larger spidev bufsiz would.
	MaxTx     int
	ReportMax bool

	// ConnectErr, when set, is returned by Connect.
	ConnectErr error

	// Clock, when set, advances by each transfer's time on the wire at
	// the clock frequency of Connect, so emulated times include SPI.
	Clock *Clock

	mu    sync.Mutex
	Freq  physic.Frequency // the clock of the last Connect
	Mode  spi.Mode
	Sizes []int // length of every transfer, in order
}

// String returns "emu".
func (p *Port) String() string { return "emu" }

// Close does nothing.
func (p *Port) Close() error { return nil }

// LimitSpeed stores f.
func (p *Port) LimitSpeed(f physic.Frequency) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Freq = f
	return nil
}

// Connect returns a connection to Dev.
func (p *Port) Connect(f physic.Frequency, mode spi.Mode, bits int) (spi.Conn, error) {
	if p.ConnectErr != nil {
		return nil, p.ConnectErr
	}
	if bits != 8 {
		return nil, fmt.Errorf("emu: %d bits per word: the controller takes 8", bits)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Freq, p.Mode = f, mode
	c := &portConn{p: p}
	if p.ReportMax {
		return &limitConn{c}, nil
	}
	return c, nil
}

func (p *Port) max() int {
	if p.MaxTx > 0 {
		return p.MaxTx
	}
	return 4096
}

// ErrTooLong is returned for a transfer over the port's limit, as spidev
// returns EMSGSIZE.
var ErrTooLong = errors.New("emu: transfer longer than the spidev buffer")

type portConn struct{ p *Port }

func (c *portConn) String() string      { return "emu" }
func (c *portConn) Duplex() conn.Duplex { return conn.Full }
func (c *portConn) TxPackets(pk []spi.Packet) error {
	return errors.New("emu: TxPackets is not supported")
}

func (c *portConn) Tx(w, r []byte) error {
	n := max(len(w), len(r))
	if n > c.p.max() {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrTooLong, n, c.p.max())
	}
	c.p.mu.Lock()
	c.p.Sizes = append(c.p.Sizes, n)
	freq := c.p.Freq
	c.p.mu.Unlock()
	if c.p.Clock != nil && freq > 0 {
		c.p.Clock.Advance(time.Duration(int64(n) * 8 * int64(time.Second) / int64(freq/physic.Hertz)))
	}
	return c.p.Dev.Tx(w, r)
}

type limitConn struct{ *portConn }

func (c *limitConn) MaxTxSize() int { return c.p.max() }
