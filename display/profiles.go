package display

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Profiles are the panels that einkterm recognizes by name. DPI is the pixel
// diagonal over the panel's diagonal in inches. Timings are the
// typical figures at room temperature: Waveshare's wiki for the 2.13"
// SSD1680 panels and the 7.5" UC8179 panel, and FBInk's i.MX EPDC figures
// for the IT8951 waveforms. The per-byte cost is the SPI transfer time at
// the controller's usual clock (4 MHz, 10 MHz and 24 MHz).
var Profiles = map[string]Info{
	// The SSD1680 scans the whole panel on every update and takes image
	// data in RAM windows, so several windows share one waveform.
	"2in13": concurrent(withDPI(130, spiProfile("2in13", 122, 250,
		300*time.Millisecond, 2*time.Second, 2*time.Microsecond))),
	// NOTE: the 7.5" windowed partial time is an estimate; the vendor
	// names only the 5 s full refresh.
	"7in5": withDPI(124, spiProfile("7in5", 800, 480,
		1500*time.Millisecond, 5*time.Second, 800*time.Nanosecond)),
	"it8951-6in":   withDPI(167, it8951Profile("it8951-6in", 800, 600, 32)),
	"it8951-7in8":  withDPI(300, it8951Profile("it8951-7in8", 1872, 1404, 0)),
	"it8951-9in7":  withDPI(150, it8951Profile("it8951-9in7", 1200, 825, 0)),
	"it8951-10in3": withDPI(227, it8951Profile("it8951-10in3", 1872, 1404, 0)),
}

// DefaultProfile is the panel of the recorder and simulator when none is
// named.
const DefaultProfile = "it8951-10in3"

func concurrent(i Info) Info {
	i.Concurrent = true
	return i
}

func withDPI(dpi int, i Info) Info {
	i.DPI = dpi
	return i
}

func spiProfile(name string, w, h int, partial, full, perByte time.Duration) Info {
	return Info{
		Name:    name,
		Width:   w,
		Height:  h,
		Depth:   1,
		Align:   Align{X: 8, Y: 1},
		Flashes: true,
		Modes: []ModeSpec{
			{Mode: ModePartial, Levels: 2, Fixed: partial, PerByte: perByte},
			{Mode: ModeFull, Flash: true, Levels: 2, Fixed: full, PerByte: perByte},
		},
	}
}

// it8951Profile returns an IT8951 panel at 4 bits per pixel, where one
// 16-bit word of the image buffer is 4 pixels; a2AlignX is the wider x
// alignment that A2 needs on some panels.
func it8951Profile(name string, w, h, a2AlignX int) Info {
	const perByte = 333 * time.Nanosecond // 24 MHz SPI
	return Info{
		Name:    name,
		Width:   w,
		Height:  h,
		Depth:   4,
		Align:   Align{X: 4, Y: 1},
		Flashes: true,
		Modes: []ModeSpec{
			{Mode: ModeA2, Levels: 2, Fixed: 120 * time.Millisecond, PerByte: perByte, AlignX: a2AlignX},
			{Mode: ModeDU, Levels: 2, Fixed: 260 * time.Millisecond, PerByte: perByte},
			{Mode: ModeGL16, Levels: 16, Fixed: 450 * time.Millisecond, PerByte: perByte},
			{Mode: ModeGC16, Flash: true, Levels: 16, Fixed: 450 * time.Millisecond, PerByte: perByte},
			{Mode: ModeINIT, Flash: true, Levels: 2, Fixed: 2 * time.Second, PerByte: perByte},
		},
	}
}

// ProfileNames returns the known profile names in order.
func ProfileNames() []string {
	names := make([]string, 0, len(Profiles))
	for n := range Profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LookupProfile returns the profile called name, or for "WxH" a generic
// 4-bit e-paper panel of that size with IT8951 timings.
func LookupProfile(name string) (Info, error) {
	if p, ok := Profiles[strings.ToLower(name)]; ok {
		return p, nil
	}
	w, h, ok := parseSize(name)
	if !ok {
		return Info{}, fmt.Errorf("display: unknown panel %q: use one of %s, or WxH such as 800x600",
			name, strings.Join(ProfileNames(), ", "))
	}
	if w < 16 || h < 16 || w > 8192 || h > 8192 {
		return Info{}, fmt.Errorf("display: panel size %dx%d out of range: width and height must be 16 to 8192", w, h)
	}
	return it8951Profile(fmt.Sprintf("%dx%d", w, h), w, h, 0), nil
}

func parseSize(s string) (w, h int, ok bool) {
	a, b, found := strings.Cut(strings.ToLower(s), "x")
	if !found {
		return 0, 0, false
	}
	w, err1 := strconv.Atoi(a)
	h, err2 := strconv.Atoi(b)
	return w, h, err1 == nil && err2 == nil
}
