package evdev

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// uinput ioctls of linux/uinput.h.
const (
	uiSetEvBit   = 1<<30 | 4<<16 | 'U'<<8 | 100 // UI_SET_EVBIT
	uiSetKeyBit  = 1<<30 | 4<<16 | 'U'<<8 | 101 // UI_SET_KEYBIT
	uiDevSetup   = 1<<30 | 92<<16 | 'U'<<8 | 3  // UI_DEV_SETUP, struct uinput_setup
	uiDevCreate  = 'U'<<8 | 1                   // UI_DEV_CREATE
	uiDevDestroy = 'U'<<8 | 2                   // UI_DEV_DESTROY
)

// uiGetSysname is UI_GET_SYSNAME for a buffer of n bytes.
func uiGetSysname(n int) uintptr { return uintptr(2)<<30 | uintptr(n)<<16 | 'U'<<8 | 44 }

// virtualKeyboard is a keyboard made with /dev/uinput.
type virtualKeyboard struct {
	file *os.File
	path string // its /dev/input/eventN node
}

// newVirtualKeyboard creates a uinput keyboard, or skips the test when
// /dev/uinput cannot be opened. It never skips when it can be opened.
func newVirtualKeyboard(t *testing.T) *virtualKeyboard {
	t.Helper()
	f, err := os.OpenFile("/dev/uinput", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no virtual keyboard: %v (the kernel needs CONFIG_INPUT_UINPUT and the node /dev/uinput)", err)
	}
	fd := f.Fd()
	must := func(what string, err error) {
		if err != nil {
			f.Close()
			t.Fatalf("uinput %s: %v", what, err)
		}
	}
	must("UI_SET_EVBIT", ioctlValue(fd, uiSetEvBit, evKey))
	for code := 1; code <= 111; code++ {
		must("UI_SET_KEYBIT", ioctlValue(fd, uiSetKeyBit, uintptr(code)))
	}
	var setup [92]byte
	binary.NativeEndian.PutUint16(setup[0:], 0x03) // BUS_USB
	binary.NativeEndian.PutUint16(setup[2:], 0x1234)
	binary.NativeEndian.PutUint16(setup[4:], 0x5678)
	copy(setup[8:], "einkterm test keyboard")
	must("UI_DEV_SETUP", ioctlPointer(fd, uiDevSetup, unsafe.Pointer(&setup)))
	must("UI_DEV_CREATE", ioctlValue(fd, uiDevCreate, 0))
	v := &virtualKeyboard{file: f}
	t.Cleanup(func() {
		ioctlValue(fd, uiDevDestroy, 0)
		f.Close()
	})

	var name [64]byte
	must("UI_GET_SYSNAME", ioctlPointer(fd, uiGetSysname(len(name)), unsafe.Pointer(&name)))
	sys := filepath.Join("/sys/devices/virtual/input", cString(name[:]))
	deadline := time.Now().Add(5 * time.Second)
	for v.path == "" {
		m, _ := filepath.Glob(filepath.Join(sys, "event*"))
		if len(m) > 0 {
			v.path = filepath.Join("/dev/input", filepath.Base(m[0]))
			if _, err := os.Stat(v.path); err != nil {
				v.path = ""
			}
		}
		if v.path == "" && time.Now().After(deadline) {
			t.Fatalf("no event node for %s after 5 s", sys)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return v
}

func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

func ioctlValue(fd, req, v uintptr) error {
	_, _, e := unix.Syscall(unix.SYS_IOCTL, fd, req, v)
	if e != 0 {
		return e
	}
	return nil
}

func ioctlPointer(fd, req uintptr, p unsafe.Pointer) error {
	_, _, e := unix.Syscall(unix.SYS_IOCTL, fd, req, uintptr(p))
	if e != 0 {
		return e
	}
	return nil
}

// emit writes one key event and a SYN_REPORT.
func (v *virtualKeyboard) emit(t *testing.T, code uint16, value int32) {
	t.Helper()
	for _, e := range []inputEvent{{Type: evKey, Code: code, Value: value}, {Type: evSyn}} {
		b := unsafe.Slice((*byte)(unsafe.Pointer(&e)), eventSize)
		if _, err := v.file.Write(b); err != nil {
			t.Fatalf("uinput write: %v", err)
		}
	}
}

func (v *virtualKeyboard) tap(t *testing.T, code uint16) {
	v.emit(t, code, keyPressed)
	v.emit(t, code, keyReleased)
}

// grabbedByOther reports whether another open file holds the grab of
// the device at path: EVIOCGRAB fails with EBUSY then.
func grabbedByOther(t *testing.T, path string) bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	err = ioctlValue(f.Fd(), uintptr(ioctlGrab), 1)
	if errors.Is(err, syscall.EBUSY) {
		return true
	}
	if err != nil {
		t.Fatalf("EVIOCGRAB on %s: %v", path, err)
	}
	ioctlValue(f.Fd(), uintptr(ioctlGrab), 0)
	return false
}

func TestUinputKeyboard(t *testing.T) {
	v := newVirtualKeyboard(t)
	k, err := Open(v.path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !grabbedByOther(t, v.path) {
		t.Error("device not grabbed while the keyboard is open")
	}
	v.emit(t, codeLeftShift, keyPressed)
	v.tap(t, 35) // h
	v.emit(t, codeLeftShift, keyReleased)
	v.tap(t, 23)  // i
	v.tap(t, 103) // up
	v.tap(t, 28)  // enter
	if got := readBytes(t, k, 6); got != "Hi\x1b[A\r" {
		t.Errorf("read %s, want \"Hi\\x1b[A\\r\"", quote([]byte(got)))
	}
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	if grabbedByOther(t, v.path) {
		t.Error("grab held after Close")
	}
}

func TestUinputGrabReleasedOnExit(t *testing.T) {
	v := newVirtualKeyboard(t)
	for _, exit := range []string{"panic", "panic-goroutine", "sigterm"} {
		t.Run(exit, func(t *testing.T) {
			runExitHelper(t, exit, "EVDEV_EXIT_DEVICE="+v.path)
			if grabbedByOther(t, v.path) {
				t.Errorf("grab held after the helper's %s", exit)
			}
		})
	}
}
