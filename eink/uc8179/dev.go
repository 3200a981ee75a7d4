package uc8179

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
	width    = 800
	height   = 480
	rowBytes = width / 8
)

// DefaultHz is the SPI clock of Waveshare's C driver for this panel.
const DefaultHz = 10 * physic.MegaHertz

// Opts configures a Dev. The zero value is a panel that is not rotated,
// at DefaultHz on the system clock with no logging.
type Opts struct {
	Rotation eink.Rotation

	// WeakBooster sets the booster that panels made from late 2023 need
	// to leave the busy state, at the cost of a paler image.
	WeakBooster bool

	Hz     physic.Frequency // SPI clock; zero means DefaultHz
	MaxTx  int              // longest SPI transfer; zero means the host's limit or 4096
	Clock  display.Clock    // nil means the system clock
	Logger *slog.Logger     // nil means no logging
}

// Dev is a Waveshare 7.5" V2 panel. It is not safe for concurrent use.
type Dev struct {
	opts  Opts
	wire  *eink.Wire
	busy  *eink.Busy
	rst   gpio.PinOut
	info  display.Info
	log   *slog.Logger
	shown []byte // image on the panel, 1 = white

	cleared   bool
	recovered bool // a busy timeout reset the controller
	asleep    bool
	config    display.Mode  // the init the controller last had
	partials  int           // partial updates since the last full one
	timeout   time.Duration // BUSY timeout of the running update
	deadline  time.Time     // modelled end of the running update
}

var _ display.Panel = (*Dev)(nil)

// New returns a panel on port with data/command pin dc, reset pin rst and
// BUSY input busy (low while busy). It sends nothing until the first
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
		return nil, fmt.Errorf("uc8179: %w", err)
	}
	if err := busy.In(gpio.PullUp, gpio.NoEdge); err != nil {
		return nil, fmt.Errorf("uc8179: BUSY pin %s: %w", busy, err)
	}
	d := &Dev{opts: opts, rst: rst, log: opts.Logger, shown: make([]byte, rowBytes*height)}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	d.wire = eink.NewWire(conn, dc, opts.MaxTx)
	d.busy = &eink.Busy{Pin: busy, Signal: "BUSY", Level: gpio.Low, Clock: opts.Clock,
		Hint: "check the cable and that the HAT is a Waveshare 7.5\" V2; panels made from late 2023 may need the weak booster (booster=weak)"}
	d.info = newInfo(opts)
	for i := range d.shown {
		d.shown[i] = 0xFF
	}
	return d, nil
}

func (d *Dev) booster() []byte {
	if d.opts.WeakBooster {
		return weakBooster
	}
	return normalBooster
}

// newInfo returns the geometry and cost model: a full update sends the
// frame twice (OLD and NEW), a partial one once.
func newInfo(o Opts) display.Info {
	w, h := o.Rotation.Size(width, height)
	perByte := time.Duration(8 * float64(time.Second) / float64(o.Hz/physic.Hertz))
	align := display.Align{X: 8, Y: 1}
	if o.Rotation == 90 || o.Rotation == 270 {
		align = display.Align{X: 1, Y: 8}
	}
	return display.Info{
		Name: "7in5", Width: w, Height: h, Depth: 1, Align: align, Flashes: true,
		Modes: []display.ModeSpec{
			{Mode: display.ModePartial, Levels: 2, Fixed: partialTime, PerByte: perByte},
			{Mode: display.ModeFull, Flash: true, Levels: 2, Fixed: fullTime, PerByte: 2 * perByte},
		},
	}
}

// Info returns the panel's geometry, alignment and modes.
func (d *Dev) Info() display.Info { return d.info }

// Bytes returns the bytes sent over SPI so far.
func (d *Dev) Bytes() int64 { return d.wire.Bytes() }

// Busy reports whether an update is running.
func (d *Dev) Busy() bool { return d.busy.IsBusy() }

// BusyUntil returns when the running update should end by the cost
// model; the refresh loop plans with it instead of polling Busy.
func (d *Dev) BusyUntil() time.Time { return d.deadline }

// Wait blocks until the running update ends.
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
}

func (d *Dev) hw(ctx context.Context) *hw {
	return &hw{ctx: ctx, wire: d.wire, busy: d.busy, rst: d.reset, recover: d.recover}
}

// recover resets a controller that stayed busy. Its setup is lost, so
// the next Refresh or Wait starts over with a cold start.
func (d *Dev) recover(ctx context.Context) error {
	d.log.Warn("uc8179: BUSY stayed low, resetting the controller")
	d.recovered = true
	return d.reset(ctx)
}

// restart runs the cold start after a recovery and shows the image the
// panel should have with a full update.
func (d *Dev) restart(c *hw) {
	if !d.recovered || c.err != nil {
		return
	}
	d.recovered, d.cleared = false, false
	d.coldStart(c)
	d.full(c)
	d.settle(c)
}

