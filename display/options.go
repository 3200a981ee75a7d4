package display

import "time"

// SchedulerOptions are the settings of the refresh policy. The zero
// value of each field means the default written beside it. A negative
// duration turns a timer off where the field's doc allows it.
type SchedulerOptions struct {
	// MinInterval is the shortest time between the starts of two
	// refreshes of output that no input caused, which rate-limits
	// floods. Zero means 500 ms.
	MinInterval time.Duration

	// InputBoost is how long after an input event damage goes out as
	// soon as the panel is ready, ignoring MinInterval, so that an echo
	// split over several writes is not held back. Zero means 1 s.
	InputBoost time.Duration

	// MaxDelay is how long a changed area may wait behind newer ones
	// before it is sent first, or twice that behind the echo of input
	// that keeps coming while the panel refreshes. Zero means 2 s.
	MaxDelay time.Duration

	// IdlePause is how long after the last input event a cleaning
	// refresh may start. Zero means 3 s.
	IdlePause time.Duration

	// SoftPartials is the number of partial refreshes since a tile's
	// last clean after which the tile is cleaned in the next idle
	// pause. Zero means 20, or HardPartials if that is lower.
	SoftPartials int

	// HardPartials is the most partial refreshes a tile gets between
	// cleans: a refresh that would exceed it is sent in the cleaning
	// mode, even while the user types. Zero means 100. A value below
	// SoftPartials is raised to it.
	HardPartials int

	// MaxAge is how long a tile that had partial refreshes may go
	// without a clean before it is cleaned in the next idle pause.
	// Zero means 10 minutes; negative turns it off.
	MaxAge time.Duration

	// LongClean is how long any tile, refreshed or not, may go without
	// a clean before it is cleaned in an idle pause, since e-paper
	// fades. Zero means 1 hour; negative turns it off.
	LongClean time.Duration

	// SleepAfter is how long the panel stays awake with nothing to
	// show before it is put to sleep. Ghosted tiles are cleaned first
	// when IdlePause has passed since the last input. Zero means 2
	// minutes, and a negative value never sleeps.
	SleepAfter time.Duration

	// ImageGray is the fraction of gray pixels above which a region is
	// shown in a gray mode. A region with fewer gray pixels, such as
	// antialiased text, is quantized to black and white and shown in
	// the fastest mode. Zero means 0.25.
	ImageGray float64

	// GrayMode is the update mode for gray content, such as ModeGC16
	// for the best images at the cost of a flash. Zero, or a mode the
	// panel lacks, means the cheapest non-flashing mode with 16 levels
	// (GL16 on IT8951 panels), else the cleaning mode if it has 16
	// levels, else the fastest mode.
	GrayMode Mode

	// WastePerPixel is the modelled cost of refreshing a pixel that did
	// not change, beyond as many as the merged regions changed, which
	// keeps distant regions apart when merging (see MergeRegions). Zero
	// means the fastest mode's fixed time per 32768 pixels (a 256 x 128
	// area); negative means no cost, merging by time alone.
	WastePerPixel time.Duration

	// MergeCap is the maximum number of pixels that a merged region may
	// refresh per changed pixel, such as 1.2, whatever merging would
	// save in time. On a panel that runs one waveform at a time, such as
	// the IT8951, a cap near 1 splits a screen of ragged text into a
	// refresh per line or few lines. That sends fewer bytes, but the
	// screen takes seconds to appear. Zero means no cap.
	MergeCap float64

	// Tile is the side in pixels of the square tiles in which ghosting
	// is tracked. Zero means 32.
	Tile int
}

// withDefaults returns a copy of o with the zero fields filled in for
// panel info.
func (o SchedulerOptions) withDefaults(info Info) SchedulerOptions {
	setDuration(&o.MinInterval, 500*time.Millisecond)
	setDuration(&o.InputBoost, time.Second)
	setDuration(&o.MaxDelay, 2*time.Second)
	setDuration(&o.IdlePause, 3*time.Second)
	setDuration(&o.MaxAge, 10*time.Minute)
	setDuration(&o.LongClean, time.Hour)
	setDuration(&o.SleepAfter, 2*time.Minute)
	if o.HardPartials <= 0 {
		o.HardPartials = 100
	}
	if o.SoftPartials <= 0 {
		// A hard limit below the default soft one lowers it too, so
		// that cleans still wait for an idle pause when they can.
		o.SoftPartials = min(20, o.HardPartials)
	}
	o.HardPartials = max(o.HardPartials, o.SoftPartials)
	if o.ImageGray <= 0 {
		o.ImageGray = 0.25
	}
	if o.Tile <= 0 {
		o.Tile = 32
	}
	o.MergeCap = max(o.MergeCap, 0)
	switch {
	case o.WastePerPixel < 0:
		o.WastePerPixel = 0
	case o.WastePerPixel == 0:
		o.WastePerPixel = info.FastMode(2).Fixed / wasteArea
	}
	return o
}

// wasteArea is the area of unchanged pixels whose default waste cost
// equals the fixed time of one fast refresh.
const wasteArea = 1 << 15

func setDuration(d *time.Duration, def time.Duration) {
	if *d == 0 {
		*d = def
	}
}

// off reports whether a timer set to d is turned off.
func off(d time.Duration) bool { return d < 0 }
