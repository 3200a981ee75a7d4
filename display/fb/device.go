package fb

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Device is the kernel side of a framebuffer: the ioctls and memory
// access that a Surface needs. SysDevice is the real one, and tests pass a
// file-backed fake with the geometry they choose.
type Device interface {
	// Geometry returns the current resolution, line length and layout.
	Geometry() (Geometry, error)

	// Map maps the first length bytes of the memory for writing.
	Map(length int) ([]byte, error)

	// Unmap releases memory returned by Map.
	Unmap(mem []byte) error

	// WriteAt writes p at byte offset off of the memory. It is used when
	// Map fails.
	WriteAt(p []byte, off int64) (int, error)

	// Blank powers the display down (true) or up (false).
	Blank(powerdown bool) error

	Close() error
}

// Ioctl numbers of linux/fb.h.
const (
	ioctlGetVScreenInfo = 0x4600 // FBIOGET_VSCREENINFO
	ioctlGetFScreenInfo = 0x4602 // FBIOGET_FSCREENINFO
	ioctlBlank          = 0x4611 // FBIOBLANK
	blankUnblank        = 0      // FB_BLANK_UNBLANK
	blankPowerdown      = 4      // FB_BLANK_POWERDOWN
)

// SysDevice is a framebuffer device node such as /dev/fb0.
type SysDevice struct {
	file *os.File
	fd   uintptr
}

var _ Device = (*SysDevice)(nil)

// OpenDevice opens the framebuffer device at path for reading and
// writing.
func OpenDevice(path string) (*SysDevice, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("fb: %w", err)
	}
	return &SysDevice{file: f, fd: f.Fd()}, nil
}

// Name returns the path the device was opened with.
func (d *SysDevice) Name() string { return d.file.Name() }

// Ioctl runs ioctl request req with a pointer to arg, which holds the
// request's struct in the kernel's layout. It returns the errno as a
// syscall.Errno, wrapped.
func (d *SysDevice) Ioctl(req uint, arg []byte) error {
	var p unsafe.Pointer
	if len(arg) > 0 {
		p = unsafe.Pointer(&arg[0])
	}
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, d.fd, uintptr(req), uintptr(p))
	if errno != 0 {
		return errno
	}
	return nil
}

// Geometry reads FBIOGET_VSCREENINFO and FBIOGET_FSCREENINFO.
func (d *SysDevice) Geometry() (Geometry, error) {
	var v varScreenInfo
	var f fixScreenInfo
	if err := d.ioctlPtr(ioctlGetVScreenInfo, unsafe.Pointer(&v)); err != nil {
		return Geometry{}, fmt.Errorf("fb: %s is not a framebuffer: FBIOGET_VSCREENINFO failed: %w", d.Name(), err)
	}
	if err := d.ioctlPtr(ioctlGetFScreenInfo, unsafe.Pointer(&f)); err != nil {
		return Geometry{}, fmt.Errorf("fb: FBIOGET_FSCREENINFO on %s: %w", d.Name(), err)
	}
	return geometryOf(v, f)
}

func (d *SysDevice) ioctlPtr(req uint, p unsafe.Pointer) error {
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, d.fd, uintptr(req), uintptr(p))
	if errno != 0 {
		return errno
	}
	return nil
}

// Map maps the memory with mmap(MAP_SHARED).
func (d *SysDevice) Map(length int) ([]byte, error) {
	return unix.Mmap(int(d.fd), 0, length, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
}

// Unmap unmaps memory from Map.
func (d *SysDevice) Unmap(mem []byte) error { return unix.Munmap(mem) }

// WriteAt writes with pwrite.
func (d *SysDevice) WriteAt(p []byte, off int64) (int, error) {
	return d.file.WriteAt(p, off)
}

// Blank runs FBIOBLANK. Drivers without blanking return an error that
// IsUnsupported reports.
func (d *SysDevice) Blank(powerdown bool) error {
	arg := uintptr(blankUnblank)
	if powerdown {
		arg = blankPowerdown
	}
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, d.fd, ioctlBlank, arg)
	if errno != 0 {
		return errno
	}
	return nil
}

// Close closes the device.
func (d *SysDevice) Close() error { return d.file.Close() }

// IsUnsupported reports whether err means the driver lacks an ioctl:
// EINVAL or ENOTTY from a driver, EOPNOTSUPP, or ENOSYS, which qemu-user
// returns for ioctls it does not emulate.
func IsUnsupported(err error) bool {
	return errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTTY) ||
		errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, syscall.ENOSYS)
}
