package sshclient

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// Config holds where to connect and how to log in. The zero value of each
// field is documented; Dial fills defaults on a copy.
type Config struct {
	User string // empty: the local user name
	Host string // the name or address to connect to
	Port int    // zero: 22

	// IdentityFiles are private keys to try after the agent; empty means
	// ~/.ssh/id_ed25519, id_ecdsa and id_rsa where they exist.
	IdentityFiles []string

	// Keys keeps keys decrypted with a passphrase so that a reconnect
	// does not ask again; nil keeps none.
	Keys *KeyCache

	// KnownHosts is the known_hosts file; empty means ~/.ssh/known_hosts.
	// New host keys are recorded in it.
	KnownHosts string

	// MoreKnownHosts are known_hosts files that are read but never
	// written, such as the other UserKnownHostsFile entries and
	// GlobalKnownHostsFile; missing ones are skipped. Nil means none.
	MoreKnownHosts []string

	// HostKeyPolicy is what to do with an unknown or changed host key;
	// the zero value asks, like OpenSSH's StrictHostKeyChecking ask.
	HostKeyPolicy HostKeyPolicy

	// HashKnownHosts records new hosts as hashed names.
	HashKnownHosts bool

	// AgentSocket is the ssh-agent socket; empty means $SSH_AUTH_SOCK,
	// and no agent when that is unset.
	AgentSocket string

	// NoAgent skips the agent even when a socket is set.
	NoAgent bool

	// Jump lists the hosts to connect through, first to last, as
	// OpenSSH's ProxyJump; each is logged in to with its own settings.
	Jump []Config

	// KeepAlive is the time between keepalive@openssh.com requests, as
	// OpenSSH's ServerAliveInterval; zero sends none.
	KeepAlive time.Duration

	// KeepAliveMax is how many requests in a row may go unanswered
	// before the link counts as dead, as ServerAliveCountMax; zero
	// means 3.
	KeepAliveMax int

	// Prompt asks for host-key confirmation, passphrases and passwords;
	// nil fails where a question would be asked.
	Prompt Prompter

	// BatchMode turns questions off, as OpenSSH's BatchMode: where Prompt
	// would ask, the login fails instead.
	BatchMode bool

	// AuthMethods lists the authentication methods to try, in order,
	// from publickey, keyboard-interactive and password; nil means all
	// three in that order.
	AuthMethods []string

	// Network is "tcp4" or "tcp6" to use one address family, as
	// OpenSSH's AddressFamily; empty means either.
	Network string

	// Timeout bounds the TCP connect, and the wait for each piece of
	// the handshake: a handshake fails when nothing arrives for this
	// long, however long it takes in all. Zero means 15 s.
	Timeout time.Duration

	// Logger receives connection events; nil means silent. Secrets are
	// never logged.
	Logger *slog.Logger
}

// Addr returns host:port.
func (c *Config) Addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

func (c Config) withDefaults() (Config, error) {
	home, _ := os.UserHomeDir()
	if c.User == "" {
		c.User = os.Getenv("USER")
	}
	if c.User == "" {
		// A systemd service has no $USER.
		if u, err := user.Current(); err == nil {
			c.User = u.Username
		}
	}
	if c.User == "" {
		return c, errors.New("sshclient: no user name: pass user@host or -l USER")
	}
	if c.Host == "" {
		return c, errors.New("sshclient: no host to connect to")
	}
	if c.Port == 0 {
		c.Port = 22
	}
	if c.KnownHosts == "" {
		c.KnownHosts = filepath.Join(home, ".ssh", "known_hosts")
	}
	if len(c.IdentityFiles) == 0 {
		for _, n := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
			p := filepath.Join(home, ".ssh", n)
			if _, err := os.Stat(p); err == nil {
				c.IdentityFiles = append(c.IdentityFiles, p)
			}
		}
	}
	if c.AgentSocket == "" && !c.NoAgent {
		c.AgentSocket = os.Getenv("SSH_AUTH_SOCK")
	}
	if c.KeepAliveMax == 0 {
		c.KeepAliveMax = 3
	}
	if c.Timeout == 0 {
		c.Timeout = 15 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.BatchMode {
		c.Prompt = batchPrompter{}
	}
	return c, nil
}

