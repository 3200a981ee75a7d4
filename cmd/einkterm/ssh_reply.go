package main

import "io"

// replyWriter is a remote that takes the terminal's replies to queries
// (cursor position, device attributes) apart from keystrokes.
type replyWriter interface {
	WriteReply(p []byte) (int, error)
}

// replyTarget returns where the emulator's replies for r go.
func replyTarget(r remote) io.Writer {
	if rw, ok := r.(replyWriter); ok {
		return writerFunc(rw.WriteReply)
	}
	return r
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// WriteReply sends a terminal reply to the current session, ahead of
// any queued input. While the link is down it drops the reply, because
// the reply belongs to a query of the program on the lost connection,
// and the resumed one would read it as typed input.
func (l *sshLink) WriteReply(p []byte) (int, error) {
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	l.mu.Lock()
	sess := l.sess
	l.mu.Unlock()
	if sess == nil {
		l.log.Debug("terminal reply dropped: the link is down", "bytes", len(p))
		return len(p), nil
	}
	l.send(sess, p)
	return len(p), nil
}
