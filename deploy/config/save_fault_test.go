package config

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/einkterm/einkterm/deploy/peertest"
)

// smallDisk mounts a tmpfs of size bytes on a new folder and unmounts
// it when the test ends. It needs root.
func smallDisk(t *testing.T, size int) string {
	t.Helper()
	peertest.RequireRoot(t, "mounting a small tmpfs to fill")
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+strconv.Itoa(size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("mount -t tmpfs: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// fill writes a file in dir until the file system has at most spare
// bytes left.
func fill(t *testing.T, dir string, spare int) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 512)
	for {
		var st syscall.Statfs_t
		if err := syscall.Statfs(dir, &st); err != nil {
			t.Fatal(err)
		}
		if int(st.Bavail)*int(st.Bsize) <= spare {
			return
		}
		if _, err := f.Write(block); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return
			}
			t.Fatal(err)
		}
	}
}

// TestSaveOnFullDisk saves a config on a file system with no room for
// the new copy: Save must fail with an error that names the file and
// says to free space, and leave the old file and no temporary file.
func TestSaveOnFullDisk(t *testing.T) {
	dir := smallDisk(t, 64<<10)
	path := filepath.Join(dir, FileName)
	old := []byte("# the working config\npanel = \"it8951-10in3\"\nrotation = 90\n" +
		strings.Repeat("# padding line so the copy needs room\n", 200))
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	fill(t, dir, 0)

	err := Save(path, append(append([]byte{}, old...), "board = \"pi4\"\n"...))
	if err == nil {
		t.Fatal("Save on a full disk succeeded")
	}
	t.Logf("error: %v", err)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("error %v does not wrap ENOSPC", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
	if !strings.Contains(err.Error(), "free space") {
		t.Errorf("error %q does not say to free space", err)
	}
	got, rerr := os.ReadFile(path)
	if rerr != nil {
		t.Fatal(rerr)
	}
	if !bytes.Equal(got, old) {
		t.Errorf("the old config changed: %d bytes, want the %d old ones", len(got), len(old))
	}
	checkNoTemp(t, dir)
}
