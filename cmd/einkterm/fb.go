package main

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/display/fb"
	"github.com/einkterm/einkterm/display/mxcfb"
)

func init() {
	registerDisplay(displayKind{
		name:  "fb",
		usage: "fb:/dev/fbN[?console=/dev/ttyN|none]",
		open:  openFB,

		rotates: true,
	})
	registerDisplay(displayKind{
		name:  "mxcfb",
		usage: "mxcfb:/dev/fbN[?family=kobo|kindle&force=1&wait=5s]",
		open:  openMXCFB,

		rotates: true,
	})
}

// openFB opens a Linux framebuffer LCD. Its size comes from the device,
// not from --panel.
func openFB(path string, q url.Values, o displayOptions) (display.Panel, error) {
	if !strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("--display fb needs a device path, as in fb:/dev/fb0, got %q", path)
	}
	if err := onlyKeys(q, "console"); err != nil {
		return nil, fmt.Errorf("--display fb: %w", err)
	}
	if o.DryRun {
		return nil, nil
	}
	return fb.Open(path, fb.Options{
		Rotation: o.Rotation,
		Console:  q.Get("console"),
		Logger:   o.Logger,
	})
}

// openMXCFB opens an i.MX EPDC e-ink framebuffer.
func openMXCFB(path string, q url.Values, o displayOptions) (display.Panel, error) {
	if !strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("--display mxcfb needs a device path, as in mxcfb:/dev/fb0, got %q", path)
	}
	if err := onlyKeys(q, "family", "force", "wait"); err != nil {
		return nil, fmt.Errorf("--display mxcfb: %w", err)
	}
	opts := mxcfb.Options{
		Rotation: o.Rotation,
		Family:   q.Get("family"),
		Logger:   o.Logger,
	}
	switch q.Get("force") {
	case "", "0", "false":
	case "1", "true":
		opts.Force = true
	default:
		return nil, fmt.Errorf("invalid --display mxcfb force %q: use 1 or 0", q.Get("force"))
	}
	if w := q.Get("wait"); w != "" {
		d, err := time.ParseDuration(w)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("invalid --display mxcfb wait %q: use a duration such as 5s", w)
		}
		opts.WaitTimeout = d
	}
	if err := mxcfb.CheckFamily(opts.Family); err != nil {
		return nil, err
	}
	if o.DryRun {
		return nil, nil
	}
	return mxcfb.Open(path, opts)
}

// onlyKeys returns an error naming the first query key not in keys.
func onlyKeys(q url.Values, keys ...string) error {
	for k := range q {
		found := false
		for _, want := range keys {
			found = found || k == want
		}
		if !found {
			return fmt.Errorf("unknown option %q: use %s", k, strings.Join(keys, ", "))
		}
	}
	return nil
}
