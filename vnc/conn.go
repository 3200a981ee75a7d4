package vnc

import (
	"bufio"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// conn is the viewer's connection: reads come from a buffer, each write
// holds a lock, and the bytes read are counted.
type conn struct {
	net.Conn
	br        *bufio.Reader
	wmu       sync.Mutex
	bytesRead atomic.Int64
	closeOnce sync.Once
	closeErr  error
}

func newConn(c net.Conn) *conn {
	return &conn{Conn: c, br: bufio.NewReaderSize(c, 64<<10)}
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.br.Read(p)
	c.bytesRead.Add(int64(n))
	return n, err
}

func (c *conn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.Conn.Write(p)
}

func (c *conn) Close() error {
	c.closeOnce.Do(func() { c.closeErr = c.Conn.Close() })
	return c.closeErr
}

// replayConn is the connection that go-vnc reads and writes. It first plays back a
// handshake that Connect already completed and checked, swallowing
// go-vnc's side of it, then passes everything through. Its Close is
// called only by go-vnc, when its reader goroutine ends or its handshake
// fails, so closed tells the viewer that the reader has stopped.
type replayConn struct {
	*conn
	script  []byte // server bytes still to play back
	swallow int    // client bytes still to drop
	closed  chan struct{}
	once    sync.Once
}

// replayedClientBytes is the length of go-vnc's side of the replayed
// handshake: its version (12 bytes), the security type None (1) and the
// shared flag (1).
const replayedClientBytes = 14

var errReplayMismatch = errors.New("vnc: go-vnc wrote more than its handshake during the replay")

func (r *replayConn) Read(p []byte) (int, error) {
	if len(r.script) > 0 {
		n := copy(p, r.script)
		r.script = r.script[n:]
		return n, nil
	}
	return r.conn.Read(p)
}

func (r *replayConn) Write(p []byte) (int, error) {
	if r.swallow == 0 {
		return r.conn.Write(p)
	}
	if len(p) > r.swallow {
		return 0, errReplayMismatch
	}
	r.swallow -= len(p)
	return len(p), nil
}

func (r *replayConn) Close() error {
	r.once.Do(func() { close(r.closed) })
	return r.conn.Close()
}

var _ io.ReadWriteCloser = (*replayConn)(nil)
