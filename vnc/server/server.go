package server

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/term"
)

// Options configures a Server. The zero value serves without a password
// to clients whose keys are taken from the first client only.
type Options struct {
	// Password enables VNC authentication; nil offers security None.
	// Only its first 8 bytes count, as in every VNC server.
	Password []byte

	// SharedInput lets every client type; by default only the first
	// client that is still connected may, and the others only watch.
	SharedInput bool

	// Name is the desktop name clients show; empty means "einkterm".
	Name string

	// Clock models the panel's refresh time; nil means the wall clock.
	Clock display.Clock

	// Logger receives connection events; nil means silent. Passwords
	// are never logged.
	Logger *slog.Logger

	// HandshakeTimeout bounds a client's handshake, including the time
	// a person takes to type the password. A connection that never
	// speaks is closed after it. Zero means 2 minutes, as sshd's
	// LoginGraceTime.
	HandshakeTimeout time.Duration
}

// Server is a display.Panel that clients see over RFB, and a
// display.Keyboard that delivers their keys to the session.
type Server struct {
	opts  Options
	info  display.Info
	model *display.Recorder // models refresh time per mode
	log   *slog.Logger
	input chan []byte

	mu      sync.Mutex
	frame   *display.Frame // the picture clients are shown
	clients map[*client]struct{}
	primary *client
	nextID  int
	term    *term.Terminal
	loop    *display.Loop
	closed  bool
	lis     []net.Listener

	authFailures int // failed VNC authentications since the last success
}

var (
	_ display.Panel    = (*Server)(nil)
	_ display.Keyboard = (*Server)(nil)
)

// New returns a server for a virtual panel described by info.
func New(info display.Info, opts Options) (*Server, error) {
	if opts.Name == "" {
		opts.Name = "einkterm"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.HandshakeTimeout == 0 {
		opts.HandshakeTimeout = 2 * time.Minute
	}
	if info.Width > 0xffff || info.Height > 0xffff {
		return nil, fmt.Errorf("server: panel %dx%d is larger than RFB's 65535", info.Width, info.Height)
	}
	model, err := display.NewRecorder(info, display.RecorderOptions{Clock: opts.Clock})
	if err != nil {
		return nil, err
	}
	return &Server{
		opts:    opts,
		info:    info,
		model:   model,
		log:     opts.Logger,
		input:   make(chan []byte, 64),
		frame:   display.NewFrame(info.Width, info.Height, info.Depth),
		clients: map[*client]struct{}{},
	}, nil
}

// AttachSession gives the server the terminal whose key modes it encodes
// for and the loop that its full-refresh chord asks.
func (s *Server) AttachSession(t *term.Terminal, loop *display.Loop) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.term, s.loop = t, loop
}

// Serve accepts clients on l until the server closes.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return net.ErrClosed
	}
	s.lis = append(s.lis, l)
	s.mu.Unlock()
	for {
		conn, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("server: accepting clients: %w", err)
		}
		go s.handle(conn)
	}
}

func (s *Server) handle(conn net.Conn) {
	s.mu.Lock()
	s.nextID++
	c := newClient(s, conn, s.nextID)
	s.mu.Unlock()
	log := s.log.With("client", c.id, "addr", conn.RemoteAddr().String())
	log.Info("client connected")
	err := c.run()
	s.remove(c)
	if err != nil {
		log.Info("client disconnected", "err", err)
	} else {
		log.Info("client disconnected")
	}
}

// add registers a client that finished its handshake. The first client
// to arrive while none types becomes the one that types.
func (s *Server) add(c *client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[c] = struct{}{}
	if s.primary == nil {
		s.primary = c
	}
	c.addDamage(s.info.Bounds())
}

func (s *Server) remove(c *client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.clients, c)
	if s.primary == c {
		s.primary = nil
		for other := range s.clients {
			if s.primary == nil || other.id < s.primary.id {
				s.primary = other
			}
		}
	}
}

// mayType reports whether c's keys reach the session.
func (s *Server) mayType(c *client) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.SharedInput || s.primary == c
}

// Clients returns the number of connected clients.
func (s *Server) Clients() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.clients)
}

// Info returns the virtual panel.
func (s *Server) Info() display.Info { return s.info }

// Refresh stores region r of f as what clients see and marks it for each
// of them. It never waits for a client.
func (s *Server) Refresh(f *display.Frame, r image.Rectangle, m display.Mode) error {
	if err := s.model.Refresh(f, r, m); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.frame.CopyRect(f, r)
	for c := range s.clients {
		c.addDamage(r)
	}
	return nil
}

// Wait blocks until the modelled refresh ends.
func (s *Server) Wait(ctx context.Context) error { return s.model.Wait(ctx) }

// Busy reports whether a modelled refresh runs.
func (s *Server) Busy() bool { return s.model.Busy() }

// Sleep does nothing: clients keep their last picture.
func (s *Server) Sleep() error { return nil }

// Wake does nothing.
func (s *Server) Wake() error { return nil }

// Input returns the bytes typed by clients that may type.
func (s *Server) Input() <-chan []byte { return s.input }

// Close disconnects every client and stops accepting new ones. The
// Input channel stays open: the session ends when its program does, not
// when the panel closes.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	for _, l := range s.lis {
		l.Close()
	}
	for c := range s.clients {
		c.conn.Close()
	}
	return nil
}

// typed sends bytes from a client's keyboard to the session, dropping
// them with a log line when the session does not read (it has ended).
func (s *Server) typed(c *client, b []byte) {
	if len(b) == 0 || !s.mayType(c) {
		return
	}
	select {
	case s.input <- b:
	default:
		s.log.Warn("keystrokes dropped: the session is not reading", "client", c.id, "bytes", len(b))
	}
}

// keyModes returns the terminal modes that change key encoding.
func (s *Server) keyModes() (appCursor, bracketed bool) {
	s.mu.Lock()
	t := s.term
	s.mu.Unlock()
	if t == nil {
		return false, false
	}
	return t.AppCursorKeys(), t.BracketedPaste()
}

// maxAuthDelay bounds the wait before a failed authentication's answer.
const maxAuthDelay = 10 * time.Second

// authFailed counts a failed authentication and returns how long to wait
// before answering it: half a second more for each failure in a row.
func (s *Server) authFailed() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.authFailures++
	return min(time.Duration(s.authFailures)*500*time.Millisecond, maxAuthDelay)
}

// authSucceeded resets the failure count.
func (s *Server) authSucceeded() {
	s.mu.Lock()
	s.authFailures = 0
	s.mu.Unlock()
}

// requestFull asks the loop for a full refresh.
func (s *Server) requestFull() {
	s.mu.Lock()
	loop := s.loop
	s.mu.Unlock()
	if loop != nil {
		loop.RequestFull()
	}
}
