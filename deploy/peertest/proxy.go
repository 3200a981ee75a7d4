package peertest

import (
	"net"
	"strconv"
	"sync"
	"testing"
)

// Proxy forwards TCP connections from a port on 127.0.0.1 to a server,
// and can stall them to model a link that died without a word, as when
// Wi-Fi drops: no FIN, no RST, no data.
type Proxy struct {
	Port   int
	target string
	ln     net.Listener

	mu     sync.Mutex
	down   bool
	stalls chan struct{} // closed by Freeze
}

// StartProxy forwards 127.0.0.1:p.Port to target until the test ends.
func StartProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy listen: %v", err)
	}
	p := &Proxy{Port: ln.Addr().(*net.TCPAddr).Port, target: target, ln: ln, stalls: make(chan struct{})}
	t.Cleanup(func() { ln.Close() })
	go p.serve(t)
	return p
}

// Addr returns "127.0.0.1:PORT".
func (p *Proxy) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(p.Port))
}

// Freeze stalls every open connection for good, holding what it has
// read, and closes new ones at once until Thaw.
func (p *Proxy) Freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.down {
		p.down = true
		close(p.stalls)
	}
}

// Thaw forwards new connections again; the stalled ones stay stalled.
func (p *Proxy) Thaw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		p.down = false
		p.stalls = make(chan struct{})
	}
}

func (p *Proxy) serve(t testing.TB) {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down, stall := p.down, p.stalls
		p.mu.Unlock()
		if down {
			in.Close()
			continue
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			in.Close()
			continue
		}
		t.Cleanup(func() { in.Close(); out.Close() })
		go pipe(out, in, stall)
		go pipe(in, out, stall)
	}
}

// pipe copies src to dst until either fails or stall is closed; after
// that it holds the data it read and never returns.
func pipe(dst, src net.Conn, stall <-chan struct{}) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		select {
		case <-stall:
			<-make(chan struct{})
		default:
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
