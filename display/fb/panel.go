package fb

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"sync"
	"time"

	"github.com/einkterm/einkterm/display"
)

// Options configures a Panel. The zero value is a panel at rotation 0
// that takes over the console it finds and logs nothing.
type Options struct {
	// Rotation is 0, 90, 180 or 270 degrees clockwise.
	Rotation int

	// Console is the virtual console to switch to graphics mode: empty
	// means the controlling terminal when it is one, else /dev/tty0.
	// "none" leaves the console alone.
	Console string

	// Logger receives the device's geometry at open and errors that
	// Close and Sleep ignore. Nil means silent.
	Logger *slog.Logger
}

// Cost model of an LCD: the picture changes on the next scan-out, so a
// refresh costs the conversion and memory writes. The figures are
// estimates of conversion speed on a slow ARM board, a few times slower
// than the x86 figures in BENCHMARKS.md. A low fixed cost keeps the
// refresh loop sending small regions at once.
const (
	lcdFixed   = 50 * time.Microsecond
	lcdPerByte = 5 * time.Nanosecond
)

// Panel is a display.Panel on a Linux framebuffer. It never flashes:
// it has one update mode, ModePartial, and takes any other mode as that.
type Panel struct {
	dev     Device
	surface *Surface
	console Console
	info    display.Info
	log     *slog.Logger

	mu     sync.Mutex
	closed bool
	once   sync.Once
}

var _ display.Panel = (*Panel)(nil)

// Open opens the framebuffer at path, such as /dev/fb0.
func Open(path string, opts Options) (*Panel, error) {
	dev, err := OpenDevice(path)
	if err != nil {
		return nil, err
	}
	con, err := openConsole(opts)
	if err != nil {
		dev.Close()
		return nil, err
	}
	p, err := New(dev, con, opts)
	if err != nil {
		dev.Close()
		if c, ok := con.(interface{ Close() error }); ok {
			c.Close()
		}
		return nil, err
	}
	return p, nil
}

// openConsole opens the console that opts names. A missing virtual
// console is no error when none was named.
func openConsole(opts Options) (Console, error) {
	if opts.Console == "none" {
		return nil, nil
	}
	vt, err := OpenVT(opts.Console)
	if err == nil {
		vt.warn = func(err error) {
			logger(opts).Warn("fb: no console guard; a crash would leave the console in graphics mode", "err", err)
		}
		return vt, nil
	}
	if opts.Console == "" {
		logger(opts).Debug("fb: no virtual console to switch to graphics", "err", err)
		return nil, nil
	}
	return nil, err
}

func logger(opts Options) *slog.Logger {
	if opts.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return opts.Logger
}

// New returns a panel on dev, switching con (which may be nil) to
// graphics mode, and paints the screen white to match the white frame
// the refresh loop starts from. The panel's Close closes dev and con,
// but when New fails, the caller closes them.
func New(dev Device, con Console, opts Options) (*Panel, error) {
	s, err := NewSurface(dev, opts.Rotation)
	if err != nil {
		return nil, err
	}
	p := &Panel{dev: dev, surface: s, console: con, log: logger(opts)}
	w, h := s.Size()
	p.info = display.Info{
		Name:       "fb",
		Width:      w,
		Height:     h,
		Depth:      8,
		Align:      display.Align{X: 1, Y: 1},
		Concurrent: true,
		Flashes:    false,
		Modes: []display.ModeSpec{
			{Mode: display.ModePartial, Levels: 256, Fixed: lcdFixed, PerByte: lcdPerByte},
		},
	}
	g := s.Geometry()
	p.log.Info("fb: opened", "driver", g.ID, "size", fmt.Sprintf("%dx%d", g.Width, g.Height),
		"stride", g.Stride, "format", g.Format.String(), "mmap", s.Mapped(), "rotation", opts.Rotation)
	if con != nil {
		if err := con.Graphics(); err != nil {
			p.log.Warn("fb: console stays in text mode", "err", err)
		}
	}
	if err := s.Fill(255); err != nil {
		if con != nil {
			con.Restore()
		}
		s.Close()
		return nil, err
	}
	return p, nil
}

// Info returns the panel's size after rotation and its cost model.
func (p *Panel) Info() display.Info { return p.info }

// Surface returns the drawing surface.
func (p *Panel) Surface() *Surface { return p.surface }

// Refresh writes region r of f to the framebuffer. The mode is ignored
// because an LCD has no waveforms.
func (p *Panel) Refresh(f *display.Frame, r image.Rectangle, _ display.Mode) error {
	if r.Empty() || !r.In(p.info.Bounds()) {
		return fmt.Errorf("fb: refresh region %v is empty or outside panel %v", r, p.info.Bounds())
	}
	if f.Depth != p.info.Depth {
		return fmt.Errorf("fb: frame depth %d, want the panel's %d", f.Depth, p.info.Depth)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errors.New("fb: refresh on a closed panel")
	}
	_, err := p.surface.Draw(f, r)
	return err
}

// Wait returns at once: a framebuffer write is done when Refresh
// returns.
func (p *Panel) Wait(ctx context.Context) error { return nil }

// Busy reports false.
func (p *Panel) Busy() bool { return false }

// Sleep blanks the display with FBIOBLANK. Drivers without blanking are
// left on.
func (p *Panel) Sleep() error { return p.blank(true) }

// Wake unblanks the display.
func (p *Panel) Wake() error { return p.blank(false) }

func (p *Panel) blank(powerdown bool) error {
	err := p.dev.Blank(powerdown)
	if err != nil && IsUnsupported(err) {
		p.log.Debug("fb: driver has no FBIOBLANK", "err", err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("fb: FBIOBLANK: %w", err)
	}
	return nil
}

// Close restores the console, unmaps the memory and closes the device.
// It is safe to call more than once and from a deferred call during a
// panic.
func (p *Panel) Close() error {
	var err error
	p.once.Do(func() {
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		if p.console != nil {
			err = errors.Join(err, p.console.Restore())
		}
		err = errors.Join(err, p.surface.Close(), p.dev.Close())
		if c, ok := p.console.(interface{ Close() error }); ok {
			err = errors.Join(err, c.Close())
		}
	})
	return err
}
