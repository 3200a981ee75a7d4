package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	"github.com/einkterm/einkterm/vnc"
)

// defaultVNCAlive is the default of --alive-interval.
const defaultVNCAlive = 30 * time.Second

// linkWatch finds a VNC link that stays open but carries nothing, as
// when the server process is frozen or a middlebox holds a dead link.
// An idle server sends nothing, and TCP keepalives do not help while a
// kernel still acknowledges them. So after interval without a byte from the
// server, the watch asks for the whole desktop, which RFB obliges the
// server to send. If another interval passes with no byte, the watch
// closes the connection.
type linkWatch struct {
	c        *vnc.Client
	interval time.Duration
	log      *slog.Logger
	dead     atomic.Bool
}

// run watches until ctx ends or the link is found dead.
func (w *linkWatch) run(ctx context.Context) {
	tick := time.NewTicker(w.interval / 4)
	defer tick.Stop()
	last, quietSince, probed := w.c.BytesRead(), time.Now(), false
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			if n := w.c.BytesRead(); n != last {
				last, quietSince, probed = n, now, false
				continue
			}
			quiet := now.Sub(quietSince)
			switch {
			case quiet >= 2*w.interval:
				w.log.Warn("vnc: link down", "reason", "no reply to an update request", "silent", quiet.Round(time.Second))
				w.dead.Store(true)
				w.c.Close()
				return
			case quiet >= w.interval && !probed:
				probed = true
				w.log.Debug("vnc: server silent; asking for the whole desktop", "silent", quiet.Round(time.Second))
				// A write into a dead link may block; Close ends it.
				go w.c.RequestUpdate(false)
			}
		}
	}
}

// err returns why the watch closed the connection, or nil.
func (w *linkWatch) err() error {
	if !w.dead.Load() {
		return nil
	}
	return errLost{fmt.Errorf("vnc: connection to the server lost: no data for %v, even after an update request "+
		"(--alive-interval %v); check the network", 2*w.interval, w.interval)}
}

// defaultVNCHandshake bounds a handshake when --alive-interval is 0.
const defaultVNCHandshake = 30 * time.Second

// handshakeOptions returns the session's options for a handshake on
// nc: a server silent for twice --alive-interval fails it, and the
// deadline pauses while the user types the VNC password, which
// vnc.Connect would otherwise count against the server.
func (s *vncSession) handshakeOptions(nc net.Conn) vnc.Options {
	opts := s.opts
	opts.HandshakeTimeout = defaultVNCHandshake
	if s.f.alive > 0 {
		opts.HandshakeTimeout = 2 * s.f.alive
	}
	if password := opts.Password; password != nil {
		opts.Password = func() ([]byte, error) {
			nc.SetDeadline(time.Time{})
			defer func() { nc.SetDeadline(time.Now().Add(opts.HandshakeTimeout)) }()
			return password()
		}
	}
	return opts
}
