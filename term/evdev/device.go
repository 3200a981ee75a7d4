package evdev

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Device is one input device. The Keyboard reads and grabs devices
// through it; tests pass fakes that play recorded event streams.
type Device interface {
	// ReadEvents blocks until events arrive and returns them. It returns
	// an error when the device is unplugged or closed.
	ReadEvents() ([]Event, error)

	// Grab takes the device for this process alone (EVIOCGRAB 1).
	Grab() error

	// Release gives the grab back (EVIOCGRAB 0).
	Release() error

	// IsKeyboard reports whether the device has letter keys, which tells
	// a keyboard from power buttons, lid switches and touch screens.
	IsKeyboard() bool

	// SetRepeat sets the autorepeat delay and period in milliseconds.
	SetRepeat(delayMS, periodMS int) error

	// Name returns the device's name (EVIOCGNAME), for logs.
	Name() string

	Close() error
}

// sysDevice is an event device node. The file is in non-blocking mode
// under Go's poller, so Close ends a blocked ReadEvents.
type sysDevice struct {
	file *os.File
	buf  []byte
}

// openDevice opens the event device at path.
func openDevice(path string) (Device, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("evdev: %w", err)
	}
	return &sysDevice{file: f, buf: make([]byte, 64*eventSize)}, nil
}

// ioctl runs request req on the device's descriptor, with value as the
// argument, or ptr when it is not nil. It leaves the file in
// non-blocking mode, which File.Fd would not.
func (d *sysDevice) ioctl(req uint, value uintptr, ptr unsafe.Pointer) error {
	rc, err := d.file.SyscallConn()
	if err != nil {
		return err
	}
	var errno syscall.Errno
	cerr := rc.Control(func(fd uintptr) {
		if ptr != nil {
			_, _, errno = unix.Syscall(unix.SYS_IOCTL, fd, uintptr(req), uintptr(ptr))
			return
		}
		_, _, errno = unix.Syscall(unix.SYS_IOCTL, fd, uintptr(req), value)
	})
	if cerr != nil {
		return cerr
	}
	if errno != 0 {
		return errno
	}
	return nil
}

func (d *sysDevice) ReadEvents() ([]Event, error) {
	n, err := d.file.Read(d.buf)
	if err != nil {
		return nil, err
	}
	return decodeEvents(d.buf[:n]), nil
}

// decodeEvents decodes whole input_event records from b.
func decodeEvents(b []byte) []Event {
	timeSize := eventSize - 8
	ev := make([]Event, 0, len(b)/eventSize)
	for ; len(b) >= eventSize; b = b[eventSize:] {
		r := b[timeSize:]
		ev = append(ev, Event{
			Type:  binary.NativeEndian.Uint16(r[0:]),
			Code:  binary.NativeEndian.Uint16(r[2:]),
			Value: int32(binary.NativeEndian.Uint32(r[4:])),
		})
	}
	return ev
}

func (d *sysDevice) Grab() error {
	if err := d.ioctl(ioctlGrab, 1, nil); err != nil {
		if errors.Is(err, syscall.EBUSY) {
			return fmt.Errorf("evdev: EVIOCGRAB on %s: %w: another program holds the grab", d.file.Name(), err)
		}
		return fmt.Errorf("evdev: EVIOCGRAB on %s: %w", d.file.Name(), err)
	}
	return nil
}

func (d *sysDevice) Release() error {
	if err := d.ioctl(ioctlGrab, 0, nil); err != nil {
		return fmt.Errorf("evdev: EVIOCGRAB 0 on %s: %w", d.file.Name(), err)
	}
	return nil
}

func (d *sysDevice) IsKeyboard() bool {
	var bits [keyMax/8 + 1]byte
	if d.ioctl(ioctlKeyBits, 0, unsafe.Pointer(&bits)) != nil {
		return false
	}
	has := func(code int) bool { return bits[code/8]&(1<<(code%8)) != 0 }
	// KEY_A, KEY_Z, KEY_ENTER and KEY_SPACE.
	return has(30) && has(44) && has(28) && has(57)
}

func (d *sysDevice) SetRepeat(delayMS, periodMS int) error {
	rep := [2]uint32{uint32(delayMS), uint32(periodMS)}
	if err := d.ioctl(ioctlSetRepeat, 0, unsafe.Pointer(&rep)); err != nil {
		return fmt.Errorf("evdev: EVIOCSREP on %s: %w", d.file.Name(), err)
	}
	return nil
}

func (d *sysDevice) Name() string {
	var b [256]byte
	if d.ioctl(ioctlName(len(b)), 0, unsafe.Pointer(&b)) != nil {
		return d.file.Name()
	}
	return string(bytes.TrimRight(b[:], "\x00"))
}

func (d *sysDevice) Close() error { return d.file.Close() }
