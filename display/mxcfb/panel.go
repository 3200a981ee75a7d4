package mxcfb

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/display/fb"
)

// Device is a framebuffer that also takes raw ioctls. *fb.SysDevice is
// one, and tests pass a fake EPDC.
type Device interface {
	fb.Device

	// Ioctl runs request req on arg, which holds the request's struct
	// in the kernel's layout, and returns the errno on failure.
	Ioctl(req uint, arg []byte) error
}

// Options configures a Panel. The zero value detects the family, waits
// at most 5 s for an update and logs nothing.
type Options struct {
	// Rotation is 0, 90, 180 or 270 degrees clockwise, done in software.
	Rotation int

	// Family is "kobo" or "kindle": the order of the update layouts to
	// try. Empty means "kindle" when /etc/prettyversion.txt exists (a
	// Kindle file) and "kobo" otherwise, which also fits the Nook
	// Glowlight and the reMarkable 1.
	Family string

	// Force skips the check that the driver is an EPDC, for drivers
	// that take the mxcfb ioctls under another name.
	Force bool

	// WaitTimeout bounds one wait for an update. Zero means 5 s. A wait
	// that times out is logged and the panel goes on.
	WaitTimeout time.Duration

	// MaxConcurrent is the number of updates that may run at once.
	// Zero means 15. Refresh waits for the oldest update when that many
	// are running, and Collapse merges regions down to it.
	MaxConcurrent int

	// Clock times the waits. Nil means the wall clock.
	Clock display.Clock

	// Logger receives the layout found and each timed-out wait; nil
	// means silent.
	Logger *slog.Logger
}

// NOTE: the i.MX50 EPDC has 16 waveform LUTs and later EPDCs 64; the
// default keeps one LUT of the smaller count free. It is not measured
// on a device.
const defaultMaxConcurrent = 15

// Waveform times as FBInk lists them for the i.MX EPDC at room
// temperature; the per-byte cost is an estimate of the conversion and
// memory write on a 1 GHz i.MX6.
const perByte = 5 * time.Nanosecond

var modes = []display.ModeSpec{
	{Mode: display.ModeA2, Levels: 2, Fixed: 120 * time.Millisecond, PerByte: perByte},
	{Mode: display.ModeDU, Levels: 2, Fixed: 260 * time.Millisecond, PerByte: perByte},
	{Mode: display.ModeGL16, Levels: 16, Fixed: 450 * time.Millisecond, PerByte: perByte},
	{Mode: display.ModeGC16, Flash: true, Levels: 16, Fixed: 450 * time.Millisecond, PerByte: perByte},
	{Mode: display.ModeINIT, Flash: true, Levels: 2, Fixed: 2 * time.Second, PerByte: perByte},
}

// depth is the bits per pixel of the frames the panel takes: the EPDC
// shows 16 gray levels (GC16), so 4 bits lose nothing, and the refresh
// loop diffs half the bytes of an 8-bit frame.
const depth = 4

// minSide is the smallest region width and height sent: a 1xN region
// soft-locks some EPDCs.
const minSide = 2

// Panel is a display.Panel on an i.MX EPDC framebuffer.
type Panel struct {
	dev     Device
	surface *fb.Surface
	info    display.Info
	opts    Options
	log     *slog.Logger
	clock   display.Clock

	// waitMu serializes waits, so that Busy and Refresh need not wait
	// for a blocked wait ioctl; it guards wait and noWait.
	waitMu sync.Mutex
	wait   *waitCall // the wait form in use; nil until found
	noWait bool      // the driver took no wait form; waits are modelled

	mu       sync.Mutex
	layouts  []layout // layouts still to try; the first is in use once found
	found    bool     // layouts[0] has been accepted by the driver
	marker   uint32
	inflight []inflight
	closed   bool
}

// inflight is an update that has been sent and not waited for.
type inflight struct {
	marker uint32
	rect   image.Rectangle // device coordinates
	until  time.Time       // modelled end
}

