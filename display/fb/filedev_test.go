package fb

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// fileDevice is a framebuffer backed by a temporary file: Map maps the
// file and WriteAt writes to it, so the bytes a test reads back are what
// a driver would have received.
type fileDevice struct {
	file    *os.File
	geo     Geometry
	noMmap  bool // Map fails, as on drivers without mmap
	blanked []bool
	closed  bool
}

func newFileDevice(t *testing.T, geo Geometry, noMmap bool) *fileDevice {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "fb"))
	if err != nil {
		t.Fatal(err)
	}
	size := geo.MemLen
	if size == 0 {
		size = geo.MapLen()
	}
	if err := f.Truncate(int64(size)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &fileDevice{file: f, geo: geo, noMmap: noMmap}
}

func (d *fileDevice) Geometry() (Geometry, error) { return d.geo, nil }

func (d *fileDevice) Map(length int) ([]byte, error) {
	if d.noMmap {
		return nil, syscall.ENODEV
	}
	return unix.Mmap(int(d.file.Fd()), 0, length, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
}

func (d *fileDevice) Unmap(mem []byte) error { return unix.Munmap(mem) }

func (d *fileDevice) WriteAt(p []byte, off int64) (int, error) { return d.file.WriteAt(p, off) }

func (d *fileDevice) Blank(powerdown bool) error {
	d.blanked = append(d.blanked, powerdown)
	return nil
}

func (d *fileDevice) Close() error {
	d.closed = true
	return nil
}

// bytes returns the file's contents.
func (d *fileDevice) bytes(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(d.file.Name())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fakeConsole records the console calls.
type fakeConsole struct{ calls []string }

func (c *fakeConsole) Graphics() error {
	c.calls = append(c.calls, "graphics")
	return nil
}

func (c *fakeConsole) Restore() error {
	c.calls = append(c.calls, "restore")
	return nil
}
