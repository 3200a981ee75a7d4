package main

import (
	"fmt"
	"image"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"

	"github.com/einkterm/einkterm/boards"
	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/eink"
	"github.com/einkterm/einkterm/eink/it8951"
	"github.com/einkterm/einkterm/eink/ssd1680"
	"github.com/einkterm/einkterm/eink/uc8179"
)

// spiKind is a --display kind for an SPI e-paper panel.
type spiKind struct {
	name       string // the --display kind
	hat        string // the board profile's HAT
	controller string
	variant    ssd1680.Variant
}

var spiKinds = []spiKind{
	{name: "it8951", hat: "waveshare-it8951", controller: "IT8951"},
	{name: "2in13v2", hat: "waveshare-2in13", controller: "SSD1675A", variant: ssd1680.V2},
	{name: "2in13v3", hat: "waveshare-2in13", controller: "SSD1680", variant: ssd1680.V3},
	{name: "2in13v4", hat: "waveshare-2in13", controller: "SSD1680", variant: ssd1680.V4},
	{name: "7in5", hat: "waveshare-7in5", controller: "UC8179"},
}

func lookupSPIKind(name string) (spiKind, bool) {
	for _, k := range spiKinds {
		if k.name == strings.ToLower(name) {
			return k, true
		}
	}
	return spiKind{}, false
}

func spiKindNames() string {
	n := make([]string, len(spiKinds))
	for i, k := range spiKinds {
		n[i] = k.name
	}
	return strings.Join(n, ", ")
}

// spiHost is the system the SPI kinds open; tests replace it.
var spiHost = boards.System

func init() {
	for _, k := range spiKinds {
		registerDisplay(displayKind{
			name:  k.name,
			usage: k.name + ":[BOARD][?spi=SPI0.0&rst=GPIO17&...]",
			open: func(board string, q url.Values, o displayOptions) (display.Panel, error) {
				return openSPIDisplay(k, board, q, o)
			},
			// The drivers rotate frames into panel RAM themselves.
			rotates: true,
		})
	}
}

// spiSettings are the driver options that come from the command line.
type spiSettings struct {
	Name        string // panel profile name
	Rotation    int
	Hz          physic.Frequency
	MaxTx       int
	VCOM        int
	Depth       int
	FullDepthBW bool
	Mirror      bool
	WeakBooster bool
	Clock       display.Clock
	Logger      *slog.Logger
}

// spiPins are the port and pins a driver takes.
type spiPins struct {
	Port     spi.Port
	RST, DC  gpio.PinOut
	Busy     gpio.PinIn
	PinNames map[string]string // role to name, for messages
}

var spiKeys = []string{"spi", "rst", "dc", "busy", "hrdy", "pwr", "hz", "maxtx", "vcom", "depth", "bw", "mirror", "booster"}

// openSPIDisplay opens an SPI panel on board, or on the detected board
// when board is empty. The query overrides pins by role and sets the
// SPI clock (hz), the transfer limit (maxtx) and, for the IT8951, VCOM
// in mV, the frame depth, bw=full for A2 and DU at full depth, and
// mirror=1 or 0, and for the 7.5" booster=weak. Mirroring is on by default for --panel it8951-10in3,
// whose columns run right to left on Waveshare's HAT.
func openSPIDisplay(k spiKind, board string, q url.Values, o displayOptions) (display.Panel, error) {
	s, overrides, err := parseSPIQuery(q)
	if err != nil {
		return nil, fmt.Errorf("--display %s: %w", k.name, err)
	}
	s.Rotation, s.Logger = o.Rotation, o.Logger
	if strings.HasPrefix(o.Panel.Name, "it8951") {
		s.Name = o.Panel.Name
	}
	if !q.Has("mirror") {
		s.Mirror = o.Panel.Name == "it8951-10in3"
	}
	if o.DryRun && board == "" {
		return nil, nil // the board is detected on the device itself
	}
	h := spiHost()
	if board == "" {
		board = h.Detect().Board
		if board == "" {
			return nil, fmt.Errorf("%s: board not detected from /proc/device-tree/model: name it, as in --display %s:pi4 or panel-test --board pi4 (one of %s)",
				k.name, k.name, strings.Join(boards.Names(boards.Boards), ", "))
		}
	}
	prof, err := boards.Lookup(board, k.hat, overrides)
	if err != nil {
		return nil, err
	}
	if o.DryRun {
		return nil, nil
	}
	w, err := h.Open(prof)
	if err != nil {
		return nil, err
	}
	p := spiPins{Port: w.Port, RST: w.Pin("rst"), DC: w.Pin("dc"), PinNames: prof.Pins}
	p.Busy = w.Pin("busy")
	if k.name == "it8951" {
		p.Busy = w.Pin("hrdy")
	}
	panel, err := k.open(p, s)
	if err != nil {
		w.Close()
		return nil, err
	}
	return eink.NewResilient(&spiPanel{Panel: panel, wiring: w}, eink.ResilientOptions{Logger: o.Logger}), nil
}

