package evdev

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// fakeDevice plays events sent on its channel; closing the channel is an
// unplug (ENODEV). It records grabs and releases, to a file as well
// when log is set, so a parent process can read what a child did.
type fakeDevice struct {
	events   chan []Event
	keyboard bool
	log      string

	mu      sync.Mutex
	calls   []string
	closed  chan struct{}
	once    sync.Once
	repeats [][2]int
}

func newFakeDevice(keyboard bool) *fakeDevice {
	return &fakeDevice{events: make(chan []Event, 16), keyboard: keyboard, closed: make(chan struct{})}
}

func (d *fakeDevice) record(s string) {
	d.mu.Lock()
	d.calls = append(d.calls, s)
	d.mu.Unlock()
	if d.log == "" {
		return
	}
	f, err := os.OpenFile(d.log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err == nil {
		f.WriteString(s + "\n")
		f.Close()
	}
}

func (d *fakeDevice) ReadEvents() ([]Event, error) {
	select {
	case ev, ok := <-d.events:
		if !ok {
			return nil, syscall.ENODEV
		}
		return ev, nil
	case <-d.closed:
		return nil, os.ErrClosed
	}
}

func (d *fakeDevice) Grab() error      { d.record("grab"); return nil }
func (d *fakeDevice) Release() error   { d.record("release"); return nil }
func (d *fakeDevice) IsKeyboard() bool { return d.keyboard }
func (d *fakeDevice) Name() string     { return "fake keyboard" }
func (d *fakeDevice) SetRepeat(delay, period int) error {
	d.mu.Lock()
	d.repeats = append(d.repeats, [2]int{delay, period})
	d.mu.Unlock()
	return nil
}
func (d *fakeDevice) Close() error {
	d.once.Do(func() { close(d.closed) })
	d.record("close")
	return nil
}

func (d *fakeDevice) history() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return strings.Join(d.calls, " ")
}

// readEventFile reads a stream of "type code value" lines.
func readEventFile(t *testing.T, name string) []Event {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ev []Event
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		var typ, code uint16
		var value int32
		if _, err := fmt.Sscan(line, &typ, &code, &value); err != nil {
			t.Fatalf("%s: bad line %q: %v", name, line, err)
		}
		ev = append(ev, Event{Type: typ, Code: code, Value: value})
	}
	return ev
}

// fakeOpener returns an openDevice function serving devices by path.
type fakeOpener struct {
	mu      sync.Mutex
	devices map[string]*fakeDevice
	opened  []string
}

func (o *fakeOpener) open(path string) (Device, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.opened = append(o.opened, path)
	d, ok := o.devices[path]
	if !ok {
		return nil, fmt.Errorf("open %s: %w", path, os.ErrNotExist)
	}
	return d, nil
}

func (o *fakeOpener) set(path string, d *fakeDevice) {
	o.mu.Lock()
	o.devices[path] = d
	o.mu.Unlock()
}

// quote shows bytes as a Go string for failure messages.
func quote(b []byte) string { return strconv.Quote(string(b)) }
