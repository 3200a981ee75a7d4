package sshclient

import (
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/ssh"
)

// Session is a remote program on a pty over an SSH connection.
type Session struct {
	client *Client
	sess   *ssh.Session
	stdin  io.WriteCloser
	stdout io.Reader
}

// PtyOptions describe the terminal the remote program sees.
type PtyOptions struct {
	Term       string            // empty: xterm-256color
	Cols, Rows int               // the panel's size in cells
	Env        map[string]string // sent with setenv; servers may refuse some
	Command    string            // empty: the login shell
}

// StartSession opens a session on client with a pty and starts the
// command or the shell. Closing the session closes the client too.
func StartSession(client *Client, o PtyOptions) (*Session, error) {
	sess, err := client.NewSession()
	if err != nil {
		return nil, fmt.Errorf("sshclient: opening session: %w", err)
	}
	s := &Session{client: client, sess: sess}
	if err := s.start(o); err != nil {
		sess.Close()
		return nil, err
	}
	return s, nil
}

func (s *Session) start(o PtyOptions) error {
	if o.Term == "" {
		o.Term = "xterm-256color"
	}
	for k, v := range o.Env {
		// sshd accepts only what AcceptEnv lists; a refusal is not an
		// error for the session.
		s.sess.Setenv(k, v)
	}
	modes := ssh.TerminalModes{ssh.ECHO: 1, ssh.TTY_OP_ISPEED: 38400, ssh.TTY_OP_OSPEED: 38400}
	if err := s.sess.RequestPty(o.Term, o.Rows, o.Cols, modes); err != nil {
		return fmt.Errorf("sshclient: pty request: %w", err)
	}
	var err error
	if s.stdin, err = s.sess.StdinPipe(); err != nil {
		return err
	}
	if s.stdout, err = s.sess.StdoutPipe(); err != nil {
		return err
	}
	s.sess.Stderr = io.Discard // with a pty, the remote's stderr arrives on stdout
	if o.Command != "" {
		err = s.sess.Start(o.Command)
	} else {
		err = s.sess.Shell()
	}
	if err != nil {
		return fmt.Errorf("sshclient: starting remote program: %w", err)
	}
	return nil
}

// Read returns the remote program's output.
func (s *Session) Read(p []byte) (int, error) { return s.stdout.Read(p) }

// Write sends keystrokes.
func (s *Session) Write(p []byte) (int, error) { return s.stdin.Write(p) }

// Resize sends the new terminal size in a window-change request.
func (s *Session) Resize(cols, rows int) error {
	return s.sess.WindowChange(rows, cols)
}

// Wait returns the remote program's exit status. A program killed by a
// signal reports 128 plus the signal number, as a shell does; a server
// that sends no status yields 255, as OpenSSH's client exits.
func (s *Session) Wait() (int, error) {
	err := s.sess.Wait()
	var exit *ssh.ExitError
	var missing *ssh.ExitMissingError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &exit):
		if exit.Signal() != "" && exit.ExitStatus() == 0 {
			return 128 + signalNumber(exit.Signal()), nil
		}
		return exit.ExitStatus(), nil
	case errors.As(err, &missing):
		return 255, ErrNoExitStatus
	default:
		return 255, fmt.Errorf("sshclient: session: %w", err)
	}
}

// ErrNoExitStatus is returned by Wait when the session ended without an
// exit status: the server closed the channel, or the link failed.
var ErrNoExitStatus = errors.New("sshclient: session ended without an exit status")

// Client returns the connection the session runs on.
func (s *Session) Client() *Client { return s.client }

// Close ends the session and the connection.
func (s *Session) Close() error {
	s.sess.Close()
	return s.client.Close()
}

func signalNumber(name string) int {
	numbers := map[string]int{"HUP": 1, "INT": 2, "QUIT": 3, "KILL": 9, "SEGV": 11, "PIPE": 13, "TERM": 15}
	if n, ok := numbers[name]; ok {
		return n
	}
	return 0
}
