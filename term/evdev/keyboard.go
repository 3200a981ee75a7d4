package evdev

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options configures a Keyboard. The zero value reads every keyboard in
// /dev/input with the US layout and the devices' own repeat rate.
type Options struct {
	// Keymap translates key codes; nil means USKeymap.
	Keymap Keymap

	// AppCursor reports whether the terminal asked for application
	// cursor keys (DECCKM); nil means never.
	AppCursor func() bool

	// RepeatDelay and RepeatPeriod set the autorepeat of each keyboard
	// (EVIOCSREP); zero keeps the device's.
	RepeatDelay, RepeatPeriod time.Duration

	// Dir is where event devices appear; empty means /dev/input.
	Dir string

	// Logger receives keyboards added and removed and errors the
	// Keyboard goes on after; nil means silent. Key data is never
	// logged.
	Logger *slog.Logger

	// openDevice opens a device node; nil means the real one. Tests
	// replace it.
	openDevice func(path string) (Device, error)
}

// Keyboard reads keys from one or more event devices, grabbed, and
// delivers them as terminal bytes. It implements io.Reader and the
// display.Keyboard interface.
type Keyboard struct {
	opts   Options
	log    *slog.Logger
	only   string // the single device path asked for, or "" for all
	out    chan []byte
	done   chan struct{}
	wg     sync.WaitGroup
	closer io.Closer // the hot-plug watcher

	mu      sync.Mutex
	devices map[string]Device
	closed  bool

	pending []byte // bytes of a Read not yet returned
}

// Open grabs the keyboard at path, such as /dev/input/event2, or with
// an empty path every keyboard in Options.Dir, and watches for keyboards
// that appear later (a path that appears again after an unplug is taken
// again). With an empty path and no keyboard yet, Open succeeds and
// waits for one.
func Open(path string, opts Options) (*Keyboard, error) {
	if opts.Dir == "" {
		opts.Dir = "/dev/input"
	}
	if path != "" {
		opts.Dir = filepath.Dir(path)
	}
	if opts.openDevice == nil {
		opts.openDevice = openDevice
	}
	k := &Keyboard{
		opts:    opts,
		log:     opts.Logger,
		only:    path,
		out:     make(chan []byte, 64),
		done:    make(chan struct{}),
		devices: map[string]Device{},
	}
	if k.log == nil {
		k.log = slog.New(slog.DiscardHandler)
	}
	if path != "" {
		if err := k.add(path, true); err != nil {
			return nil, err
		}
	} else {
		k.scan()
	}
	k.closer = k.watch()
	return k, nil
}

// scan adds every keyboard in the device folder.
func (k *Keyboard) scan() {
	names, _ := filepath.Glob(filepath.Join(k.opts.Dir, "event*"))
	sort.Strings(names)
	for _, n := range names {
		if err := k.add(n, false); err != nil {
			k.log.Warn("evdev: keyboard not taken", "path", n, "err", err)
		}
	}
	k.mu.Lock()
	n := len(k.devices)
	k.mu.Unlock()
	if n == 0 {
		k.log.Info("evdev: no keyboard yet; waiting for one", "dir", k.opts.Dir)
	}
}

// add opens, checks and grabs the device at path and starts reading it.
// A device that is not a keyboard is skipped, unless it was named.
func (k *Keyboard) add(path string, named bool) error {
	k.mu.Lock()
	_, open := k.devices[path]
	closed := k.closed
	k.mu.Unlock()
	if open || closed {
		return nil
	}
	d, err := k.opts.openDevice(path)
	if err != nil {
		return err
	}
	if !d.IsKeyboard() {
		if !named {
			d.Close()
			return nil
		}
		k.log.Warn("evdev: device has no letter keys; reading it anyway", "path", path, "name", d.Name())
	}
	if err := d.Grab(); err != nil {
		d.Close()
		return err
	}
	k.setRepeat(d)

	k.mu.Lock()
	if k.closed {
		k.mu.Unlock()
		d.Release()
		d.Close()
		return nil
	}
	k.devices[path] = d
	k.wg.Add(1)
	k.mu.Unlock()
	k.log.Info("evdev: keyboard added", "path", path, "name", d.Name())
	go k.read(path, d)
	return nil
}

