package main

import (
	"fmt"
	"strings"
	"sync"
)

// showStatus writes msg over the panel's last row in reverse video and
// puts the cursor back, through the same stream as the remote's output.
// The remote program redraws that row when it next paints it.
func (l *sshLink) showStatus(msg string) {
	l.mu.Lock()
	cols, rows := l.cols, l.rows
	l.mu.Unlock()
	line := []rune(strings.ReplaceAll(msg, "\n", " "))
	if len(line) > cols {
		line = line[:cols]
	}
	text := string(line) + strings.Repeat(" ", cols-len(line))
	l.out.write([]byte(fmt.Sprintf("\x1b7\x1b[%d;1H\x1b[0;7m%s\x1b[0m\x1b8", rows, text)))
}

// setDownStatus shows head, the input queue's state and tail on the
// status line, and keeps head and tail for when the queue changes.
func (l *sshLink) setDownStatus(head, tail string) {
	l.mu.Lock()
	l.downHead, l.downTail = head, tail
	l.mu.Unlock()
	l.showDownStatus()
}

func (l *sshLink) showDownStatus() {
	l.mu.Lock()
	head, tail := l.downHead, l.downTail
	l.mu.Unlock()
	l.showStatus(head + l.keys.statusNote(l.resume == "") + "; " + tail)
}

// clearStatus blanks the status row.
func (l *sshLink) clearStatus() {
	l.mu.Lock()
	rows := l.rows
	l.mu.Unlock()
	l.out.write([]byte(fmt.Sprintf("\x1b7\x1b[%d;1H\x1b[0m\x1b[2K\x1b8", rows)))
}

// inject shows text on the panel as if the remote had printed it.
func (l *sshLink) inject(text string) { l.out.write([]byte(text)) }

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// keyQueue is the input typed while the link is down.
type keyQueue struct {
	mu       sync.Mutex
	buf      []byte
	rejected int   // bytes that did not fit
	unsure   int64 // bytes sent just before a drop and never acknowledged
}

func (q *keyQueue) add(p []byte, limit int) (kept, rejected int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	room := max(limit-len(q.buf), 0)
	n := min(room, len(p))
	q.buf = append(q.buf, p[:n]...)
	q.rejected += len(p) - n
	return len(q.buf), q.rejected
}

// pending reports whether queued input waits to be sent, so that new
// input must queue behind it.
func (q *keyQueue) pending() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.buf) > 0
}

func (q *keyQueue) noteUnconfirmed(n int64) {
	q.mu.Lock()
	q.unsure += n
	q.mu.Unlock()
}

// take returns and clears the queue and its counts.
func (q *keyQueue) take() (pending []byte, rejected int, unsure int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	pending, rejected, unsure = q.buf, q.rejected, q.unsure
	q.buf, q.rejected, q.unsure = nil, 0, 0
	return pending, rejected, unsure
}

// statusNote describes the queue for the status line; it starts with
// "; " when not empty. With fresh set, a reconnect starts a new login
// shell, which does not get what was typed for the old one.
func (q *keyQueue) statusNote(fresh bool) string {
	q.mu.Lock()
	defer q.mu.Unlock()
	var parts []string
	switch {
	case len(q.buf) > 0 && fresh:
		parts = append(parts, fmt.Sprintf("%d bytes typed, dropped on reconnect (new shell)", len(q.buf)))
	case len(q.buf) > 0:
		parts = append(parts, fmt.Sprintf("%d bytes typed, sent on reconnect", len(q.buf)))
	}
	if q.rejected > 0 {
		parts = append(parts, fmt.Sprintf("%d bytes REJECTED: queue full", q.rejected))
	}
	if q.unsure > 0 {
		parts = append(parts, fmt.Sprintf("%d bytes sent before the drop may be lost", q.unsure))
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, "; ")
}