// Dial connects through the jump hosts, checks the host key, logs in and
// starts the keepalives.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	var jumps []*ssh.Client
	closeJumps := func() {
		for i := len(jumps) - 1; i >= 0; i-- {
			jumps[i].Close()
		}
	}
	var via *ssh.Client
	for _, j := range c.Jump {
		if j.Logger == nil {
			j.Logger = c.Logger
		}
		if j.Prompt == nil {
			j.Prompt = c.Prompt
		}
		jc, err := j.withDefaults()
		if err == nil {
			via, err = login(ctx, jc, via)
		}
		if err != nil {
			closeJumps()
			return nil, wrapf(err, "jump host %s", j.Addr())
		}
		jumps = append(jumps, via)
	}
	sc, err := login(ctx, c, via)
	if err != nil {
		closeJumps()
		return nil, err
	}
	client := newClient(sc, jumps, c)
	return client, nil
}

// login opens a TCP connection to c's address, directly or through via,
// and runs the SSH handshake and authentication on it.
func login(ctx context.Context, c Config, via *ssh.Client) (*ssh.Client, error) {
	tcp, err := dialTCP(ctx, c, via)
	if err != nil {
		return nil, err
	}
	conn := &headConn{Conn: tcp}
	c.Logger.Info("connected", "addr", c.Addr(), "jump", via != nil)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	// The handshake fails when nothing arrives for c.Timeout, but the
	// time the user takes to answer a question does not count.
	conn.startIdle(c.Timeout)
	if c.Prompt != nil {
		c.Prompt = &pausingPrompter{inner: c.Prompt, conn: conn}
	}
	hk := &hostKeys{file: c.KnownHosts, extra: c.MoreKnownHosts, prompt: c.Prompt, policy: c.HostKeyPolicy,
		hash: c.HashKnownHosts, log: c.Logger}
	callback, err := hk.callback()
	if err != nil {
		conn.Close()
		return nil, err
	}
	auth := &authenticator{cfg: c, hostKeys: hk}
	defer auth.close()
	conf := &ssh.ClientConfig{
		User:              c.User,
		Auth:              auth.methods(),
		HostKeyCallback:   callback,
		HostKeyAlgorithms: hk.preferredAlgorithms(c.Addr()),
		Timeout:           c.Timeout,
	}
	sc, chans, reqs, err := ssh.NewClientConn(conn, c.Addr(), conf)
	if err != nil && ctx.Err() != nil {
		// The connection was closed because ctx ended, such as on
		// Ctrl-C: that is the reason, not the closed connection.
		conn.Close()
		return nil, fmt.Errorf("sshclient: login to %s stopped: %w", c.Addr(), context.Cause(ctx))
	}
	if err != nil {
		conn.Close()
		if why := notSSHServer(c.Addr(), conn.received(), c.Timeout, err); why != nil {
			return nil, why
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, fmt.Errorf("sshclient: the handshake with %s timed out: nothing arrived for %v; "+
				"on a slow link raise the limit with -o ConnectTimeout=SECONDS: %w", c.Addr(), c.Timeout, err)
		}
		return nil, auth.explain(c, err)
	}
	conn.stopIdle()
	c.Logger.Info("logged in", "user", c.User, "addr", c.Addr(), "method", auth.usedMethod())
	return ssh.NewClient(sc, chans, reqs), nil
}

// batchPrompter fails every question, for BatchMode.
type batchPrompter struct{}

func (batchPrompter) Confirm(question string) (bool, error) { return false, batchError(question) }

func (batchPrompter) Secret(prompt string) (string, error) { return "", batchError(prompt) }

func batchError(question string) error {
	first, _, _ := strings.Cut(strings.TrimSpace(question), "\n")
	return fmt.Errorf("sshclient: BatchMode is on, so this question is not asked: %q; "+
		"turn BatchMode off to answer it", strings.TrimSpace(first))
}

// pausingPrompter lifts the handshake deadline of conn while the user
// types a reply, and sets it again afterwards.
type pausingPrompter struct {
	inner Prompter
	conn  *headConn
}

func (p *pausingPrompter) Confirm(question string) (bool, error) {
	p.conn.pause()
	defer p.conn.resume()
	return p.inner.Confirm(question)
}

func (p *pausingPrompter) Secret(prompt string) (string, error) {
	p.conn.pause()
	defer p.conn.resume()
	return p.inner.Secret(prompt)
}

func dialTCP(ctx context.Context, c Config, via *ssh.Client) (net.Conn, error) {
	if via == nil {
		network := c.Network
		if network == "" {
			network = "tcp"
		}
		d := net.Dialer{Timeout: c.Timeout}
		conn, err := d.DialContext(ctx, network, c.Addr())
		if err != nil {
			return nil, fmt.Errorf("sshclient: connecting to %s: %w", c.Addr(), err)
		}
		return conn, nil
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	conn, err := via.DialContext(ctx, "tcp", c.Addr())
	if err != nil {
		return nil, fmt.Errorf("sshclient: connecting to %s through the jump host: %w", c.Addr(), err)
	}
	return conn, nil
}
