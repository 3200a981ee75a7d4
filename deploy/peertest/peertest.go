// Package peertest finds the real servers and tools that einkterm's tests
// run against (sshd, Xvnc, x11vnc, Xvfb, qemu-user), and free loopback
// ports for them. Under CI=true a missing peer fails the test; elsewhere
// it skips with the package to install.
package peertest

import (
	"net"
	"os"
	"os/exec"
	"testing"
)

// Require returns the path of command name, which Debian's package pkg
// provides. It fails the test under CI=true when the command is missing,
// and skips it otherwise.
func Require(t testing.TB, name, pkg string) string {
	t.Helper()
	for _, dir := range []string{"", "/usr/sbin/", "/sbin/"} {
		if p, err := exec.LookPath(dir + name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found: CI needs it; install Debian package %s (make test does this as root)", name, pkg)
	}
	t.Skipf("%s not found: install Debian package %s, or run make test as root", name, pkg)
	return ""
}

// RequireRoot skips the test, or fails it under CI=true, unless the test
// runs as root (sshd can only open ptys for other users as root).
func RequireRoot(t testing.TB, why string) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("test needs root: %s", why)
	}
	t.Skipf("test needs root: %s", why)
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("no free loopback port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
