package mxcfb

import (
	"encoding/binary"
	"sync"
	"syscall"
	"time"

	"github.com/einkterm/einkterm/display/fb"
)

// sentUpdate is an MXCFB_SEND_UPDATE as the fake decoded it.
type sentUpdate struct {
	size                     int
	top, left, width, height uint32
	waveform, updateMode     uint32
	marker                   uint32
	temp                     int32
}

// call is one ioctl the fake received.
type call struct {
	req    uint
	ok     bool
	marker uint32 // of a wait
}

// fakeEPDC is an EPDC driver that takes one MXCFB_SEND_UPDATE request
// number and one wait request number, and fails the others with EINVAL
// as the real drivers do. It decodes what it takes with the field
// offsets of the C headers, not with this package's structs.
type fakeEPDC struct {
	geo  fb.Geometry
	mem  []byte
	send uint // the request number taken for updates; 0 takes none
	wait uint // the request number taken for waits; 0 takes none

	// kindle decodes 72-byte updates in Kindle's order.
	kindle bool

	// hang makes every accepted wait block until release is closed;
	// onHang runs when a wait starts to block.
	hang    bool
	release chan struct{}
	onHang  func()

	mu      sync.Mutex
	calls   []call
	updates []sentUpdate
	closed  bool
}

func newFake(geo fb.Geometry, send, wait uint) *fakeEPDC {
	return &fakeEPDC{geo: geo, mem: make([]byte, geo.MapLen()), send: send, wait: wait,
		release: make(chan struct{})}
}

func (d *fakeEPDC) Geometry() (fb.Geometry, error) { return d.geo, nil }
func (d *fakeEPDC) Map(n int) ([]byte, error)      { return d.mem[:n], nil }
func (d *fakeEPDC) Unmap([]byte) error             { return nil }
func (d *fakeEPDC) WriteAt(p []byte, off int64) (int, error) {
	return copy(d.mem[off:], p), nil
}
func (d *fakeEPDC) Blank(bool) error { return nil }
func (d *fakeEPDC) Close() error {
	d.closed = true
	return nil
}

// tempOffset returns where the temp field sits in an update struct:
// after the two histogram fields in the 72-byte Kindle layout, else
// right after update_marker.
func (d *fakeEPDC) tempOffset(size int) int {
	if d.kindle && size == 72 {
		return 36
	}
	return 28
}

func (d *fakeEPDC) Ioctl(req uint, arg []byte) error {
	size := int(req >> 16 & 0x3FFF)
	if size != len(arg) {
		panic("argument length differs from the size in the request number")
	}
	nr := req & 0xFF
	d.mu.Lock()
	switch {
	case nr == 0x2E && req == d.send:
		le := binary.LittleEndian
		u := sentUpdate{size: size,
			top: le.Uint32(arg[0:]), left: le.Uint32(arg[4:]),
			width: le.Uint32(arg[8:]), height: le.Uint32(arg[12:]),
			waveform: le.Uint32(arg[16:]), updateMode: le.Uint32(arg[20:]),
			marker: le.Uint32(arg[24:]),
		}
		u.temp = int32(le.Uint32(arg[d.tempOffset(size):]))
		d.updates = append(d.updates, u)
		d.calls = append(d.calls, call{req: req, ok: true})
		d.mu.Unlock()
		return nil
	case (nr == 0x2F || nr == 0x35) && req == d.wait:
		m := binary.LittleEndian.Uint32(arg)
		d.calls = append(d.calls, call{req: req, ok: true, marker: m})
		hang := d.hang
		d.mu.Unlock()
		if m == 0 {
			return syscall.EINVAL
		}
		if hang {
			if d.onHang != nil {
				d.onHang()
			}
			<-d.release
		}
		return nil
	}
	d.calls = append(d.calls, call{req: req})
	d.mu.Unlock()
	return syscall.EINVAL
}

func (d *fakeEPDC) sent() []sentUpdate {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]sentUpdate(nil), d.updates...)
}

func (d *fakeEPDC) log() []call {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]call(nil), d.calls...)
}

// gatedClock is a clock whose wait timeouts (timers of exactly
// timeout) fire once gate is closed, and whose other timers fire at
// once. The fake closes the gate when a wait blocks, so a hanging wait
// times out without the test sleeping and a rejected one never does.
type gatedClock struct {
	timeout time.Duration
	gate    chan struct{}
}

func newGatedClock(timeout time.Duration) *gatedClock {
	return &gatedClock{timeout: timeout, gate: make(chan struct{})}
}

func (c *gatedClock) Now() time.Time { return time.Time{} }
func (c *gatedClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	if d != c.timeout {
		ch <- time.Time{}
		return ch
	}
	go func() {
		<-c.gate
		ch <- time.Time{}
	}()
	return ch
}

// stoppedClock is a clock whose timers never fire.
type stoppedClock struct{}

func (stoppedClock) Now() time.Time                       { return time.Time{} }
func (stoppedClock) After(time.Duration) <-chan time.Time { return nil }
