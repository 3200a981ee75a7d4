package eink

import (
	"errors"
	"fmt"

	"periph.io/x/conn/v3"
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"
)

// DefaultMaxTx is the largest single SPI transfer when the host reports no
// limit: the Linux spidev module's default bufsiz.
const DefaultMaxTx = 4096

// MaxTxSize returns the largest transfer that c accepts: the host's limit
// when c reports one through conn.Limits, else DefaultMaxTx.
func MaxTxSize(c spi.Conn) int {
	if l, ok := c.(conn.Limits); ok {
		if n := l.MaxTxSize(); n > 0 {
			return n
		}
	}
	return DefaultMaxTx
}

// Connect opens port at clock hz in SPI mode 0 with 8-bit words. The
// error includes the port's name.
func Connect(port spi.Port, hz physic.Frequency) (spi.Conn, error) {
	if port == nil {
		return nil, errors.New("eink: no SPI port: enable SPI (dtparam=spi=on on a Raspberry Pi) and pass the port")
	}
	c, err := port.Connect(hz, spi.Mode0, 8)
	if err != nil {
		return nil, fmt.Errorf("eink: SPI port %s at %s: %w", port, hz, err)
	}
	return c, nil
}

// ErrIO is wrapped by errors of SPI transfers and pin writes, which a
// loose cable or a reset controller may cause and a retry may cure.
var ErrIO = errors.New("panel I/O failed")

// Wire sends command and data bytes to a controller that selects between
// them by a DC pin, low for a command byte and high for data. Data longer
// than the host's transfer limit goes out in several transfers.
type Wire struct {
	conn  spi.Conn
	dc    gpio.PinOut
	max   int
	bytes int64
}

// NewWire returns a wire on c with data/command pin dc. maxTx of zero
// means MaxTxSize(c).
func NewWire(c spi.Conn, dc gpio.PinOut, maxTx int) *Wire {
	if maxTx <= 0 {
		maxTx = MaxTxSize(c)
	}
	return &Wire{conn: c, dc: dc, max: maxTx}
}

// MaxTx returns the largest transfer the wire sends at once.
func (w *Wire) MaxTx() int { return w.max }

// Bytes returns the number of bytes sent so far.
func (w *Wire) Bytes() int64 { return w.bytes }

// Command sends command byte c followed by its data bytes.
func (w *Wire) Command(c byte, data ...byte) error {
	if err := w.dc.Out(gpio.Low); err != nil {
		return fmt.Errorf("eink: DC pin %s: %w: %w", w.dc, ErrIO, err)
	}
	if err := w.tx([]byte{c}); err != nil {
		return err
	}
	if len(data) == 0 {
		return nil
	}
	return w.Data(data)
}

// Data sends p as data bytes, split at the transfer limit.
func (w *Wire) Data(p []byte) error {
	if err := w.dc.Out(gpio.High); err != nil {
		return fmt.Errorf("eink: DC pin %s: %w: %w", w.dc, ErrIO, err)
	}
	return Chunks(p, w.max, w.tx)
}

func (w *Wire) tx(p []byte) error {
	if err := w.conn.Tx(p, nil); err != nil {
		return fmt.Errorf("eink: SPI write of %d bytes: %w: %w", len(p), ErrIO, err)
	}
	w.bytes += int64(len(p))
	return nil
}

// Chunks calls send with consecutive pieces of p of at most max bytes and
// stops at the first error.
func Chunks(p []byte, max int, send func([]byte) error) error {
	if max <= 0 {
		max = DefaultMaxTx
	}
	for len(p) > 0 {
		n := min(len(p), max)
		if err := send(p[:n]); err != nil {
			return err
		}
		p = p[n:]
	}
	return nil
}
