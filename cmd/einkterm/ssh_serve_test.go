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

// servePrompt is a login question that einkterm serve shows and the
// answer a VNC client types to it.
type servePrompt struct {
	question, answer string
	secret           bool // the answer must not appear on standard error
}

// TestServeSSHPromptsFromVNC logs in through einkterm serve with each
// kind of login question answered by RFB key events: the prompts read
// the served panel's keyboard, because standard input is not a
// terminal.
func TestServeSSHPromptsFromVNC(t *testing.T) {
	user, password := peertest.PasswordUser(t)
	const passphrase = "serve passphrase 4711"
	lockedKey := filepath.Join(t.TempDir(), "id_ed25519")
	peertest.Keygen(t, lockedKey, passphrase)

	tests := []struct {
		name    string
		sshd    peertest.SSHDOptions
		args    func(s *peertest.SSHD) []string
		user    string
		prompts []servePrompt
	}{
		{
			name: "password",
			sshd: peertest.SSHDOptions{Extra: []string{"PasswordAuthentication yes", "KbdInteractiveAuthentication no"}},
			args: func(s *peertest.SSHD) []string {
				return []string{"--known-hosts", s.KnownHosts, "-i", s.ClientKey + ".missing", user + "@" + s.Addr()}
			},
			user:    user,
			prompts: []servePrompt{{user + "@127.0.0.1's password: ", password, true}},
		},
		{
			name: "passphrase",
			sshd: peertest.SSHDOptions{ClientKey: lockedKey},
			args: func(s *peertest.SSHD) []string {
				return []string{"--known-hosts", s.KnownHosts, "-i", lockedKey, "root@" + s.Addr()}
			},
			user:    "root",
			prompts: []servePrompt{{"Enter passphrase for key '" + lockedKey + "': ", passphrase, true}},
		},
		{
			name: "unknown host key",
			args: func(s *peertest.SSHD) []string {
				empty := filepath.Join(t.TempDir(), "known_hosts")
				return []string{"--known-hosts", empty, "-i", s.ClientKey, "root@" + s.Addr()}
			},
			user:    "root",
			prompts: []servePrompt{{"Are you sure you want to continue connecting (yes/no)? ", "yes", false}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := peertest.StartSSHD(t, tt.sshd)
			// The remote command may run as the password user, so the
			// folder it writes to must be open to it.
			shared, err := os.MkdirTemp("", "einkterm-serve-ssh-")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(shared) })
			if err := os.Chmod(shared, 0o777); err != nil {
				t.Fatal(err)
			}
			marker := filepath.Join(shared, "logged-in")

			args := append([]string{"-F", "none", "--no-agent"}, tt.args(s)...)
			port, stderr := startServeSSH(t, append(args, "id -un > "+marker+"; sleep 30")...)
			client := dialRaw(t, port)
			for _, p := range tt.prompts {
				waitFor(t, "question "+p.question, 30*time.Second, func() bool {
					return strings.Contains(stderr.String(), p.question)
				}, stderr.String)
				typeRFB(t, client, p.answer)
			}
			waitFor(t, "file written by the remote command", 30*time.Second, func() bool {
				data, err := os.ReadFile(marker)
				return err == nil && strings.TrimSpace(string(data)) == tt.user
			}, func() string { return stderr.String() + "\nsshd:\n" + s.Log() })
			for _, p := range tt.prompts {
				if p.secret && strings.Contains(stderr.String(), p.answer) {
					t.Errorf("the secret answer appears on standard error:\n%s", stderr.String())
				}
			}
		})
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
