package main

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/display/sim"
)

func init() {
	registerDisplay(displayKind{
		name:  "sim",
		usage: "sim[?zoom=N&outlines=1]",
		open:  openSim,
	})
}

// openSim opens the simulator window. The query sets the integer zoom
// (default: the largest up to 4 that fits the screen) and whether the
// outlines of refresh regions start shown (F12 toggles them).
func openSim(arg string, q url.Values, o displayOptions) (display.Panel, error) {
	if arg != "" {
		return nil, fmt.Errorf("--display sim takes no folder, got %q: use sim or sim?zoom=2", arg)
	}
	opts := sim.Options{Logger: o.Logger}
	if z := q.Get("zoom"); z != "" {
		n, err := strconv.Atoi(z)
		if err != nil || n < 1 || n > 16 {
			return nil, fmt.Errorf("invalid --display sim zoom %q: use a whole number from 1 to 16", z)
		}
		opts.Zoom = n
	}
	switch q.Get("outlines") {
	case "", "0", "false":
	case "1", "true":
		opts.Overlay = true
	default:
		return nil, fmt.Errorf("invalid --display sim outlines %q: use 1 or 0", q.Get("outlines"))
	}
	if o.Getenv("DISPLAY") == "" {
		return nil, fmt.Errorf("--display sim needs an X display (or XWayland) but DISPLAY is not set: use --display record:DIR")
	}
	// display.Rotate turns frames for the panel; the window turns the
	// panel's pixels back so the session reads upright on screen.
	opts.Rotation = o.Rotation
	return sim.New(o.Panel, opts)
}
