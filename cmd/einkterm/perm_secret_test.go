package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
)

// TestVNCPasswdFileMustBePrivate gives einkterm vnc a --passwd file that
// other users can read: like OpenSSH with a private key, it must refuse
// the file and say how to fix its mode.
func TestVNCPasswdFileMustBePrivate(t *testing.T) {
	port := peertest.FreePort(t)
	pwFile := vncPasswordFile(t, "perm-pw")
	startVNCServer(t, port, "-SecurityTypes", "VncAuth", "-PasswordFile", pwFile)
	if err := os.Chmod(pwFile, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stderr := runVNCCommand(t, 10*time.Second, nil, "--display", "record:"+t.TempDir(),
		"--panel", testPanel, "--passwd", pwFile, fmt.Sprintf("127.0.0.1::%d", port))
	if code == 0 {
		t.Errorf("exit status 0 with a world-readable --passwd file; stderr:\n%s", stderr)
	}
	if !strings.Contains(stderr, pwFile) || !strings.Contains(stderr, "chmod 600") {
		t.Errorf("stderr does not name %s and the fix (chmod 600):\n%s", pwFile, stderr)
	}
}

// TestSSHKeyFileMustBePrivate logs in with a private key file that
// other users can read: like OpenSSH, einkterm must not use the key and
// must say how to fix its mode.
func TestSSHKeyFileMustBePrivate(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	key := filepath.Join(t.TempDir(), "id_ed25519")
	b, err := os.ReadFile(s.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(key, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stderr := runCommand(t, "", "ssh", "--display", "record:"+t.TempDir(), "--panel", testPanel,
		"-F", "none", "--known-hosts", s.KnownHosts, "--no-agent", "-i", key,
		"root@"+s.Addr(), "echo logged-in")
	if code == 0 {
		t.Errorf("exit status 0: a world-readable key was used; stderr:\n%s", stderr)
	}
	if !strings.Contains(stderr, key) || !strings.Contains(stderr, "chmod 600") {
		t.Errorf("stderr does not name %s and the fix (chmod 600):\n%s", key, stderr)
	}
}