// reset pulses RST high 20 ms, low 2 ms, high 20 ms.
func (d *Dev) reset(ctx context.Context) error {
	d.log.Debug("uc8179: hardware reset")
	d.config = display.ModeNone
	return eink.Pulse(ctx, d.opts.Clock, d.rst, 20*time.Millisecond, 2*time.Millisecond, 20*time.Millisecond)
}

// Refresh sends region r of f and starts an update in mode m, full or
// partial. r is grown to whole bytes in the native layout. The first
// refresh after power-on clears the panel and then shows the whole frame
// with a full update. After deep sleep the controller is reset first.
func (d *Dev) Refresh(f *display.Frame, r image.Rectangle, m display.Mode) error {
	if f.Width != d.info.Width || f.Height != d.info.Height {
		return fmt.Errorf("uc8179: frame %dx%d, panel is %dx%d", f.Width, f.Height, d.info.Width, d.info.Height)
	}
	if m != display.ModeFull && m != display.ModePartial {
		return fmt.Errorf("uc8179: mode %s not supported: use full or partial", m)
	}
	r = r.Intersect(f.Bounds())
	if r.Empty() {
		return nil
	}
	if err := d.Wake(); err != nil {
		return err
	}
	c := d.hw(context.Background())
	d.settle(c)
	if d.recovered {
		d.recovered, d.cleared = false, false
	}
	if !d.cleared {
		d.coldStart(c)
		r, m = f.Bounds(), display.ModeFull
	}
	nr := eink.AlignNative(d.opts.Rotation.ToNative(r, width, height), 8, 1)
	data := eink.Pack1(f, d.opts.Rotation, width, height, nr, false)
	d.store(nr, data)
	if m == display.ModeFull {
		d.full(c)
	} else {
		d.partial(c, nr, data)
	}
	if c.err != nil {
		return fmt.Errorf("uc8179: %s refresh of %v: %w", m, r, c.err)
	}
	d.log.Debug("uc8179: refresh", "mode", m, "rect", nr, "bytes", len(data))
	return nil
}

// coldStart clears the panel to white with a full update.
func (d *Dev) coldStart(c *hw) {
	initFull(c, d.booster())
	white := make([]byte, len(d.shown))
	black := make([]byte, len(d.shown))
	for i := range white {
		white[i] = 0xFF
	}
	full(c, white, black)
	c.wait(eink.BusyTimeout(fullTime))
	if c.err == nil {
		d.config, d.cleared, d.asleep = display.ModeFull, true, false
	}
}

func (d *Dev) store(nr image.Rectangle, data []byte) {
	n := nr.Dx() / 8
	for y := nr.Min.Y; y < nr.Max.Y; y++ {
		copy(d.shown[y*rowBytes+nr.Min.X/8:][:n], data[(y-nr.Min.Y)*n:])
	}
}

func (d *Dev) full(c *hw) {
	if d.config != display.ModeFull {
		initFull(c, d.booster())
		d.config = display.ModeFull
	}
	inv := make([]byte, len(d.shown))
	for i, b := range d.shown {
		inv[i] = ^b
	}
	full(c, d.shown, inv)
	d.timeout = eink.BusyTimeout(fullTime)
	d.deadline = d.opts.Clock.Now().Add(fullTime)
	d.partials = 0
}

func (d *Dev) partial(c *hw, nr image.Rectangle, data []byte) {
	if d.config != display.ModePartial {
		initPartial(c)
		d.config = display.ModePartial
	}
	partial(c, nr, data)
	d.timeout = eink.BusyTimeout(partialTime)
	d.deadline = d.opts.Clock.Now().Add(partialTime)
	d.partials++
}

// Sleep waits for the running update and enters deep sleep.
func (d *Dev) Sleep() error {
	if d.asleep || !d.cleared {
		return nil
	}
	c := d.hw(context.Background())
	d.settle(c)
	deepSleep(c)
	if c.err != nil {
		return fmt.Errorf("uc8179: deep sleep: %w", c.err)
	}
	d.asleep = true
	return nil
}

// Wake resets the controller out of deep sleep for full updates.
func (d *Dev) Wake() error {
	if !d.asleep {
		return nil
	}
	c := d.hw(context.Background())
	initFull(c, d.booster())
	if c.err != nil {
		return fmt.Errorf("uc8179: wake: %w", c.err)
	}
	d.config, d.asleep = display.ModeFull, false
	return nil
}

// Close shows the last frame with a full update when partial updates
// have left ghosts, then enters deep sleep. It does not close the port.
func (d *Dev) Close() error {
	if !d.cleared {
		return nil
	}
	if err := d.Wake(); err != nil {
		return err
	}
	c := d.hw(context.Background())
	d.settle(c)
	if d.partials > 0 {
		d.full(c)
		d.settle(c)
	}
	if c.err != nil {
		return fmt.Errorf("uc8179: final refresh: %w", c.err)
	}
	return d.Sleep()
}
