package sshclient

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// keepAliveRequest is OpenSSH's global request for checking that the
// peer is alive. Servers reply to it with SSH_MSG_REQUEST_FAILURE, and
// any reply shows the link works.
const keepAliveRequest = "keepalive@openssh.com"

// ErrLinkDead is the cause of a connection closed because keepalives
// went unanswered.
var ErrLinkDead = errors.New("sshclient: link dead: keepalives unanswered")

// Client is a logged-in SSH connection, with the jump-host connections
// it runs through and its keepalive loop.
type Client struct {
	*ssh.Client
	jumps []*ssh.Client
	log   *slog.Logger

	interval time.Duration
	maxMiss  int

	done      chan struct{}
	closeOnce sync.Once
	mu        sync.Mutex
	err       error
}

func newClient(sc *ssh.Client, jumps []*ssh.Client, c Config) *Client {
	cl := &Client{
		Client:   sc,
		jumps:    jumps,
		log:      c.Logger,
		interval: c.KeepAlive,
		maxMiss:  c.KeepAliveMax,
		done:     make(chan struct{}),
	}
	go func() {
		err := sc.Wait()
		cl.end(fmt.Errorf("sshclient: connection to %s closed: %w", c.Addr(), orEOF(err)))
	}()
	if cl.interval > 0 {
		go cl.keepAlive()
	}
	return cl
}

func orEOF(err error) error {
	if err == nil {
		return errors.New("closed by the server")
	}
	return err
}

// end records why the connection ended, the first reason winning, and
// closes it with its jump hosts.
func (c *Client) end(err error) {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.err = err
		c.mu.Unlock()
		c.Client.Close()
		for i := len(c.jumps) - 1; i >= 0; i-- {
			c.jumps[i].Close()
		}
		close(c.done)
	})
}

// Done is closed when the connection has ended.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err returns why the connection ended, or nil while it is up.
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close closes the connection and its jump hosts.
func (c *Client) Close() error {
	c.end(errors.New("sshclient: connection closed by the client"))
	return nil
}

// Probe sends one keepalive request and waits for the reply, which
// shows that the server has received everything sent before it.
func (c *Client) Probe(timeout time.Duration) error {
	answered := make(chan error, 1)
	go func() {
		_, _, err := c.SendRequest(keepAliveRequest, true, nil)
		answered <- err
	}()
	select {
	case err := <-answered:
		return err
	case <-time.After(timeout):
		return fmt.Errorf("sshclient: keepalive reply timed out after %v", timeout)
	case <-c.done:
		return c.Err()
	}
}

// keepAlive probes the server every interval and ends the connection
// after maxMiss probes in a row go unanswered, as OpenSSH's
// ServerAliveCountMax does.
func (c *Client) keepAlive() {
	t := time.NewTicker(c.interval)
	defer t.Stop()
	missed := 0
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
		}
		err := c.Probe(c.interval)
		if err == nil {
			missed = 0
			continue
		}
		missed++
		c.log.Debug("keepalive unanswered", "missed", missed, "max", c.maxMiss)
		if missed >= c.maxMiss {
			c.log.Warn("link dead", "missed", missed, "interval", c.interval)
			c.end(ErrLinkDead)
			return
		}
	}
}
