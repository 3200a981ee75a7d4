package evdev

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// inputEvent is struct input_event of linux/input.h: a timeval, then
// type, code and value (24 bytes on 64-bit machines, 16 on 32-bit).
type inputEvent struct {
	Time  unix.Timeval
	Type  uint16
	Code  uint16
	Value int32
}

const eventSize = int(unsafe.Sizeof(inputEvent{}))

// Event types and key values of linux/input-event-codes.h.
const (
	evSyn = 0x00
	evKey = 0x01

	keyReleased = 0
	keyPressed  = 1
	keyRepeated = 2
)

// Event is one input event: a key press, repeat or release (Type 1,
// EV_KEY) or another kind the translator ignores.
type Event struct {
	Type  uint16
	Code  uint16
	Value int32
}

// ioctl request encoding of asm-generic/ioctl.h for type 'E'.
func ioc(dir, nr, size uintptr) uint {
	return uint(dir<<30 | size<<16 | 'E'<<8 | nr)
}

const (
	iocWrite = 1
	iocRead  = 2

	keyMax = 0x2ff // KEY_MAX
)

var (
	ioctlGrab      = ioc(iocWrite, 0x90, 4)               // EVIOCGRAB
	ioctlSetRepeat = ioc(iocWrite, 0x03, 8)               // EVIOCSREP
	ioctlKeyBits   = ioc(iocRead, 0x20+evKey, keyMax/8+1) // EVIOCGBIT(EV_KEY)
)

// ioctlName returns EVIOCGNAME for a buffer of n bytes.
func ioctlName(n int) uint { return ioc(iocRead, 0x06, uintptr(n)) }
