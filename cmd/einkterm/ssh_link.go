package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/einkterm/einkterm/cmd/internal/sshclient"
)

// sshLink is an SSH session that survives a broken connection: when the
// link drops it shows that on the panel's last row, keeps what is typed,
// reconnects with backoff, starts the resume command and sends what was
// typed. Without a resume command the reconnect starts a new login
// shell, and what was typed is dropped instead. It ends when the remote program exits, when reconnecting fails
// for good (a rejected host key or login), or on Close.
type sshLink struct {
	dial      func(ctx context.Context) (*sshclient.Client, error)
	pty       sshclient.PtyOptions // Command is the first connection's
	resume    string               // command for later connections
	reconnect bool
	log       *slog.Logger
	ctx       context.Context
	now       func() time.Time

	out  outputQueue
	keys keyQueue

	writeMu sync.Mutex // keeps queued input ahead of new input

	mu      sync.Mutex
	sess    *sshclient.Session
	cols    int
	rows    int
	closed  bool
	userEnd bool // ended with the ~. escape

	// downHead and downTail frame the queue's note on the status line
	// while the link is down.
	downHead, downTail string

	// prompt is the reconnect's open question, which takes the keys
	// typed; nil when there is none.
	prompt *linePrompt

	// firstOutput is called on each output of the current session;
	// after a reconnect it releases the queued input.
	firstOutput func()

	probeMu    sync.Mutex
	probing    bool
	confirmed  int64 // bytes written that the server has acknowledged
	written    int64 // bytes written to the current connection
	connection int   // counts connections, so a late probe reply is ignored

	done   chan struct{}
	status int
	err    error
}

// maxQueuedKeys bounds what is kept while the link is down; more is
// rejected with a message on the panel.
const maxQueuedKeys = 64 << 10

var _ remote = (*sshLink)(nil)

// startLink makes the first connection's session and starts watching it.
func startLink(ctx context.Context, l *sshLink, client *sshclient.Client) (*sshLink, error) {
	l.ctx = ctx
	l.cols, l.rows = l.pty.Cols, l.pty.Rows
	l.done = make(chan struct{})
	l.out.init()
	if l.now == nil {
		l.now = time.Now
	}
	sess, err := sshclient.StartSession(client, l.pty)
	if err != nil {
		client.Close()
		return nil, err
	}
	l.sess = sess
	go l.supervise(sess)
	return l, nil
}

// Read returns the remote program's output and the link's status lines.
func (l *sshLink) Read(p []byte) (int, error) { return l.out.read(p) }

// Write sends keystrokes, or queues them while the link is down.
func (l *sshLink) Write(p []byte) (int, error) {
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	select {
	case <-l.done:
		return 0, errors.New("ssh: session ended")
	default:
	}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return 0, errors.New("ssh: session closed")
	}
	sess := l.sess
	l.mu.Unlock()
	if sess == nil && l.feedPrompt(p) {
		return len(p), nil
	}
	if sess == nil || l.keys.pending() {
		l.queue(p)
		return len(p), nil
	}
	l.send(sess, p)
	return len(p), nil
}

// send writes p to sess, or queues it when the write fails; the caller
// holds writeMu.
func (l *sshLink) send(sess *sshclient.Session, p []byte) {
	if _, err := sess.Write(p); err != nil {
		l.log.Debug("write failed; keeping the input for the next connection", "err", err, "bytes", len(p))
		l.queue(p)
		return
	}
	l.probeMu.Lock()
	l.written += int64(len(p))
	l.probeMu.Unlock()
	go l.confirm(sess.Client())
}

// queue keeps p for the next connection and shows the count on the
// panel; what does not fit is rejected and shown.
func (l *sshLink) queue(p []byte) {
	kept, rejected := l.keys.add(p, maxQueuedKeys)
	if rejected > 0 {
		l.log.Warn("input rejected while the link is down: queue full", "bytes", rejected)
	}
	l.log.Debug("input queued while the link is down", "bytes", kept)
	l.mu.Lock()
	down := l.sess == nil && !l.closed
	l.mu.Unlock()
	if down {
		l.showDownStatus()
	}
}

// confirm sends a keepalive after a write, so that the written bytes
// count as received once the server replies. One probe runs at a time.
func (l *sshLink) confirm(c *sshclient.Client) {
	l.probeMu.Lock()
	if l.probing {
		l.probeMu.Unlock()
		return
	}
	l.probing = true
	upTo, connection := l.written, l.connection
	l.probeMu.Unlock()

	err := c.Probe(10 * time.Second)

	l.probeMu.Lock()
	l.probing = false
	if connection != l.connection {
		l.probeMu.Unlock()
		return
	}
	if err == nil && upTo > l.confirmed {
		l.confirmed = upTo
	}
	again := err == nil && l.written > l.confirmed
	l.probeMu.Unlock()
	if err == nil {
		l.log.Debug("input acknowledged by the server", "bytes", upTo)
	}
	if again {
		l.confirm(c)
	}
}

// Resize changes the remote terminal's size now, or at the next
// connection while the link is down.
func (l *sshLink) Resize(cols, rows int) error {
	l.mu.Lock()
	l.cols, l.rows = cols, rows
	sess := l.sess
	l.mu.Unlock()
	if sess == nil {
		return nil
	}
	return sess.Resize(cols, rows)
}

// Wait returns the remote program's exit status once the link has ended.
func (l *sshLink) Wait() (int, error) {
	<-l.done
	return l.status, l.err
}

// Close ends the session and stops reconnecting.
func (l *sshLink) Close() error {
	l.mu.Lock()
	l.closed = true
	sess := l.sess
	l.mu.Unlock()
	if sess != nil {
		sess.Close()
	}
	return nil
}

// disconnect ends the session as OpenSSH's ~. escape does.
func (l *sshLink) disconnect() {
	l.mu.Lock()
	l.userEnd = true
	l.mu.Unlock()
	l.Close()
}

func (l *sshLink) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// finish records the result and ends the output stream.
func (l *sshLink) finish(status int, err error) {
	l.status, l.err = status, err
	l.out.close()
	close(l.done)
}

// unconfirmed returns how many bytes written to the current connection
// the server has not acknowledged, and resets the counts for the next.
func (l *sshLink) unconfirmed() int64 {
	l.probeMu.Lock()
	defer l.probeMu.Unlock()
	n := l.written - l.confirmed
	l.written, l.confirmed = 0, 0
	l.connection++
	return n
}

// reconnectDelay returns the wait before reconnect attempt n (from 1):
// 1 s doubling to at most 30 s.
func reconnectDelay(n int) time.Duration {
	d := time.Second
	for i := 1; i < n && d < 30*time.Second; i++ {
		d *= 2
	}
	return min(d, 30*time.Second)
}

// permanent reports whether a failed connection cannot succeed by
// trying again without the user: a rejected host key or login.
func permanent(err error) bool {
	var changed *sshclient.ChangedKeyError
	var hostKey *sshclient.HostKeyError
	var auth *sshclient.AuthError
	return errors.As(err, &changed) || errors.As(err, &hostKey) || errors.As(err, &auth)
}

// describeLoss returns a short reason for the status line.
func describeLoss(err error) string {
	switch {
	case err == nil:
		return "connection lost"
	case errors.Is(err, sshclient.ErrLinkDead):
		return "no answer to keepalives"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
		return "connection closed"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return "timed out"
	}
	return strings.TrimPrefix(oneLine(err), "sshclient: ")
}