func (k *Keyboard) setRepeat(d Device) {
	if k.opts.RepeatDelay <= 0 && k.opts.RepeatPeriod <= 0 {
		return
	}
	delay, period := k.opts.RepeatDelay, k.opts.RepeatPeriod
	if delay <= 0 {
		delay = 250 * time.Millisecond
	}
	if period <= 0 {
		period = 33 * time.Millisecond
	}
	if err := d.SetRepeat(int(delay.Milliseconds()), int(period.Milliseconds())); err != nil {
		k.log.Warn("evdev: repeat rate not set", "name", d.Name(), "err", err)
	}
}

// read translates the events of one device until it fails or the
// keyboard closes.
func (k *Keyboard) read(path string, d Device) {
	defer k.wg.Done()
	t := NewTranslator(k.opts.Keymap)
	for {
		evs, err := d.ReadEvents()
		if err != nil {
			k.remove(path, d, err)
			return
		}
		for _, e := range evs {
			p, ok := t.Translate(e)
			if !ok {
				continue
			}
			b := Encode(p, k.opts.AppCursor != nil && k.opts.AppCursor())
			if len(b) == 0 {
				continue
			}
			select {
			case k.out <- b:
			case <-k.done:
				return
			}
		}
	}
}

// remove drops a device that failed, such as one unplugged.
func (k *Keyboard) remove(path string, d Device, err error) {
	k.mu.Lock()
	closed := k.closed
	if !closed {
		delete(k.devices, path)
	}
	k.mu.Unlock()
	if closed {
		return
	}
	d.Release()
	d.Close()
	k.log.Info("evdev: keyboard removed", "path", path, "err", err)
}

// Input returns the channel of typed bytes, one key a message. It is
// closed by Close.
func (k *Keyboard) Input() <-chan []byte { return k.out }

// Read reads typed bytes; it returns io.EOF after Close. It is for one
// reader goroutine, and is not to be mixed with Input.
func (k *Keyboard) Read(p []byte) (int, error) {
	if len(k.pending) == 0 {
		b, ok := <-k.out
		if !ok {
			return 0, io.EOF
		}
		k.pending = b
	}
	n := copy(p, k.pending)
	k.pending = k.pending[n:]
	return n, nil
}

// Devices returns the paths of the keyboards being read, sorted.
func (k *Keyboard) Devices() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	var p []string
	for path := range k.devices {
		p = append(p, path)
	}
	sort.Strings(p)
	return p
}

// Close releases every grab, closes the devices and the Input channel.
// It is safe to call more than once and from a deferred call during a
// panic.
func (k *Keyboard) Close() error {
	k.mu.Lock()
	if k.closed {
		k.mu.Unlock()
		return nil
	}
	k.closed = true
	devs := k.devices
	k.devices = map[string]Device{}
	k.mu.Unlock()

	close(k.done)
	var errs []error
	if k.closer != nil {
		errs = append(errs, k.closer.Close())
	}
	for _, d := range devs {
		errs = append(errs, d.Release(), d.Close())
	}
	k.wg.Wait()
	close(k.out)
	return errors.Join(errs...)
}

// wanted reports whether a new node in the device folder is one to try.
func (k *Keyboard) wanted(name string) bool {
	if k.only != "" {
		return filepath.Base(k.only) == name
	}
	return strings.HasPrefix(name, "event")
}

// tryAdd adds a node that appeared, logging failures; udev may still be
// setting its permissions, and the attribute change is seen again.
func (k *Keyboard) tryAdd(name string) {
	if !k.wanted(name) {
		return
	}
	path := filepath.Join(k.opts.Dir, name)
	if err := k.add(path, k.only != ""); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			k.log.Debug("evdev: new device not taken yet", "path", path, "err", err)
		}
	}
}
