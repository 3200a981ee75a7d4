package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/einkterm/einkterm/boards"
	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/eink/emu"
)

func init() {
	register(command{
		name:    "panels",
		summary: "list the known SPI panels, panel profiles and boards, and what is detected here",
		run:     runPanels,
	})
	register(command{
		name:    "panel-test",
		summary: "draw a test pattern on an SPI panel in each mode and report refresh times",
		run:     runPanelTest,
	})
}

func runPanels(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "panels", "")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 2, 8, 2, ' ', 0)
	defer w.Flush()
	fmt.Fprintln(w, "SPI panels (--display KIND:BOARD[?pin=GPIOn...], panel-test --panel KIND):")
	for _, k := range spiKinds {
		info, err := emulatedInfo(k)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s\t%s\t%dx%d\t%d bpp\t%s\tHAT %s\n", k.name, k.controller,
			info.Width, info.Height, info.Depth, modeSummary(info), k.hat)
	}
	fmt.Fprintln(w, "\nPanel profiles (--panel, for record, sim and serve):")
	for _, n := range display.ProfileNames() {
		p := display.Profiles[n]
		fmt.Fprintf(w, "  %s\t%dx%d\t%d bpp\t%s\n", n, p.Width, p.Height, p.Depth, modeSummary(p))
	}
	fmt.Fprintln(w, "\nBoards:")
	for _, n := range boards.Names(boards.Boards) {
		b := boards.Boards[n]
		fmt.Fprintf(w, "  %s\t%s\tGPIO through the %s\n", n, b.Model, b.GPIO)
	}
	fmt.Fprintln(w, "\nHATs (pins by role, BCM numbering):")
	for _, n := range boards.Names(boards.HATs) {
		h := boards.HATs[n]
		fmt.Fprintf(w, "  %s\t%s\t%s\n", n, h.SPI, pinList(h.Pins))
	}
	w.Flush()
	printDetection(e.stdout, spiHost().Detect())
	return nil
}

func printDetection(out io.Writer, d boards.Detection) {
	fmt.Fprintln(out, "\nDetected:")
	switch {
	case d.Model == "":
		fmt.Fprintln(out, "  board: none (no /proc/device-tree/model)")
	case d.Board == "":
		fmt.Fprintf(out, "  board: %q, not a known board\n", d.Model)
	default:
		fmt.Fprintf(out, "  board: %s (%s)\n", d.Board, d.Model)
	}
	fmt.Fprintf(out, "  SPI devices: %s\n", listOrNone(d.SPI))
	fmt.Fprintf(out, "  GPIO chips: %s\n", listOrNone(d.GPIOChip))
	if d.Board != "" && len(d.SPI) == 0 {
		fmt.Fprintf(out, "  SPI is off: %s\n", boards.Boards[d.Board].SPIHint)
	}
	if d.Board != "" && len(d.SPI) > 0 {
		for _, k := range spiKinds {
			fmt.Fprintf(out, "  %s: %s\n", k.name, readiness(k, d))
		}
	}
	fmt.Fprintln(out, "  NOTE: a panel answers only when driven; run einkterm panel-test --panel KIND to check the wiring.")
}

