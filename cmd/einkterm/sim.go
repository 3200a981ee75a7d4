package main

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/display/sim"
)

func init() {
	registerDisplay(displayKind{
		name:  "sim",
		usage: "sim[?zoom=N|1/N&outlines=1]",
		open:  openSim,
	})
}

// openSim opens the simulator window. The query sets the zoom, a whole
// number or 1/N to shrink a large panel. By default it is the largest
// zoom up to 4 that fits the screen, or the smallest 1/N that fits. The
// query also sets whether the outlines of refresh regions start shown
// (F12 toggles them).
func openSim(arg string, q url.Values, o displayOptions) (display.Panel, error) {
	if arg != "" {
		return nil, fmt.Errorf("--display sim takes no folder, got %q: use sim or sim?zoom=2", arg)
	}
	if err := onlyKeys(q, "zoom", "outlines"); err != nil {
		return nil, fmt.Errorf("--display sim: %w", err)
	}
	opts := sim.Options{Logger: o.Logger}
	if z := q.Get("zoom"); z != "" {
		zoom, shrink, err := parseSimZoom(z)
		if err != nil {
			return nil, err
		}
		opts.Zoom, opts.Shrink = zoom, shrink
	}
	switch q.Get("outlines") {
	case "", "0", "false":
	case "1", "true":
		opts.Overlay = true
	default:
		return nil, fmt.Errorf("invalid --display sim outlines %q: use 1 or 0", q.Get("outlines"))
	}
	if o.DryRun {
		return nil, nil
	}
	if o.Getenv("DISPLAY") == "" {
		return nil, fmt.Errorf("--display sim needs an X display (or XWayland) but DISPLAY is not set: use --display record:DIR")
	}
	// display.Rotate turns frames for the panel; the window turns the
	// panel's pixels back so the session reads upright on screen.
	opts.Rotation = o.Rotation
	return sim.New(o.Panel, opts)
}

// parseSimZoom parses the sim zoom: a whole number from 1 to 16, or a
// fraction 1/N, 0.5, 0.25 or 0.125 with N from 2 to 8, which shrinks
// the window.
func parseSimZoom(z string) (zoom, shrink int, err error) {
	invalid := fmt.Errorf("invalid --display sim zoom %q: use a whole number from 1 to 16, or 1/2 to 1/8 (0.5, 0.25) to shrink a panel larger than the screen", z)
	if n, err := strconv.Atoi(z); err == nil {
		if n < 1 || n > 16 {
			return 0, 0, invalid
		}
		return n, 0, nil
	}
	if d, ok := strings.CutPrefix(z, "1/"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > 8 {
			return 0, 0, invalid
		}
		if n == 1 {
			return 1, 0, nil
		}
		return 1, n, nil
	}
	f, err := strconv.ParseFloat(z, 64)
	if err != nil || f <= 0 || f >= 1 {
		return 0, 0, invalid
	}
	n := int(math.Round(1 / f))
	if n < 2 || n > 8 || math.Abs(f*float64(n)-1) > 0.02 {
		return 0, 0, invalid
	}
	return 1, n, nil
}
