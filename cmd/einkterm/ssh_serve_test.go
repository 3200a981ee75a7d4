package main

import (
	"encoding/binary"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
	"github.com/einkterm/einkterm/vnc/rfb"
)

// TestServeSSHPasswordFromVNC logs in through einkterm serve with a
// password typed as RFB key events: the login prompts read the served
// panel's keyboard, because standard input is not a terminal.
func TestServeSSHPasswordFromVNC(t *testing.T) {
	user, password := peertest.PasswordUser(t)
	s := peertest.StartSSHD(t, peertest.SSHDOptions{Extra: []string{
		"PasswordAuthentication yes",
		"KbdInteractiveAuthentication no",
	}})
	// The remote command runs as the password user, so the folder it
	// writes to must be open to it.
	shared, err := os.MkdirTemp("", "einkterm-serve-ssh-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(shared) })
	if err := os.Chmod(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(shared, "logged-in")

	port, stderr := startServeSSH(t, "-F", "none", "--known-hosts", s.KnownHosts, "--no-agent",
		"-i", s.ClientKey+".missing", user+"@"+s.Addr(), "id -un > "+marker+"; sleep 30")
	client := dialRaw(t, port)
	prompt := user + "@127.0.0.1's password: "
	waitFor(t, "password prompt", 30*time.Second, func() bool {
		return strings.Contains(stderr.String(), prompt)
	}, stderr.String)

	typeRFB(t, client, password)
	waitFor(t, "file written by the remote command", 30*time.Second, func() bool {
		data, err := os.ReadFile(marker)
		return err == nil && strings.TrimSpace(string(data)) == user
	}, func() string { return stderr.String() + "\nsshd:\n" + s.Log() })
	if strings.Contains(stderr.String(), password) {
		t.Errorf("the password appears on standard error:\n%s", stderr.String())
	}
}

// startServeSSH starts the einkterm binary as "serve ... ssh ARGS" with
// standard input /dev/null, as under a service manager, and returns the
// RFB port and the process's standard error.
func startServeSSH(t *testing.T, args ...string) (int, *lockedBuffer) {
	t.Helper()
	port := peertest.FreePort(t)
	full := append([]string{"serve", "--listen", "127.0.0.1:" + strconv.Itoa(port), "--panel", testPanel, "ssh"}, args...)
	cmd := exec.Command(buildEinkterm(t), full...)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		cmd.Wait()
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	waitFor(t, "RFB listener of einkterm serve", 20*time.Second, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	}, stderr.String)
	return port, stderr
}

// typeRFB sends text and then Return as RFB key presses and releases.
// Printable ASCII characters are their own keysyms.
func typeRFB(t *testing.T, c *rawClient, text string) {
	t.Helper()
	var syms []uint32
	for _, r := range text {
		syms = append(syms, uint32(r))
	}
	syms = append(syms, 0xff0d) // XK_Return
	for _, sym := range syms {
		for _, down := range []byte{1, 0} {
			msg := binary.BigEndian.AppendUint32([]byte{rfb.KeyEventMsg, down, 0, 0}, sym)
			if _, err := c.conn.Write(msg); err != nil {
				t.Fatalf("sending key event: %v", err)
			}
		}
	}
}
