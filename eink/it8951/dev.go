package it8951

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/eink"
)

// DefaultHz is the IT8951's maximum SPI clock in its datasheet
// (IT8951_D_V0.2.4.3, as quoted by GregDMeyer's IT8951 package).
// NOTE: that package reads at 1 MHz and Waveshare's code runs at 10 to
// 12.5 MHz; reads at 24 MHz have not been tried on hardware here.
const DefaultHz = 24 * physic.MegaHertz

// Opts configures a Dev. The zero value is a 4-bit panel, not rotated,
// whose VCOM is left as the controller has it, at DefaultHz on the system
// clock with no logging.
type Opts struct {
	// Name is the panel profile reported by Info, such as "it8951-10in3";
	// empty means "it8951-WxH".
	Name     string
	Rotation eink.Rotation

	// Mirror reverses the panel's columns, for panels whose source lines
	// run right to left, such as Waveshare's 10.3" (its demo code sets
	// epd_mode 1 for it).
	Mirror bool

	// VCOM is |VCOM| in mV as printed on the panel's cable (-1.50 V is
	// 1500). Zero leaves the controller's value; a wrong one may harm the
	// panel, so set it from the cable.
	VCOM int

	// Depth is the frame depth in bits per pixel: 1, 2, 4 or 8; zero
	// means 4. GC16, GL16 and INIT load at this depth.
	Depth int

	// FullDepthBW loads A2 and DU updates at the frame depth. By default
	// they load at 1 bit per pixel, a quarter of the 4-bit transfer.
	FullDepthBW bool

	Hz     physic.Frequency // SPI clock; zero means DefaultHz
	MaxTx  int              // longest SPI transfer; zero means the host's limit or 4096
	Clock  display.Clock    // nil means the system clock
	Logger *slog.Logger     // nil means no logging
}

// Dev is a panel behind an IT8951. It is not safe for concurrent use.
type Dev struct {
	opts    Opts
	conn    spi.Conn
	hrdy    *eink.Busy
	rst     gpio.PinOut
	dev     deviceInfo
	info    display.Info
	log     *slog.Logger
	maxTx   int
	bytes   int64
	a2      uint16 // display mode number of A2 for this waveform table
	align32 bool   // A2 and 1-bit updates need x and width in 32 px

	cleared   bool
	recovered bool // an HRDY timeout reset the controller
	asleep    bool
	last      *display.Frame // the frame as the panel should show it
	fast      int            // A2 and DU updates since the last GC16 of all
	oneBit    bool           // 1-bit display mode is on
	deadline  time.Time      // when the running update should have ended
	timeout   time.Duration  // engine timeout of the running update
	resets    int
}

var _ display.Panel = (*Dev)(nil)

// New resets the controller on port, with reset pin rst and HRDY input
// hrdy, reads its device info and sets VCOM. The panel is cleared with
// INIT on the first Refresh.
func New(port spi.Port, rst gpio.PinOut, hrdy gpio.PinIn, opts Opts) (*Dev, error) {
	if opts.Hz == 0 {
		opts.Hz = DefaultHz
	}
	if opts.Clock == nil {
		opts.Clock = display.SystemClock{}
	}
	if opts.Depth == 0 {
		opts.Depth = 4
	}
	switch opts.Depth {
	case 1, 2, 4, 8:
	default:
		return nil, fmt.Errorf("it8951: invalid depth %d: use 1, 2, 4 or 8", opts.Depth)
	}
	if opts.VCOM < 0 || opts.VCOM > 5000 {
		return nil, fmt.Errorf("it8951: VCOM %d mV out of range: give |VCOM| in mV, 0 to 5000, as printed on the cable", opts.VCOM)
	}
	conn, err := eink.Connect(port, opts.Hz)
	if err != nil {
		return nil, fmt.Errorf("it8951: %w", err)
	}
	if err := hrdy.In(gpio.PullDown, gpio.NoEdge); err != nil {
		return nil, fmt.Errorf("it8951: HRDY pin %s: %w", hrdy, err)
	}
	d := &Dev{opts: opts, conn: conn, rst: rst, log: opts.Logger}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	d.maxTx = opts.MaxTx
	if d.maxTx <= 0 {
		d.maxTx = eink.MaxTxSize(conn)
	}
	d.hrdy = &eink.Busy{Pin: hrdy, Signal: "HRDY", Level: gpio.Low, Clock: opts.Clock,
		Hint: "check the cable, that the HAT's interface switch is set to SPI, and the panel's power"}
	if err := d.start(context.Background()); err != nil {
		return nil, err
	}
	return d, nil
}

