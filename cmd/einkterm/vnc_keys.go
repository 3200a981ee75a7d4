package main

import (
	"bytes"
	"errors"
	"io"
	"sync"

	"github.com/einkterm/einkterm/vnc"
)

// vncKeys routes the keyboard of a vnc session. One goroutine reads the
// keyboard, so a password prompt and the remote desktop never race for
// the same key. Keys go to the prompt while one waits, to the connected
// viewer otherwise, and while neither is there Ctrl-C quits.
type vncKeys struct {
	mu            sync.Mutex
	prompt        chan []byte // set while a password prompt reads
	early         []byte      // typed before the first connection, for the first prompt
	connectedOnce bool        // a viewer has been connected, so early stays empty
	eof           bool        // the keyboard ended
}

// connected drops the keys kept for a prompt: the desktop is up.
func (k *vncKeys) connected() {
	k.mu.Lock()
	k.connectedOnce = true
	k.early = nil
	k.mu.Unlock()
}

// maxEarlyKeys bounds the bytes kept for a prompt that has not yet
// appeared.
const maxEarlyKeys = 256

// ctrlC is the byte a terminal in raw mode sends for Ctrl-C.
const ctrlC = 0x03

// forwardKeys reads the keyboard until it ends and routes what it reads.
func (s *vncSession) forwardKeys(r io.Reader) {
	buf := make([]byte, 256)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			s.route(bytes.Clone(buf[:n]))
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				s.log.Warn("vnc: reading keyboard failed", "err", err)
			}
			s.keyboardEnded()
			return
		}
	}
}

// route hands b to the prompt, the viewer, or the quit check.
func (s *vncSession) route(b []byte) {
	k := &s.kb
	k.mu.Lock()
	prompt := k.prompt
	k.mu.Unlock()
	if prompt != nil {
		// Only this goroutine sends or closes, and the prompt reads
		// until it returns; a key typed just as it returns is lost.
		select {
		case prompt <- b:
		default:
			s.log.Warn("vnc: keys dropped: the password prompt is not reading")
		}
		return
	}
	if s.viewer.Load() != nil {
		s.typed(b)
		return
	}
	if s.quitOnCtrlC(b) {
		return
	}
	k.mu.Lock()
	if !k.connectedOnce && len(k.early)+len(b) <= maxEarlyKeys {
		k.early = append(k.early, b...)
	}
	k.mu.Unlock()
}

// quitOnCtrlC ends the session when b holds Ctrl-C, for keys typed
// while no viewer is connected, and reports whether it did.
func (s *vncSession) quitOnCtrlC(b []byte) bool {
	if bytes.IndexByte(b, ctrlC) < 0 {
		return false
	}
	s.log.Info("vnc: quit with Ctrl-C while not connected")
	s.quit(vnc.ErrQuit)
	return true
}

// keyboardEnded ends the waiting prompt, and any later one, with EOF.
func (s *vncSession) keyboardEnded() {
	k := &s.kb
	k.mu.Lock()
	defer k.mu.Unlock()
	k.eof = true
	if k.prompt != nil {
		close(k.prompt)
		k.prompt = nil
	}
}

// promptKeys returns the keyboard for a password prompt, starting with
// any keys typed before the first connection, and a function to call
// when the prompt returns, which gives the keyboard back.
func (s *vncSession) promptKeys() (io.Reader, func()) {
	k := &s.kb
	k.mu.Lock()
	defer k.mu.Unlock()
	ch := make(chan []byte, 64)
	if len(k.early) > 0 {
		ch <- k.early
		k.early = nil
	}
	if k.eof {
		close(ch)
	} else {
		k.prompt = ch
	}
	done := func() {
		k.mu.Lock()
		if k.prompt == ch {
			k.prompt = nil
		}
		k.mu.Unlock()
	}
	return &chanReader{ch: ch}, done
}

// chanReader reads the byte slices sent on ch, and EOF once ch is
// closed.
type chanReader struct {
	ch  chan []byte
	buf []byte
}

func (r *chanReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		b, ok := <-r.ch
		if !ok {
			return 0, io.EOF
		}
		r.buf = b
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}
