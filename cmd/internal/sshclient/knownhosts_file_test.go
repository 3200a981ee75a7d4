package sshclient

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestAppendLineKeepsNamedPipe saves a host key to a named pipe, used in
// place of /dev/null: the line goes through the pipe and the pipe
// stays a pipe, where a rename would have put a regular file.
func TestAppendLineKeepsNamedPipe(t *testing.T) {
	pipe := filepath.Join(t.TempDir(), "known_hosts")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(pipe)
		if err != nil {
			got <- err.Error()
			return
		}
		defer f.Close()
		data, _ := io.ReadAll(f)
		got <- string(data)
	}()
	if err := appendLineAtomic(pipe, "host ssh-ed25519 AAAA"); err != nil {
		t.Fatal(err)
	}
	if line := <-got; line != "host ssh-ed25519 AAAA\n" {
		t.Errorf("the pipe carried %q, want the line", line)
	}
	st, err := os.Lstat(pipe)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("known_hosts is now %v, want the named pipe kept", st.Mode())
	}
}

// TestAppendLineFollowsSymlink saves a host key through a symbolic
// link: the file it names gets the line and the link stays.
func TestAppendLineFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real_known_hosts")
	if err := os.WriteFile(target, []byte("old ssh-ed25519 AAAA\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "known_hosts")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	appendThroughLink(t, link, "new ssh-ed25519 BBBB")
	data, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(data), "old ssh-ed25519 AAAA\nnew ssh-ed25519 BBBB\n") {
		t.Errorf("the linked file holds %q, want both lines", data)
	}
}

// TestKnownHostsNamedPipeRejected names a named pipe as the known_hosts
// file: reading it would wait for a writer for ever, so the login fails
// at once and names it.
func TestKnownHostsNamedPipeRejected(t *testing.T) {
	pipe := filepath.Join(t.TempDir(), "known_hosts")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Fatal(err)
	}
	h := &hostKeys{file: pipe}
	done := make(chan error, 1)
	go func() {
		_, err := h.callback()
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "is a named pipe, not a regular file") {
			t.Errorf("error %v, want one naming the named pipe", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reading a named pipe as known_hosts blocked")
	}
}

// TestAppendLineDanglingSymlink saves a host key through a link to a
// file that does not exist yet: the file is made where the link points
// and the link stays.
func TestAppendLineDanglingSymlink(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "known_hosts")
	if err := os.Symlink("real_known_hosts", link); err != nil {
		t.Fatal(err)
	}
	appendThroughLink(t, link, "new ssh-ed25519 BBBB")
	data, err := os.ReadFile(filepath.Join(dir, "real_known_hosts"))
	if err != nil || string(data) != "new ssh-ed25519 BBBB\n" {
		t.Errorf("the link's target holds %q, %v; want the line", data, err)
	}
}

// appendThroughLink saves line to the known_hosts file at link, a
// symbolic link, and checks that the link is still one.
func appendThroughLink(t *testing.T, link, line string) {
	t.Helper()
	if err := appendLineAtomic(link, line); err != nil {
		t.Fatal(err)
	}
	st, err := os.Lstat(link)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("known_hosts is now %v, want the link kept", st.Mode())
	}
}