// readiness reports whether kind k can open on the detected board: its SPI
// device is there. Whether a panel is wired to it shows only when driven.
func readiness(k spiKind, d boards.Detection) string {
	p, err := boards.Lookup(d.Board, k.hat, nil)
	if err != nil {
		return err.Error()
	}
	dev := "/dev/spidev" + strings.TrimPrefix(p.SPI, "SPI")
	if !containsString(d.SPI, dev) {
		return fmt.Sprintf("%s missing, try --display %s:%s?spi=... with one of %s", dev, k.name, d.Board, strings.Join(d.SPI, ", "))
	}
	return fmt.Sprintf("can open --display %s:%s on %s, pins %s", k.name, d.Board, dev, pinList(p.Pins))
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func pinList(pins map[string]string) string {
	var s []string
	for _, role := range boards.Names(pins) {
		s = append(s, role+"="+pins[role])
	}
	return strings.Join(s, " ")
}

func modeSummary(info display.Info) string {
	var s []string
	for _, m := range info.Modes {
		s = append(s, fmt.Sprintf("%s %s", m.Mode, m.Fixed))
	}
	return strings.Join(s, ", ")
}

// emulatedInfo returns the Info of kind k's driver on its emulator; the
// IT8951 is a 10.3" panel.
func emulatedInfo(k spiKind) (display.Info, error) {
	p, _, err := openEmulated(k, spiSettings{}, 1872, 1404, "M841_TFA5210")
	if err != nil {
		return display.Info{}, err
	}
	return p.Info(), nil
}

// openEmulated opens kind k's driver on a controller emulator with a
// virtual clock, which it returns.
func openEmulated(k spiKind, s spiSettings, w, h int, lut string) (display.Panel, *emu.Clock, error) {
	clock := emu.NewClock()
	s.Clock = clock
	var p spiPins
	switch k.name {
	case "it8951":
		e := emu.NewIT8951(clock, w, h, lut)
		p = spiPins{Port: e.Port(), RST: e.RST, Busy: e.HRDY}
	case "7in5":
		e := emu.NewUC8179(clock)
		p = spiPins{Port: e.Port(), RST: e.RST, DC: e.DC, Busy: e.BUSY}
	default:
		e := emu.NewSSD1680(clock)
		p = spiPins{Port: e.Port(), RST: e.RST, DC: e.DC, Busy: e.BUSY}
	}
	panel, err := k.open(p, s)
	return panel, clock, err
}

type panelTestFlags struct {
	panel, board, opts, size, lut string
	rotation                      int
	emulate                       bool
}

func runPanelTest(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "panel-test", "")
	var f panelTestFlags
	fs.StringVar(&f.panel, "panel", "", "SPI panel kind: "+spiKindNames())
	fs.StringVar(&f.board, "board", "", "board: "+strings.Join(boards.Names(boards.Boards), ", ")+" (default: detected)")
	fs.StringVar(&f.opts, "opts", "", "pin and driver options as in --display, such as rst=GPIO5&hz=8MHz&vcom=1500")
	fs.Var((*rotationFlag)(&f.rotation), "rotate", "rotation in degrees clockwise: 0, 90, 180 or 270")
	fs.BoolVar(&f.emulate, "emulate", false, "drive a controller emulator instead of hardware; times are the emulator's")
	fs.StringVar(&f.size, "size", "1872x1404", "panel size of the emulated IT8951")
	fs.StringVar(&f.lut, "lut", "M841_TFA5210", "waveform table name of the emulated IT8951 (M641 for the 6\")")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	k, ok := lookupSPIKind(f.panel)
	if !ok {
		return fmt.Errorf("unknown --panel %q: use one of %s", f.panel, spiKindNames())
	}
	// The other controllers have a fixed size and no waveform table
	// name, so these flags would be ignored without a word.
	var misplaced []string
	fs.Visit(func(fl *flag.Flag) {
		if (fl.Name == "size" || fl.Name == "lut") && (k.name != "it8951" || !f.emulate) {
			misplaced = append(misplaced, "--"+fl.Name)
		}
	})
	if len(misplaced) > 0 {
		return fmt.Errorf("%s applies only to --panel it8951 with --emulate", strings.Join(misplaced, " and "))
	}
	panel, clock, err := f.open(k, e)
	if err != nil {
		return err
	}
	results, err := panelTest(ctx, panel, clock)
	printResults(e.stdout, k, panel.Info(), results, f.emulate)
	if cerr := panel.Close(); err == nil {
		err = cerr
	}
	return err
}

func (f panelTestFlags) open(k spiKind, e *env) (display.Panel, display.Clock, error) {
	q, err := url.ParseQuery(f.opts)
	if err != nil {
		return nil, nil, fmt.Errorf("invalid --opts %q: %v", f.opts, err)
	}
	if f.emulate {
		s, _, err := parseSPIQuery(q)
		if err != nil {
			return nil, nil, err
		}
		s.Rotation = f.rotation
		var w, h int
		if _, err := fmt.Sscanf(f.size, "%dx%d", &w, &h); err != nil || w < 16 || h < 16 || w > 4096 || h > 4096 {
			return nil, nil, fmt.Errorf("invalid --size %q: use WxH such as 1872x1404", f.size)
		}
		p, clock, err := openEmulated(k, s, w, h, f.lut)
		return p, clock, err
	}
	p, err := openSPIDisplay(k, f.board, q, displayOptions{Rotation: f.rotation, Getenv: e.getenv})
	return p, display.SystemClock{}, err
}

