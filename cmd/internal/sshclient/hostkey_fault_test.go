package sshclient

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

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

// fillDisk writes a file in dir until the file system is full.
func fillDisk(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 512)
	for {
		if _, err := f.Write(block); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return
			}
			t.Fatal(err)
		}
	}
}

func testHostKey(t *testing.T, seed byte) ssh.PublicKey {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{seed}, 64)))
	if err != nil {
		t.Fatal(err)
	}
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestRecordHostKeyOnFullDisk records a new host key in a known_hosts
// file whose file system has no room for the new copy: the old file
// must stay byte for byte, no temporary file may be left, and the error
// must name the file and say to free space.
func TestRecordHostKeyOnFullDisk(t *testing.T) {
	dir := smallDisk(t, 64<<10)
	file := filepath.Join(dir, "known_hosts")
	var old strings.Builder
	for i := 0; i < 100; i++ {
		host := fmt.Sprintf("[host%d.example]:22", i)
		old.WriteString(knownhosts.Line([]string{host}, testHostKey(t, byte(i))) + "\n")
	}
	if err := os.WriteFile(file, []byte(old.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	fillDisk(t, dir)

	h := &hostKeys{file: file}
	err := h.record("[127.0.0.1]:2222", testHostKey(t, 200))
	if err == nil {
		t.Error("recording a host key on a full disk succeeded")
	} else {
		t.Logf("error: %v", err)
		if !strings.Contains(err.Error(), file) {
			t.Errorf("error %q does not name %s", err, file)
		}
		if !strings.Contains(err.Error(), "free space") {
			t.Errorf("error %q does not say to free space", err)
		}
	}
	got, rerr := os.ReadFile(file)
	if rerr != nil {
		t.Fatal(rerr)
	}
	if string(got) != old.String() {
		t.Errorf("known_hosts changed: %d bytes, want the %d old ones", len(got), old.Len())
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".known_hosts-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
