package main

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/einkterm/einkterm/cmd/internal/sshclient"
)

// supervise runs one connection's session after another until the
// remote program exits or the link ends for good.
func (l *sshLink) supervise(sess *sshclient.Session) {
	for {
		pumped := make(chan struct{})
		go func() {
			defer close(pumped)
			l.out.copyFrom(sess, l.noteOutput)
		}()
		status, err := sess.Wait()
		client := sess.Client()
		lost := l.linkLost(client, err)
		if !lost {
			<-pumped
			sess.Close()
			l.end(status, err)
			return
		}
		sess.Close()
		<-pumped
		l.mu.Lock()
		l.sess = nil
		l.mu.Unlock()

		reason := describeLoss(client.Err())
		l.log.Warn("link down", "reason", reason)
		if n := l.unconfirmed(); n > 0 {
			l.keys.noteUnconfirmed(n)
			l.log.Warn("input may not have reached the server before the link dropped", "bytes", n)
		}
		if !l.reconnect {
			l.showStatus("link down, not reconnecting (--no-reconnect); " + reason)
			l.end(255, fmt.Errorf("ssh: link down: %s", reason))
			return
		}
		next, err := l.reconnectLoop(reason)
		if next == nil {
			l.end(255, err)
			return
		}
		sess = next
	}
}

// linkLost reports whether the session ended because its connection
// failed, rather than by the remote program exiting or by Close.
func (l *sshLink) linkLost(c *sshclient.Client, waitErr error) bool {
	if l.isClosed() || !errors.Is(waitErr, sshclient.ErrNoExitStatus) {
		return false
	}
	// The connection's own goroutine records the failure a moment after
	// the session sees its channel close.
	select {
	case <-c.Done():
	case <-time.After(2 * time.Second):
		return false
	}
	return !l.isClosed()
}

// end finishes the link: a ~. disconnect reports 255 like OpenSSH.
func (l *sshLink) end(status int, err error) {
	l.mu.Lock()
	userEnd := l.userEnd
	l.mu.Unlock()
	if userEnd {
		l.showStatus("connection closed with ~.")
		status, err = 255, nil
	}
	l.finish(status, err)
}

// reconnectLoop dials with backoff until a session starts, the failure
// is permanent, or the link is closed.
func (l *sshLink) reconnectLoop(reason string) (*sshclient.Session, error) {
	for attempt := 1; ; attempt++ {
		delay := reconnectDelay(attempt)
		at := l.now().Add(delay)
		l.setDownStatus(fmt.Sprintf("link down, retry %d in %d s at %s", attempt, int(delay.Seconds()), at.Format("15:04:05")),
			"~. quits; "+reason)
		l.log.Info("reconnecting", "attempt", attempt, "delay", delay)
		if !l.sleep(delay) {
			return nil, errors.New("ssh: closed while the link was down")
		}
		sess, err := l.redial()
		if err == nil {
			l.resumed(sess)
			return sess, nil
		}
		if l.isClosed() {
			return nil, errors.New("ssh: closed while the link was down")
		}
		l.log.Warn("reconnect failed", "attempt", attempt, "err", err)
		if permanent(err) {
			// The status line would cut the reason short, and on an
			// appliance the panel is the user's only screen, so the whole
			// message goes below the output, where the terminal wraps it.
			l.clearStatus()
			l.inject("\r\n\x1b[7mreconnect failed for good:\x1b[0m " + strings.ReplaceAll(err.Error(), "\n", "\r\n") + "\r\n")
			return nil, err
		}
		reason = describeLoss(err)
	}
}

// sleep waits d and returns false when the link is closed or the
// session's context ends first.
func (l *sshLink) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-t.C:
			return !l.isClosed()
		case <-l.ctx.Done():
			return false
		case <-tick.C:
			if l.isClosed() {
				return false
			}
		}
	}
}

// redial connects again and starts the resume command on a terminal of
// the current size.
func (l *sshLink) redial() (*sshclient.Session, error) {
	client, err := l.dial(l.ctx)
	if err != nil {
		return nil, err
	}
	o := l.pty
	o.Command = l.resume
	l.mu.Lock()
	o.Cols, o.Rows = l.cols, l.rows
	l.mu.Unlock()
	sess, err := sshclient.StartSession(client, o)
	if err != nil {
		client.Close()
		return nil, err
	}
	return sess, nil
}

// resumed makes sess the current session and clears the status line.
// What was typed while the link was down goes out when the resumed
// program first prints, or after resumeQuiet. A program such as tmux may
// still be setting up its terminal when the session opens, and it would
// read earlier input in the wrong terminal mode.
func (l *sshLink) resumed(sess *sshclient.Session) {
	l.clearStatus()
	printed := make(chan struct{})
	var once sync.Once
	l.mu.Lock()
	l.firstOutput = func() { once.Do(func() { close(printed) }) }
	l.sess = sess
	closed := l.closed
	l.mu.Unlock()
	if closed {
		sess.Close()
		return
	}
	go l.flushQueued(sess, printed)
}

const resumeQuiet = 2 * time.Second

// noteOutput runs the current session's first-output hook.
func (l *sshLink) noteOutput() {
	l.mu.Lock()
	f := l.firstOutput
	l.mu.Unlock()
	if f != nil {
		f()
	}
}

func (l *sshLink) flushQueued(sess *sshclient.Session, printed <-chan struct{}) {
	select {
	case <-printed:
	case <-time.After(resumeQuiet):
	}
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	pending, rejected, unsure := l.keys.take()
	l.log.Info("reconnected", "queued_bytes", len(pending), "rejected_bytes", rejected, "unconfirmed_bytes", unsure)
	if len(pending) == 0 {
		return
	}
	if l.resume == "" {
		// Keys typed for the old shell, perhaps for a prompt or an
		// editor, would run as commands in the new one.
		l.log.Warn("input typed while the link was down was not sent, because the reconnect started a new login shell (--resume reattaches the old session)", "bytes", len(pending))
		l.showStatus(fmt.Sprintf("reconnected to a new shell; %d bytes typed while down NOT sent (--resume reattaches)", len(pending)))
		return
	}
	l.send(sess, pending)
}