var _ display.Panel = (*Panel)(nil)

// ErrNotEPDC is returned for a framebuffer whose driver is not an i.MX
// EPDC.
var ErrNotEPDC = errors.New("mxcfb: not an i.MX EPDC e-ink framebuffer")

// ErrUnknownIoctls is returned when the driver rejects every known
// MXCFB_SEND_UPDATE layout.
var ErrUnknownIoctls = errors.New("mxcfb: the driver rejects every known MXCFB_SEND_UPDATE layout")

// Open opens the e-ink framebuffer at path, such as /dev/fb0.
func Open(path string, opts Options) (*Panel, error) {
	dev, err := fb.OpenDevice(path)
	if err != nil {
		return nil, fmt.Errorf("mxcfb: %w", err)
	}
	p, err := New(dev, opts)
	if err != nil {
		dev.Close()
		return nil, err
	}
	return p, nil
}

// New returns a panel on dev. It checks the driver's name, paints the
// screen white with a full GC16 update, which also finds the update
// layout the driver takes, and waits for it. The panel's Close closes
// dev; when New fails, the caller closes it.
func New(dev Device, opts Options) (*Panel, error) {
	family, err := pickFamily(opts.Family)
	if err != nil {
		return nil, err
	}
	s, err := fb.NewSurface(dev, opts.Rotation)
	if err != nil {
		return nil, fmt.Errorf("mxcfb: %w", err)
	}
	geo := s.Geometry()
	if !opts.Force && !strings.Contains(strings.ToLower(geo.ID), "epdc") {
		s.Close()
		return nil, fmt.Errorf("%w: the driver is %q: use fb: for an LCD framebuffer, or force=1 for an EPDC driver of another name",
			ErrNotEPDC, geo.ID)
	}
	p := &Panel{dev: dev, surface: s, opts: opts, layouts: family}
	p.log = opts.Logger
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.clock = opts.Clock
	if p.clock == nil {
		p.clock = display.SystemClock{}
	}
	if p.opts.WaitTimeout <= 0 {
		p.opts.WaitTimeout = 5 * time.Second
	}
	if p.opts.MaxConcurrent <= 0 {
		p.opts.MaxConcurrent = defaultMaxConcurrent
	}
	w, h := s.Size()
	p.info = display.Info{
		Name:       "mxcfb",
		Width:      w,
		Height:     h,
		Depth:      depth,
		Align:      display.Align{X: 1, Y: 1},
		MinSize:    image.Pt(minSide, minSide),
		Modes:      modes,
		Concurrent: true,
		Flashes:    true,
	}
	p.log.Info("mxcfb: opened", "driver", geo.ID, "size", fmt.Sprintf("%dx%d", geo.Width, geo.Height),
		"format", geo.Format.String(), "mmap", s.Mapped(), "family", family[0].name)
	if err := p.clear(); err != nil {
		s.Close()
		return nil, err
	}
	return p, nil
}

// CheckFamily returns an error when name is not a family Open takes,
// and nil for an empty name, which Open detects.
func CheckFamily(name string) error {
	if name == "" {
		return nil
	}
	_, err := pickFamily(name)
	return err
}

// pickFamily returns the layouts to try for the family name.
func pickFamily(name string) ([]layout, error) {
	if name == "" {
		name = "kobo"
		if _, err := os.Stat("/etc/prettyversion.txt"); err == nil {
			name = "kindle"
		}
	}
	l, ok := families[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("mxcfb: unknown family %q: use kobo or kindle", name)
	}
	return append([]layout(nil), l...), nil
}

// clear paints the panel white with a full GC16 update.
func (p *Panel) clear() error {
	f := display.NewFrame(p.info.Width, p.info.Height, depth)
	if err := p.Refresh(f, f.Bounds(), display.ModeGC16); err != nil {
		return err
	}
	return p.Wait(context.Background())
}

// Info returns the panel's size after rotation and the EPDC's modes.
func (p *Panel) Info() display.Info { return p.info }

