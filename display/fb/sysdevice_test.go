package fb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A plain file stands in for /dev/fbN: mmap and pwrite are the real
// ones, and the screen-info ioctls fail as on any device that is not a
// framebuffer.
func TestSysDeviceOnPlainFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fb0")
	if err := os.WriteFile(path, make([]byte, 64), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := OpenDevice(path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	_, err = d.Geometry()
	if err == nil || !strings.Contains(err.Error(), "is not a framebuffer") {
		t.Errorf("Geometry = %v, want a not-a-framebuffer error", err)
	}
	mem, err := d.Map(64)
	if err != nil {
		t.Fatal(err)
	}
	mem[3] = 7
	if err := d.Unmap(mem); err != nil {
		t.Fatal(err)
	}
	if _, err := d.WriteAt([]byte{9}, 5); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if b[3] != 7 || b[5] != 9 {
		t.Errorf("file bytes 3 and 5 = %d, %d; want 7 and 9", b[3], b[5])
	}
	if err := d.Blank(true); err == nil || !IsUnsupported(err) {
		t.Errorf("Blank on a plain file = %v, want an unsupported-ioctl error", err)
	}
	if _, err := Open(path, Options{Console: "none"}); err == nil {
		t.Error("Open of a plain file succeeded")
	}
	if _, err := OpenVT(path); err == nil {
		t.Error("OpenVT of a plain file succeeded")
	}
}
