package peertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// PasswordUser makes sure the local user einkssh exists with the test
// password and returns both. It needs root; the user is kept for later
// runs. The password is fixed, because tests in other packages and
// processes set it at the same time, and a fresh one per call would
// change it under a login in progress.
func PasswordUser(t testing.TB) (name, password string) {
	t.Helper()
	RequireRoot(t, "setting a local user's password")
	name = "einkssh"
	if err := exec.Command("id", name).Run(); err != nil {
		if out, err := exec.Command("useradd", "-m", "-s", "/bin/sh", name).CombinedOutput(); err != nil {
			t.Fatalf("useradd: %v\n%s", err, out)
		}
	}
	password = testPassword
	cmd := exec.Command("chpasswd")
	cmd.Stdin = strings.NewReader(name + ":" + password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chpasswd: %v\n%s", err, out)
	}
	return name, password
}

// testPassword is einkssh's password: distinctive, so that a test can
// search logs and screens for it.
const testPassword = "pw-einkssh-7Qx2v9"

// StartAgent starts OpenSSH's ssh-agent on a socket of its own, adds the
// private key files and returns the socket. The agent stops with the
// test.
func StartAgent(t testing.TB, keys ...string) string {
	t.Helper()
	agentBin := Require(t, "ssh-agent", "openssh-client")
	add := Require(t, "ssh-add", "openssh-client")
	sock := filepath.Join(t.TempDir(), "agent.sock")
	cmd := exec.Command(agentBin, "-a", sock, "-D")
	if err := cmd.Start(); err != nil {
		t.Fatalf("ssh-agent: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("ssh-agent did not create its socket within 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, key := range keys {
		addCmd := exec.Command(add, key)
		addCmd.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
		if out, err := addCmd.CombinedOutput(); err != nil {
			t.Fatalf("ssh-add %s: %v\n%s", key, err, out)
		}
	}
	return sock
}

// Keygen makes an ed25519 key pair at path with passphrase pass (empty
// for none).
func Keygen(t testing.TB, path, pass string) {
	t.Helper()
	bin := Require(t, "ssh-keygen", "openssh-client")
	out, err := exec.Command(bin, "-q", "-t", "ed25519", "-N", pass, "-f", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
}