// Layout returns the name of the update layout the driver took, or ""
// before the first update.
func (p *Panel) Layout() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.found {
		return ""
	}
	return p.layouts[0].name
}

// Refresh writes region r of f to the framebuffer and sends an update in
// mode m. A region narrower or shorter than 2 pixels is grown to 2.
// When MaxConcurrent updates are running, it first waits for the oldest.
func (p *Panel) Refresh(f *display.Frame, r image.Rectangle, m display.Mode) error {
	if r.Empty() || !r.In(p.info.Bounds()) {
		return fmt.Errorf("mxcfb: refresh region %v is empty or outside panel %v", r, p.info.Bounds())
	}
	if f.Depth != depth {
		return fmt.Errorf("mxcfb: frame depth %d, want %d", f.Depth, depth)
	}
	r = growToMin(r, p.info.Bounds())
	for p.running() >= p.opts.MaxConcurrent {
		if err := p.waitOldest(context.Background()); err != nil {
			return err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errors.New("mxcfb: refresh on a closed panel")
	}
	dr, err := p.surface.Draw(f, r)
	if err != nil {
		return fmt.Errorf("mxcfb: %w", err)
	}
	return p.send(dr, m)
}

// growToMin grows r to at least minSide in each direction, within
// bounds.
func growToMin(r, bounds image.Rectangle) image.Rectangle {
	if r.Dx() < minSide {
		r.Max.X = min(r.Min.X+minSide, bounds.Max.X)
		r.Min.X = max(r.Max.X-minSide, bounds.Min.X)
	}
	if r.Dy() < minSide {
		r.Max.Y = min(r.Min.Y+minSide, bounds.Max.Y)
		r.Min.Y = max(r.Max.Y-minSide, bounds.Min.Y)
	}
	return r
}

// send starts the update of device rectangle dr in mode m, finding the
// driver's layout on the first call.
func (p *Panel) send(dr image.Rectangle, m display.Mode) error {
	spec, ok := p.info.Spec(m)
	if !ok {
		spec = p.info.FastMode(16)
		if m == display.ModeFull {
			spec, _ = p.info.Spec(display.ModeGC16)
		}
	}
	p.marker++
	if p.marker == 0 { // the driver rejects marker 0
		p.marker = 1
	}
	u := update{
		Region: rect{Top: uint32(dr.Min.Y), Left: uint32(dr.Min.X),
			Width: uint32(dr.Dx()), Height: uint32(dr.Dy())},
		Mode:   spec.Mode,
		Full:   spec.Flash,
		Marker: p.marker,
	}
	if err := p.sendLayout(u); err != nil {
		return err
	}
	now := p.clock.Now()
	p.inflight = append(p.inflight, inflight{marker: u.Marker, rect: dr,
		until: now.Add(spec.Cost(dr.Dx() * dr.Dy()))})
	return nil
}

// sendLayout sends u in the layout in use, or tries each remaining
// layout until the driver takes one.
func (p *Panel) sendLayout(u update) error {
	var tried []string
	for len(p.layouts) > 0 {
		l := p.layouts[0]
		u.Waveform = l.waveforms[u.Mode]
		err := p.dev.Ioctl(l.request(), l.encode(u))
		if err == nil {
			if !p.found {
				p.found = true
				p.log.Info("mxcfb: driver takes update layout", "layout", l.name, "bytes", l.size)
			}
			return nil
		}
		if p.found || !fb.IsUnsupported(err) {
			return fmt.Errorf("mxcfb: MXCFB_SEND_UPDATE (%s layout) of %v in %v: %w",
				l.name, u.Region, u.Mode, err)
		}
		tried = append(tried, fmt.Sprintf("%s (%d bytes): %v", l.name, l.size, err))
		p.layouts = p.layouts[1:]
	}
	return fmt.Errorf("%w: tried %s", ErrUnknownIoctls, strings.Join(tried, "; "))
}

// Wait blocks until every update sent has completed. A wait that takes
// longer than WaitTimeout is logged and counted as done.
func (p *Panel) Wait(ctx context.Context) error {
	for p.running() > 0 {
		if err := p.waitOldest(ctx); err != nil {
			return err
		}
	}
	return nil
}

// running returns the number of updates sent and not waited for.
func (p *Panel) running() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.inflight)
}

