package fb

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// Console is the virtual console whose text fbcon draws on the same
// framebuffer. Graphics stops fbcon from drawing over the panel's
// picture. Restore undoes it and may be called more than once.
type Console interface {
	Graphics() error
	Restore() error
}

// Ioctls and modes of linux/kd.h.
const (
	ioctlKDSetMode = 0x4B3A // KDSETMODE
	ioctlKDGetMode = 0x4B3B // KDGETMODE
	kdText         = 0x00   // KD_TEXT
	kdGraphics     = 0x01   // KD_GRAPHICS
)

// Escape sequences that hide and show the text cursor (DECTCEM).
const (
	hideCursor = "\x1b[?25l"
	showCursor = "\x1b[?25h"
)

// VT is a Linux virtual console such as /dev/tty1.
type VT struct {
	file *os.File

	mu       sync.Mutex
	saved    int    // the KD mode found at open
	switched bool   // Graphics ran and Restore has not
	guard    *guard // restores the console if this process dies, or nil
	warn     func(error)
}

var _ Console = (*VT)(nil)

// OpenVT opens the virtual console at path. An empty path means the
// controlling terminal when it is a virtual console, else /dev/tty0 (the
// foreground console). It returns ErrNotVT when the terminal is not a
// virtual console, as over SSH or on readers without one.
func OpenVT(path string) (*VT, error) {
	if path != "" {
		return openVT(path)
	}
	vt, err := openVT("/dev/tty")
	if err == nil {
		return vt, nil
	}
	return openVT("/dev/tty0")
}

// ErrNotVT is returned by OpenVT for a terminal that is not a virtual
// console.
var ErrNotVT = errors.New("fb: not a virtual console")

func openVT(path string) (*VT, error) {
	f, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, fmt.Errorf("fb: console: %w", err)
	}
	mode, err := unix.IoctlGetInt(int(f.Fd()), ioctlKDGetMode)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: KDGETMODE on %s: %v", ErrNotVT, path, err)
	}
	return &VT{file: f, saved: mode}, nil
}

// Graphics switches the console to KD_GRAPHICS and hides the cursor.
// It first starts a console guard, a child process that restores the
// console should this process end without running Restore. When the
// guard cannot start, the switch goes on without it.
func (v *VT) Graphics() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.guard == nil {
		g, err := startGuard(v.file, v.saved)
		if err != nil && v.warn != nil {
			v.warn(err)
		}
		v.guard = g
	}
	if _, err := v.file.WriteString(hideCursor); err != nil {
		return fmt.Errorf("fb: hide cursor on %s: %w", v.file.Name(), err)
	}
	if err := unix.IoctlSetInt(int(v.file.Fd()), ioctlKDSetMode, kdGraphics); err != nil {
		return fmt.Errorf("fb: KDSETMODE KD_GRAPHICS on %s: %w", v.file.Name(), err)
	}
	v.switched = true
	return nil
}

// Restore puts back the mode found at open and shows the cursor.
func (v *VT) Restore() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.switched {
		return nil
	}
	v.switched = false
	err := unix.IoctlSetInt(int(v.file.Fd()), ioctlKDSetMode, v.saved)
	if err != nil {
		err = fmt.Errorf("fb: KDSETMODE %d on %s: %w", v.saved, v.file.Name(), err)
	}
	if _, werr := v.file.WriteString(showCursor); werr != nil && err == nil {
		err = fmt.Errorf("fb: show cursor on %s: %w", v.file.Name(), werr)
	}
	return err
}

// Close restores the console, stops the guard and closes the console.
func (v *VT) Close() error {
	err := v.Restore()
	v.mu.Lock()
	g := v.guard
	v.guard = nil
	v.mu.Unlock()
	if g != nil {
		err = errors.Join(err, g.stop())
	}
	return errors.Join(err, v.file.Close())
}
