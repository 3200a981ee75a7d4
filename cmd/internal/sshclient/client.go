package sshclient

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// Config says where to connect and how to log in. The zero value of each
// field is documented; Dial fills defaults on a copy.
type Config struct {
	User string // empty: the local user name
	Host string
	Port int // zero: 22

	// IdentityFiles are private keys to try after the agent; empty means
	// ~/.ssh/id_ed25519, id_ecdsa and id_rsa where they exist.
	IdentityFiles []string

	// KnownHosts is the known_hosts file; empty means ~/.ssh/known_hosts.
	KnownHosts string

	// AgentSocket is the ssh-agent socket; empty means $SSH_AUTH_SOCK,
	// and no agent when that is unset.
	AgentSocket string

	// NoAgent skips the agent even when a socket is set.
	NoAgent bool

	// Prompt asks for host-key confirmation, passphrases and passwords;
	// nil fails where a question would be asked.
	Prompt Prompter

	// Timeout bounds the TCP connect and the handshake; zero means 15 s.
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
	if c.Timeout == 0 {
		c.Timeout = 15 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// Dial connects, checks the host key and logs in.
func Dial(ctx context.Context, cfg Config) (*ssh.Client, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	hk := &hostKeys{file: c.KnownHosts, prompt: c.Prompt}
	callback, err := hk.callback()
	if err != nil {
		return nil, err
	}
	auth := &authenticator{cfg: c}
	defer auth.close()
	conf := &ssh.ClientConfig{
		User:              c.User,
		Auth:              auth.methods(),
		HostKeyCallback:   callback,
		HostKeyAlgorithms: hk.preferredAlgorithms(c.Addr()),
		Timeout:           c.Timeout,
	}

	d := net.Dialer{Timeout: c.Timeout}
	conn, err := d.DialContext(ctx, "tcp", c.Addr())
	if err != nil {
		return nil, fmt.Errorf("sshclient: connecting to %s: %w", c.Addr(), err)
	}
	c.Logger.Info("connected", "addr", c.Addr())
	conn.SetDeadline(time.Now().Add(c.Timeout))
	sc, chans, reqs, err := ssh.NewClientConn(conn, c.Addr(), conf)
	if err != nil {
		conn.Close()
		return nil, auth.explain(c, err)
	}
	conn.SetDeadline(time.Time{})
	c.Logger.Info("logged in", "user", c.User, "addr", c.Addr(), "method", auth.lastMethod())
	return ssh.NewClient(sc, chans, reqs), nil
}

// authenticator offers the agent, then key files, then a password, and
// remembers which it tried so a failure can name them.
type authenticator struct {
	cfg   Config
	agent net.Conn

	mu    sync.Mutex
	tried []string
}

func (a *authenticator) note(method string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.tried) == 0 || a.tried[len(a.tried)-1] != method {
		a.tried = append(a.tried, method)
	}
}

func (a *authenticator) lastMethod() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.tried) == 0 {
		return "none"
	}
	return a.tried[len(a.tried)-1]
}

func (a *authenticator) close() {
	if a.agent != nil {
		a.agent.Close()
	}
}

func (a *authenticator) methods() []ssh.AuthMethod {
	var m []ssh.AuthMethod
	if a.cfg.AgentSocket != "" {
		conn, err := net.Dial("unix", a.cfg.AgentSocket)
		if err != nil {
			a.cfg.Logger.Warn("ssh agent not reachable", "socket", a.cfg.AgentSocket, "err", err)
		} else {
			a.agent = conn
			client := agent.NewClient(conn)
			m = append(m, ssh.PublicKeysCallback(func() ([]ssh.Signer, error) {
				a.note("agent")
				return client.Signers()
			}))
		}
	}
	if len(a.cfg.IdentityFiles) > 0 {
		m = append(m, ssh.PublicKeysCallback(a.keyFileSigners))
	}
	m = append(m,
		ssh.RetryableAuthMethod(ssh.KeyboardInteractive(a.keyboardInteractive), 3),
		ssh.RetryableAuthMethod(ssh.PasswordCallback(a.password), 3),
	)
	return m
}

func (a *authenticator) keyFileSigners() ([]ssh.Signer, error) {
	var signers []ssh.Signer
	for _, name := range a.cfg.IdentityFiles {
		a.note("key " + name)
		s, err := a.loadKey(name)
		if err != nil {
			a.cfg.Logger.Warn("identity file not used", "file", name, "err", err)
			continue
		}
		signers = append(signers, s)
	}
	return signers, nil
}

func (a *authenticator) loadKey(name string) (ssh.Signer, error) {
	pem, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	s, err := ssh.ParsePrivateKey(pem)
	var missing *ssh.PassphraseMissingError
	if !errors.As(err, &missing) {
		return s, err
	}
	if a.cfg.Prompt == nil {
		return nil, errors.New("key needs a passphrase and there is no terminal to ask")
	}
	pass, err := a.cfg.Prompt.Secret(fmt.Sprintf("Enter passphrase for key '%s': ", name))
	if err != nil {
		return nil, err
	}
	return ssh.ParsePrivateKeyWithPassphrase(pem, []byte(pass))
}

func (a *authenticator) password() (string, error) {
	a.note("password")
	if a.cfg.Prompt == nil {
		return "", errors.New("no terminal to ask for a password")
	}
	return a.cfg.Prompt.Secret(fmt.Sprintf("%s@%s's password: ", a.cfg.User, a.cfg.Host))
}

func (a *authenticator) keyboardInteractive(name, instruction string, questions []string, echos []bool) ([]string, error) {
	a.note("keyboard-interactive")
	if len(questions) == 0 {
		return nil, nil
	}
	if a.cfg.Prompt == nil {
		return nil, errors.New("no terminal to answer the server's questions")
	}
	answers := make([]string, len(questions))
	for i, q := range questions {
		if instruction != "" && i == 0 {
			q = instruction + "\n" + q
		}
		ans, err := a.cfg.Prompt.Secret(q)
		if err != nil {
			return nil, err
		}
		answers[i] = ans
	}
	return answers, nil
}

// explain turns a handshake error into one that names the methods tried.
func (a *authenticator) explain(c Config, err error) error {
	var changed *ChangedKeyError
	if errors.As(err, &changed) {
		return changed
	}
	if !strings.Contains(err.Error(), "unable to authenticate") {
		return fmt.Errorf("sshclient: handshake with %s failed: %w", c.Addr(), err)
	}
	a.mu.Lock()
	tried := strings.Join(a.tried, ", ")
	a.mu.Unlock()
	if tried == "" {
		tried = "none"
	}
	return fmt.Errorf("sshclient: permission denied for %s@%s: tried %s; check the user name, pass a key with -i, or use the right password",
		c.User, c.Addr(), tried)
}
