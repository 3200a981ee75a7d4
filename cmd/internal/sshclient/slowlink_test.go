package sshclient

import (
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
)

// throttle copies from src to dst in pieces of size bytes, one every
// gap, as a slow radio link delivers them.
func throttle(dst io.Writer, src io.Reader, size int, gap time.Duration) {
	buf := make([]byte, size)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
			time.Sleep(gap)
		}
		if err != nil {
			return
		}
	}
}

// slowProxy forwards connections on 127.0.0.1 to port, delivering the
// server's bytes 64 at a time every 100 ms, about 640 bytes a second.
func slowProxy(t *testing.T, port int) int {
	t.Helper()
	return fakePeer(t, func(client net.Conn) {
		defer client.Close()
		server, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			return
		}
		defer server.Close()
		go io.Copy(server, client)
		throttle(client, server, 64, 100*time.Millisecond)
	})
}

// TestSlowHandshakeKeepsGoing logs in through a link so slow that the
// handshake takes several times the timeout. Data keeps arriving, so
// the timeout, which counts from the last data, never fires.
func TestSlowHandshakeKeepsGoing(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	cfg := keyConfig(s)
	cfg.Port = slowProxy(t, s.Port)
	cfg.HostKeyPolicy = HostKeyAcceptNew
	cfg.Timeout = time.Second
	start := time.Now()
	c, err := Dial(context.Background(), cfg)
	if err != nil {
		t.Fatalf("login over the slow link failed: %v", err)
	}
	defer c.Close()
	if took := time.Since(start); took < 2*cfg.Timeout {
		t.Errorf("the handshake took %v, under twice the %v timeout, so the proxy did not slow it", took, cfg.Timeout)
	}
}

// TestStalledHandshakeTimesOut talks to a peer that sends its version
// line and then nothing: the login fails after the timeout, and the error
// shows how to raise it.
func TestStalledHandshakeTimesOut(t *testing.T) {
	port := fakePeer(t, holdOpen("SSH-2.0-stalled\r\n"))
	cfg := Config{User: "root", Host: "127.0.0.1", Port: port, NoAgent: true,
		KnownHosts: t.TempDir() + "/known_hosts", Timeout: time.Second}
	_, err := Dial(context.Background(), cfg)
	if err == nil {
		t.Fatal("dial succeeded")
	}
	for _, want := range []string{"timed out: nothing arrived for 1s", "-o ConnectTimeout=SECONDS", "127.0.0.1:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}
