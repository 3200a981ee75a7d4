package sshclient

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// headSize is how many of the first bytes a peer sends are kept to
// explain a failed version exchange. x/crypto/ssh v0.59.0 gives up
// looking for the version line after 255 bytes (maxVersionStringBytes).
const headSize = 256

// headConn keeps the first headSize bytes read from a connection, and
// during the handshake fails it when nothing arrives for idle.
type headConn struct {
	net.Conn
	mu     sync.Mutex
	head   []byte
	idle   time.Duration // zero once the handshake is over
	paused bool          // a question waits for the user
}

func (h *headConn) Read(p []byte) (int, error) {
	n, err := h.Conn.Read(p)
	if n > 0 {
		h.mu.Lock()
		if room := headSize - len(h.head); room > 0 {
			h.head = append(h.head, p[:min(n, room)]...)
		}
		// A slow link still makes progress, so the deadline counts
		// from the last data, not from the start.
		if h.idle > 0 && !h.paused {
			h.Conn.SetDeadline(time.Now().Add(h.idle))
		}
		h.mu.Unlock()
	}
	return n, err
}

// startIdle fails the connection when nothing arrives for d.
func (h *headConn) startIdle(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.idle, h.paused = d, false
	h.Conn.SetDeadline(time.Now().Add(d))
}

// pause lifts the deadline while the user answers a question.
func (h *headConn) pause() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.paused = true
	h.Conn.SetDeadline(time.Time{})
}

// resume sets the deadline again after a question.
func (h *headConn) resume() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.paused = false
	if h.idle > 0 {
		h.Conn.SetDeadline(time.Now().Add(h.idle))
	}
}

// stopIdle lifts the deadline for good, once the handshake is over.
func (h *headConn) stopIdle() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.idle = 0
	h.Conn.SetDeadline(time.Time{})
}

// received returns a copy of the bytes kept so far.
func (h *headConn) received() []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return bytes.Clone(h.head)
}

// notSSHServer returns why a handshake that failed with err never got
// an SSH version line from the peer at addr, given the bytes the peer
// sent, or nil when the peer did send one.
func notSSHServer(addr string, head []byte, timeout time.Duration, err error) error {
	for _, line := range bytes.Split(head, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("SSH-")) {
			return nil
		}
	}
	const fix = "check the host and the port (-p)"
	if len(head) == 0 {
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			// An SSH server sends its version line first, but some
			// HTTP servers wait for a whole request and stay silent.
			return fmt.Errorf("sshclient: the peer at %s did not respond as an SSH server: it sent nothing before the %v timeout "+
				"(an SSH server speaks first, an HTTP server waits for a request); %s", addr, timeout, fix)
		case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
			return fmt.Errorf("sshclient: the peer at %s closed the connection without responding as an SSH server; %s", addr, fix)
		}
		return nil
	}
	first, _, _ := bytes.Cut(head, []byte("\n"))
	first = bytes.TrimRight(first, "\r")
	if len(first) > 60 {
		first = first[:60]
	}
	if looksLikeHTTP(head) {
		return fmt.Errorf("sshclient: the peer at %s did not respond as an SSH server: it looks like an HTTP server (it replied %q); %s",
			addr, first, fix)
	}
	return fmt.Errorf("sshclient: the peer at %s did not respond as an SSH server: it sent %q; %s", addr, first, fix)
}

// looksLikeHTTP reports whether head starts as an HTTP response does: a
// status line, or an HTML page with no status line, which Python's
// http.server sends for a request line of one word such as the SSH
// version line.
func looksLikeHTTP(head []byte) bool {
	lower := bytes.ToLower(bytes.TrimLeft(head, " \t\r\n"))
	for _, start := range []string{"http/", "<!doctype html", "<html"} {
		if bytes.HasPrefix(lower, []byte(start)) {
			return true
		}
	}
	return false
}
