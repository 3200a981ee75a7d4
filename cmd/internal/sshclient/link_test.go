package sshclient

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
)

func TestKeepAliveDetectsDeadLink(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	proxy := peertest.StartProxy(t, s.Addr())
	cfg := keyConfig(s)
	cfg.Port = proxy.Port
	// The known_hosts entry names the server's port, not the proxy's.
	writeKnownHosts(t, s.KnownHosts, fmt.Sprintf("[127.0.0.1]:%d %s", cfg.Port, s.HostPub))
	cfg.KeepAlive = 200 * time.Millisecond
	cfg.KeepAliveMax = 2
	log, buf := debugLogger()
	cfg.Logger = log
	c := dial(t, cfg)
	if err := c.Probe(5 * time.Second); err != nil {
		t.Fatalf("probe on a live link: %v", err)
	}
	if got := run(t, c, "echo alive"); got != "alive\n" {
		t.Fatalf("output %q", got)
	}

	proxy.Freeze()
	select {
	case <-c.Done():
	case <-time.After(15 * time.Second):
		t.Fatal("dead link not detected within 15 s with 200 ms keepalives")
	}
	if !errors.Is(c.Err(), ErrLinkDead) {
		t.Errorf("link ended with %v, want ErrLinkDead", c.Err())
	}
	if n := strings.Count(buf.String(), "keepalive unanswered"); n != 2 {
		t.Errorf("logged %d unanswered keepalives, want ServerAliveCountMax 2:\n%s", n, buf)
	}
}

// TestSessionResize checks the remote pty size before and after a
// window-change request.
func TestSessionResize(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	c := dial(t, keyConfig(s))
	sess, err := StartSession(c, PtyOptions{
		Cols: 80, Rows: 24,
		Command: "stty size; read line; stty size",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	out := bufio.NewReader(sess)
	if got := readSize(t, out); got != "24 80" {
		t.Errorf("first stty size %q, want 24 80", got)
	}
	if err := sess.Resize(100, 30); err != nil {
		t.Fatal(err)
	}
	// The window change and the newline travel in order on the same
	// connection, so the second stty sees the new size.
	io.WriteString(sess, "\n")
	if got := readSize(t, out); got != "30 100" {
		t.Errorf("second stty size %q, want 30 100", got)
	}
	if status, err := sess.Wait(); status != 0 || err != nil {
		t.Errorf("exit status %d, %v", status, err)
	}
}

// readSize returns the next line of two numbers.
func readSize(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	for {
		line, err := r.ReadString('\n')
		line = strings.TrimSpace(line)
		var a, b int
		if n, _ := fmt.Sscanf(line, "%d %d", &a, &b); n == 2 {
			return line
		}
		if err != nil {
			t.Fatalf("no stty size line: %v", err)
		}
	}
}
