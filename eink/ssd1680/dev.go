package ssd1680

import (
	"context"
	"fmt"
	"image"
	"log/slog"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/eink"
)

const (
	width    = 122 // visible source pixels
	height   = 250 // gate lines
	ramWidth = 128 // source pixels in RAM: 16 bytes per line
	ramBytes = ramWidth / 8 * height
)

// DefaultHz is the SPI clock that Waveshare's and periph's drivers use.
const DefaultHz = 4 * physic.MegaHertz

// Opts configures a Dev. The zero value is a V4 HAT, not rotated, at
// DefaultHz on the system clock with no logging.
type Opts struct {
	Variant  Variant
	Rotation eink.Rotation
	Hz       physic.Frequency // SPI clock; zero means DefaultHz
	MaxTx    int              // longest SPI transfer; zero means the host's limit or 4096
	Clock    display.Clock    // nil means the system clock
	Logger   *slog.Logger     // nil means no logging
}

// Dev is a Waveshare 2.13" panel. It is not safe for concurrent use.
type Dev struct {
	opts  Opts
	wire  *eink.Wire
	busy  *eink.Busy
	rst   gpio.PinOut
	info  display.Info
	log   *slog.Logger
	shown [ramBytes]byte // image on the panel, in RAM layout

	cleared   bool              // the panel had its cold-boot clear
	recovered bool              // a busy timeout reset the controller
	asleep    bool              // in deep sleep
	lutMode   display.Mode      // the waveform loaded on V2 and V3
	pending   []image.Rectangle // windows of old RAM to rewrite once BUSY falls
	partials  int               // partial updates since the last full one
	timeout   time.Duration     // BUSY timeout of the running update
	deadline  time.Time         // modelled end of the running update
}

var _ display.Panel = (*Dev)(nil)

// New returns a panel on port with data/command pin dc, reset pin rst and
// BUSY input busy (high while busy). It sends nothing until the first
// Refresh, which starts with a full clear.
func New(port spi.Port, dc, rst gpio.PinOut, busy gpio.PinIn, opts Opts) (*Dev, error) {
	if opts.Hz == 0 {
		opts.Hz = DefaultHz
	}
	if opts.Clock == nil {
		opts.Clock = display.SystemClock{}
	}
	conn, err := eink.Connect(port, opts.Hz)
	if err != nil {
		return nil, fmt.Errorf("ssd1680: %w", err)
	}
	if err := busy.In(gpio.PullDown, gpio.NoEdge); err != nil {
		return nil, fmt.Errorf("ssd1680: BUSY pin %s: %w", busy, err)
	}
	d := &Dev{opts: opts, rst: rst, log: opts.Logger}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	d.wire = eink.NewWire(conn, dc, opts.MaxTx)
	d.busy = &eink.Busy{Pin: busy, Signal: "BUSY", Level: gpio.High, Clock: opts.Clock,
		Hint: "check the cable and that the HAT is a Waveshare 2.13\" " + opts.Variant.String()}
	d.info = newInfo(opts)
	for i := range d.shown {
		d.shown[i] = 0xFF
	}
	return d, nil
}

// newInfo returns the geometry and cost model. Each byte of a partial
// update is sent three times (new RAM, old RAM, new RAM again) and each
// of a full update twice.
func newInfo(o Opts) display.Info {
	w, h := o.Rotation.Size(width, height)
	perByte := time.Duration(8 * float64(time.Second) / float64(o.Hz/physic.Hertz))
	align := display.Align{X: 8, Y: 1}
	if o.Rotation == 90 || o.Rotation == 270 {
		align = display.Align{X: 1, Y: 8}
	}
	return display.Info{
		Name: "2in13", Width: w, Height: h, Depth: 1, Align: align, Flashes: true,
		Concurrent: true, // every update scans the whole panel
		Modes: []display.ModeSpec{
			{Mode: display.ModePartial, Levels: 2, Fixed: partialTime, PerByte: 3 * perByte},
			{Mode: display.ModeFull, Flash: true, Levels: 2, Fixed: fullTime, PerByte: 2 * perByte},
		},
	}
}

// Info returns the panel's geometry, alignment and modes.
func (d *Dev) Info() display.Info { return d.info }

// Bytes returns the bytes sent over SPI so far.
func (d *Dev) Bytes() int64 { return d.wire.Bytes() }

func (d *Dev) hw(ctx context.Context) *hw {
	return &hw{ctx: ctx, wire: d.wire, busy: d.busy, rst: d.reset, recover: d.recover}
}

// reset pulses RST: high 20 ms, low 2 ms, high 20 ms on V3 and V4, and
// 200 ms phases on V2. The controller then needs a new init.
func (d *Dev) reset(ctx context.Context) error {
	d.log.Debug("ssd1680: hardware reset")
	d.lutMode = display.ModeNone
	if d.opts.Variant == V2 {
		return eink.Pulse(ctx, d.opts.Clock, d.rst, 200*time.Millisecond, 5*time.Millisecond, 200*time.Millisecond)
	}
	return eink.Pulse(ctx, d.opts.Clock, d.rst, 20*time.Millisecond, 2*time.Millisecond, 20*time.Millisecond)
}

// recover resets a controller that stayed busy. Its registers are lost,
// so the next Refresh or Wait starts over with a cold start.
func (d *Dev) recover(ctx context.Context) error {
	d.log.Warn("ssd1680: BUSY stayed high, resetting the controller")
	d.recovered = true
	return d.reset(ctx)
}

// restart runs the cold start after a recovery and shows the image the
// panel should have with a full update.
func (d *Dev) restart(c *hw) {
	if !d.recovered || c.err != nil {
		return
	}
	d.recovered, d.cleared, d.pending = false, false, nil
	d.coldStart(c)
	d.full(c)
	d.settle(c)
}

// Busy reports whether an update is running.
func (d *Dev) Busy() bool { return d.busy.IsBusy() }

// BusyUntil returns when the running update should end by the cost
// model; the refresh loop plans with it instead of polling Busy.
func (d *Dev) BusyUntil() time.Time { return d.deadline }

// Wait blocks until the running update ends, then rewrites the old RAM
// of a partial update so that the next one compares with what is shown.
func (d *Dev) Wait(ctx context.Context) error {
	c := d.hw(ctx)
	d.settle(c)
	d.restart(c)
	return c.err
}

func (d *Dev) settle(c *hw) {
	if d.timeout > 0 {
		c.wait(d.timeout)
		d.timeout = 0
	}
	if c.err != nil {
		return
	}
	for len(d.pending) > 0 {
		r := d.pending[0]
		data := d.shownRect(r)
		writeRAM(c, 0x26, r, data)
		writeRAM(c, 0x24, r, data)
		if c.err != nil {
			return
		}
		d.pending = d.pending[1:]
	}
}

// shownRect returns the bytes of native rectangle r of the shown image.
func (d *Dev) shownRect(r image.Rectangle) []byte {
	rowBytes := r.Dx() / 8
	out := make([]byte, 0, rowBytes*r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		o := y*ramWidth/8 + r.Min.X/8
		out = append(out, d.shown[o:o+rowBytes]...)
	}
	return out
}