func parseSPIQuery(q url.Values) (spiSettings, map[string]string, error) {
	var s spiSettings
	over := map[string]string{}
	for key := range q {
		if !containsString(spiKeys, key) {
			return s, nil, fmt.Errorf("unknown option %q: use %s", key, strings.Join(spiKeys, ", "))
		}
	}
	for _, role := range []string{"spi", "rst", "dc", "busy", "hrdy", "pwr"} {
		if q.Has(role) {
			over[role] = q.Get(role)
		}
	}
	if v := q.Get("hz"); v != "" {
		if err := s.Hz.Set(v); err != nil {
			return s, nil, fmt.Errorf("invalid hz %q: give a frequency such as 4MHz: %v", v, err)
		}
	}
	ints := []struct {
		key string
		dst *int
	}{{"maxtx", &s.MaxTx}, {"vcom", &s.VCOM}, {"depth", &s.Depth}}
	for _, f := range ints {
		if v := q.Get(f.key); v != "" {
			n, err := strconv.Atoi(v)
			if err == nil && n < 0 && f.key == "vcom" {
				return s, nil, fmt.Errorf("invalid vcom %q: give VCOM in mV without its sign, as vcom=%d for %.2f V on the panel's cable", v, -n, float64(n)/1000)
			}
			if err != nil || n < 0 {
				return s, nil, fmt.Errorf("invalid %s %q: give a whole number", f.key, v)
			}
			if f.key == "vcom" && n > 5000 {
				return s, nil, fmt.Errorf("invalid vcom %q: give VCOM in mV from 0 to 5000, as printed on the panel's cable", v)
			}
			*f.dst = n
		}
	}
	s.FullDepthBW = q.Get("bw") == "full"
	switch q.Get("booster") {
	case "", "normal":
	case "weak":
		s.WeakBooster = true
	default:
		return s, nil, fmt.Errorf("invalid booster %q: use normal or weak", q.Get("booster"))
	}
	switch q.Get("mirror") {
	case "", "0", "false":
	case "1", "true":
		s.Mirror = true
	default:
		return s, nil, fmt.Errorf("invalid mirror %q: use 1 or 0", q.Get("mirror"))
	}
	return s, over, nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// open returns the driver of k on p.
func (k spiKind) open(p spiPins, s spiSettings) (display.Panel, error) {
	rot, err := eink.ParseRotation(s.Rotation)
	if err != nil {
		return nil, err
	}
	missing := func(role string) error {
		return fmt.Errorf("--display %s: no %s pin: set one, as in ?%s=GPIO17", k.name, role, role)
	}
	if p.RST == nil {
		return nil, missing("rst")
	}
	switch k.name {
	case "it8951":
		if p.Busy == nil {
			return nil, missing("hrdy")
		}
		return it8951.New(p.Port, p.RST, p.Busy, it8951.Opts{Name: s.Name, Rotation: rot,
			VCOM: s.VCOM, Depth: s.Depth, FullDepthBW: s.FullDepthBW, Mirror: s.Mirror, Hz: s.Hz,
			MaxTx: s.MaxTx, Clock: s.Clock, Logger: s.Logger})
	}
	if p.DC == nil {
		return nil, missing("dc")
	}
	if p.Busy == nil {
		return nil, missing("busy")
	}
	if k.name == "7in5" {
		return uc8179.New(p.Port, p.DC, p.RST, p.Busy, uc8179.Opts{Rotation: rot,
			WeakBooster: s.WeakBooster, Hz: s.Hz,
			MaxTx: s.MaxTx, Clock: s.Clock, Logger: s.Logger})
	}
	return ssd1680.New(p.Port, p.DC, p.RST, p.Busy, ssd1680.Opts{Variant: k.variant,
		Rotation: rot, Hz: s.Hz, MaxTx: s.MaxTx, Clock: s.Clock, Logger: s.Logger})
}

// spiPanel is a driver that also closes its SPI port.
type spiPanel struct {
	display.Panel
	wiring *boards.Wiring
}

// BusyUntil returns the driver's modelled end of the running update.
func (p *spiPanel) BusyUntil() time.Time {
	if b, ok := p.Panel.(interface{ BusyUntil() time.Time }); ok {
		return b.BusyUntil()
	}
	return time.Time{}
}

// RefreshBatch passes the regions on together when the driver takes
// batches.
func (p *spiPanel) RefreshBatch(f *display.Frame, rects []image.Rectangle, m display.Mode) error {
	return display.RefreshBatch(p.Panel, f, rects, m)
}

// Close shows the last frame cleanly, puts the panel to sleep and closes
// the SPI port.
func (p *spiPanel) Close() error {
	err := p.Panel.Close()
	if cerr := p.wiring.Close(); err == nil {
		err = cerr
	}
	return err
}