// start resets the controller and reads its geometry.
func (d *Dev) start(ctx context.Context) error {
	c := d.bus(ctx)
	c.err = d.reset(ctx)
	info := start(c, d.opts.VCOM)
	if c.err != nil {
		return fmt.Errorf("it8951: start: %w", c.err)
	}
	if err := checkInfo(info); err != nil {
		return err
	}
	d.dev = info
	d.align32 = strings.HasPrefix(info.LUT, "M641") || strings.HasPrefix(info.LUT, "M841_TFAB512")
	// Waveshare's demo code selects A2 by the waveform table: mode 4 on
	// M641, 6 on every other table, M841_TFAB512 included.
	d.a2 = 6
	if strings.HasPrefix(info.LUT, "M641") {
		d.a2 = 4
	}
	d.info = newInfo(d.opts, info, d.align32)
	d.oneBit, d.deadline, d.recovered = false, time.Time{}, false
	d.log.Info("it8951: controller ready", "width", info.Width, "height", info.Height,
		"firmware", info.Firmware, "lut", info.LUT)
	return nil
}

func checkInfo(info deviceInfo) error {
	switch {
	case info.Width == 0xFFFF || info.Width == 0:
		return fmt.Errorf("it8951: device info reads width %#x: the controller is not responding: check the cable, that the HAT's interface switch is set to SPI, or lower the SPI clock with hz=12MHz", info.Width)
	case info.Width > 4096 || info.Height == 0 || info.Height > 4096:
		return fmt.Errorf("it8951: device info reports a %dx%d panel: check the cable", info.Width, info.Height)
	}
	return nil
}

func (d *Dev) bus(ctx context.Context) *bus {
	return &bus{ctx: ctx, conn: d.conn, hrdy: d.hrdy, rst: d.recover, max: d.maxTx, bytes: &d.bytes}
}

// reset pulses RST: high, low 10 ms, high, then 200 ms for the
// controller to boot, as Waveshare's code does.
func (d *Dev) reset(ctx context.Context) error {
	d.resets++
	d.log.Debug("it8951: hardware reset")
	return eink.Pulse(ctx, d.opts.Clock, d.rst, time.Millisecond, 10*time.Millisecond, 200*time.Millisecond)
}

// recover resets a controller whose HRDY stayed low. It loses its setup,
// so the next Refresh or Wait restarts it.
func (d *Dev) recover(ctx context.Context) error {
	d.log.Warn("it8951: HRDY stayed low, resetting the controller")
	d.recovered = true
	return d.reset(ctx)
}

// restart sets up the controller again after a recovery, clears the
// panel and shows the last frame with GC16.
func (d *Dev) restart(c *bus) {
	if !d.recovered || c.err != nil {
		return
	}
	if c.err = d.start(c.ctx); c.err != nil {
		return
	}
	d.timeout = 0
	d.clear(c)
	if d.last != nil {
		d.show(c, d.last, d.last.Bounds(), display.ModeGC16)
		d.fast = 0
	}
	d.waitEngine(c)
}

// Info returns the panel's geometry, alignment and modes.
func (d *Dev) Info() display.Info { return d.info }

// Device returns the firmware and waveform table names from device info.
func (d *Dev) Device() (firmware, lut string) { return d.dev.Firmware, d.dev.LUT }

// Bytes returns the bytes sent over SPI so far.
func (d *Dev) Bytes() int64 { return d.bytes }

// Busy reports whether an update is still running by the cost model.
// Asking the controller would cost SPI traffic.
func (d *Dev) Busy() bool { return d.opts.Clock.Now().Before(d.deadline) }

// BusyUntil returns when the running update should end by the cost
// model; the refresh loop plans with it instead of polling Busy.
func (d *Dev) BusyUntil() time.Time { return d.deadline }

// Wait blocks until the display engine is idle.
func (d *Dev) Wait(ctx context.Context) error {
	c := d.bus(ctx)
	d.waitEngine(c)
	d.restart(c)
	return c.err
}

// errEngine is wrapped when LUTAFSR stays busy.
var errEngine = errors.New("display engine stayed busy")

// waitEngine polls LUTAFSR until the engine is idle. It first sleeps
// until the modelled end of the update, since each poll is three packets
// on the bus. When the engine stays busy past the update's timeout the
// controller is reset and restarted once; a second timeout is an error.
func (d *Dev) waitEngine(c *bus) {
	if d.timeout == 0 || c.err != nil {
		return
	}
	if rest := d.deadline.Sub(d.opts.Clock.Now()); rest > 0 {
		c.err = eink.Sleep(c.ctx, d.opts.Clock, rest)
	}
	for attempt := 0; ; attempt++ {
		limit := d.opts.Clock.Now().Add(d.timeout)
		for c.err == nil && readRegister(c, regLUTAFSR) != 0 {
			if !d.opts.Clock.Now().Before(limit) {
				break
			}
			c.err = eink.Sleep(c.ctx, d.opts.Clock, 5*time.Millisecond)
		}
		if c.err != nil || d.opts.Clock.Now().Before(limit) {
			break
		}
		if attempt == 1 {
			c.err = fmt.Errorf("it8951: %w: LUTAFSR not idle after %s, also after a reset: %s",
				eink.ErrBusy, d.timeout, d.hrdy.Hint)
			return
		}
		d.log.Warn("it8951: display engine stuck, resetting", "timeout", d.timeout)
		if err := d.start(c.ctx); err != nil {
			c.err = err
			return
		}
		d.cleared = false
	}
	if c.err == nil {
		d.timeout = 0
	}
}
