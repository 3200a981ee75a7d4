package sim

import "sync"

// inputQueue hands typed bytes to the session without ever blocking the
// window: pushes queue up, and one goroutine sends them on out in order.
type inputQueue struct {
	out chan []byte

	mu      sync.Mutex
	pending [][]byte
	closed  bool
	wake    chan struct{}
}

func newInputQueue() *inputQueue {
	q := &inputQueue{out: make(chan []byte), wake: make(chan struct{}, 1)}
	go q.run()
	return q
}

// push queues b unless the queue is closed.
func (q *inputQueue) push(b []byte) {
	q.mu.Lock()
	if !q.closed {
		q.pending = append(q.pending, b)
	}
	q.mu.Unlock()
	q.signal()
}

// close stops the queue; out is closed after the bytes already queued
// are sent. It may be called more than once.
func (q *inputQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.signal()
}

func (q *inputQueue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *inputQueue) run() {
	defer close(q.out)
	for {
		q.mu.Lock()
		batch, closed := q.pending, q.closed
		q.pending = nil
		q.mu.Unlock()
		for _, b := range batch {
			q.out <- b
		}
		if closed && len(batch) == 0 {
			return
		}
		if len(batch) == 0 {
			<-q.wake
		}
	}
}
