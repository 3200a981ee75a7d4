package main

import (
	"io"
	"sync"
)

// maxOutputBacklog is how much remote output may wait for the panel
// before reading from the connection pauses, which lets SSH flow control
// hold the server back.
const maxOutputBacklog = 256 << 10

// outputQueue joins the output of successive sessions and the link's
// own messages into one stream for the terminal emulator.
type outputQueue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	buf    []byte
	closed bool
}

func (q *outputQueue) init() { q.cond = sync.NewCond(&q.mu) }

func (q *outputQueue) write(p []byte) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.buf = append(q.buf, p...)
	q.cond.Broadcast()
}

// copyFrom appends what r returns until it fails, waiting while the
// backlog is full, and calls onOutput (when not nil) after each read.
func (q *outputQueue) copyFrom(r io.Reader, onOutput func()) {
	b := make([]byte, 32<<10)
	for {
		n, err := r.Read(b)
		if n > 0 {
			q.mu.Lock()
			for len(q.buf) > maxOutputBacklog && !q.closed {
				q.cond.Wait()
			}
			q.mu.Unlock()
			q.write(b[:n])
			if onOutput != nil {
				onOutput()
			}
		}
		if err != nil {
			return
		}
	}
}

func (q *outputQueue) read(p []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.buf) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, q.buf)
	q.buf = q.buf[n:]
	q.cond.Broadcast()
	return n, nil
}

// close ends the stream after what is buffered has been read.
func (q *outputQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.cond.Broadcast()
	q.mu.Unlock()
}