// testResult is one timed refresh of the panel test.
type testResult struct {
	what    string
	mode    display.Mode
	rect    image.Rectangle
	bytes   int64
	elapsed time.Duration
	model   time.Duration
	err     error
}

// bytesSent is implemented by the drivers.
type bytesSent interface{ Bytes() int64 }

// panelTest shows the test pattern once for the cold start, then in
// every mode over the whole panel and, for modes that do not flash, in
// one text cell, timing each from Refresh to the end of Wait.
func panelTest(ctx context.Context, p display.Panel, clock display.Clock) ([]testResult, error) {
	info := p.Info()
	f := display.NewFrame(info.Width, info.Height, info.Depth)
	var out []testResult
	run := func(what string, r image.Rectangle, m display.Mode) error {
		res := testResult{what: what, mode: m, rect: r, model: info.Cost(r, m)}
		before := sentBytes(p)
		start := clock.Now()
		res.err = p.Refresh(f, r, m)
		if res.err == nil {
			res.err = p.Wait(ctx)
		}
		res.elapsed = clock.Now().Sub(start)
		res.bytes = sentBytes(p) - before
		out = append(out, res)
		return res.err
	}
	drawPattern(f, "cold start")
	if err := run("first frame (with clear)", f.Bounds(), info.Modes[len(info.Modes)-1].Mode); err != nil {
		return out, err
	}
	for _, spec := range info.Modes {
		drawPattern(f, "mode "+spec.Mode.String())
		if err := run("whole panel", f.Bounds(), spec.Mode); err != nil {
			return out, err
		}
		if spec.Flash {
			continue
		}
		cell := display.AlignRect(image.Rect(32, 32, 40, 48), info, spec.Mode)
		f.FillRect(cell, 0)
		if err := run("one text cell", cell, spec.Mode); err != nil {
			return out, err
		}
	}
	return out, nil
}

func sentBytes(p display.Panel) int64 {
	if b, ok := p.(bytesSent); ok {
		return b.Bytes()
	}
	return 0
}

func printResults(out io.Writer, k spiKind, info display.Info, results []testResult, emulated bool) {
	source := "measured"
	if emulated {
		source = "emulated"
	}
	fmt.Fprintf(out, "%s (%s), %dx%d at %d bpp; times are %s\n", k.name, k.controller,
		info.Width, info.Height, info.Depth, source)
	w := tabwriter.NewWriter(out, 2, 8, 2, ' ', 0)
	fmt.Fprintln(w, "update\tmode\tarea\tbytes\ttime\tmodel")
	for _, r := range results {
		status := r.elapsed.Round(time.Millisecond).String()
		if r.err != nil {
			status = "failed: " + r.err.Error()
		}
		fmt.Fprintf(w, "%s\t%s\t%v\t%d\t%s\t%s\n", r.what, r.mode, r.rect, r.bytes, status,
			r.model.Round(time.Millisecond))
	}
	w.Flush()
}

// drawPattern draws an alignment grid (a line every 16 px, heavier every
// 64 px), a gray ramp over every level of the frame, and a caption.
func drawPattern(f *display.Frame, caption string) {
	f.Fill(f.White())
	for x := 0; x < f.Width; x += 16 {
		w := 1 + boolInt(x%64 == 0)
		f.FillRect(image.Rect(x, 0, x+w, f.Height), 0)
	}
	for y := 0; y < f.Height; y += 16 {
		h := 1 + boolInt(y%64 == 0)
		f.FillRect(image.Rect(0, y, f.Width, y+h), 0)
	}
	levels := int(f.White()) + 1
	band := image.Rect(0, f.Height/2, f.Width, f.Height/2+max(f.Height/8, 8))
	for i := 0; i < levels; i++ {
		x0, x1 := band.Dx()*i/levels, band.Dx()*(i+1)/levels
		f.FillRect(image.Rect(x0, band.Min.Y, x1, band.Max.Y), uint8(i))
	}
	d := font.Drawer{Dst: f, Src: image.Black, Face: basicfont.Face7x13,
		Dot: fixed.P(20, band.Min.Y-8)}
	f.FillRect(image.Rect(16, band.Min.Y-24, 16+8*(len(caption)+20), band.Min.Y-4), f.White())
	d.DrawString("einkterm panel-test: " + caption)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