// waitOldest waits for the oldest running update and drops it from the
// list. It returns an error only when ctx ends.
func (p *Panel) waitOldest(ctx context.Context) error {
	p.waitMu.Lock()
	defer p.waitMu.Unlock()
	p.mu.Lock()
	if len(p.inflight) == 0 {
		p.mu.Unlock()
		return nil
	}
	u := p.inflight[0]
	p.mu.Unlock()

	if err := p.waitMarker(ctx, u); err != nil {
		return err
	}

	p.mu.Lock()
	if len(p.inflight) > 0 && p.inflight[0].marker == u.marker {
		p.inflight = p.inflight[1:]
	}
	p.mu.Unlock()
	return nil
}

// waitMarker waits for update u with the driver's wait ioctl, trying
// each known form until the driver takes one. When it takes none, the
// modelled end time is waited for instead. The caller holds waitMu.
func (p *Panel) waitMarker(ctx context.Context, u inflight) error {
	if p.noWait {
		return p.sleepUntil(ctx, u.until)
	}
	calls := waitCalls
	if p.wait != nil {
		calls = []waitCall{*p.wait}
	}
	for i := range calls {
		c := calls[i]
		err := p.waitCall(ctx, c, u.marker)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil && p.wait == nil && fb.IsUnsupported(err) {
			continue
		}
		if p.wait == nil {
			p.wait = &c
			p.log.Info("mxcfb: driver takes wait form", "form", c.name)
		}
		if err != nil {
			p.log.Warn("mxcfb: waiting for update failed; going on", "marker", u.marker, "err", err)
		}
		return nil
	}
	p.noWait = true
	p.log.Warn("mxcfb: the driver takes no known MXCFB_WAIT_FOR_UPDATE_COMPLETE form; waiting for the modelled time")
	return p.sleepUntil(ctx, u.until)
}

// waitCall runs one wait ioctl with the timeout. A timed-out wait is
// logged and reported as done; the ioctl goroutine ends when the driver
// returns.
func (p *Panel) waitCall(ctx context.Context, c waitCall, marker uint32) error {
	done := make(chan error, 1)
	arg := c.encode(marker)
	go func() { done <- p.dev.Ioctl(c.request, arg) }()
	select {
	case err := <-done:
		if errors.Is(err, syscall.ETIMEDOUT) {
			p.log.Warn("mxcfb: driver timed out waiting for update", "marker", marker)
			return nil
		}
		return err
	case <-p.clock.After(p.opts.WaitTimeout):
		p.log.Warn("mxcfb: update not complete; going on", "marker", marker, "timeout", p.opts.WaitTimeout)
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Panel) sleepUntil(ctx context.Context, t time.Time) error {
	d := t.Sub(p.clock.Now())
	if d <= 0 {
		return nil
	}
	select {
	case <-p.clock.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Busy reports whether an update sent may still be running, by the
// modelled waveform times.
func (p *Panel) Busy() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	for _, u := range p.inflight {
		if now.Before(u.until) {
			return true
		}
	}
	return false
}

// Sleep does nothing: the EPDC powers its panel down on its own after
// each update.
func (p *Panel) Sleep() error { return nil }

// Wake does nothing; see Sleep.
func (p *Panel) Wake() error { return nil }

// Close waits for running updates, within WaitTimeout each, unmaps the
// memory and closes the device. It is safe to call more than once.
func (p *Panel) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.mu.Unlock()
	werr := p.Wait(context.Background())
	return errors.Join(werr, p.surface.Close(), p.dev.Close())
}
