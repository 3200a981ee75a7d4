package sshclient

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
)

// scriptedPrompt answers questions from lists and records them.
type scriptedPrompt struct {
	mu       sync.Mutex
	confirms []bool
	secrets  []string
	asked    []string
}

func (p *scriptedPrompt) Confirm(q string) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asked = append(p.asked, q)
	if len(p.confirms) == 0 {
		return false, errors.New("test prompt: no confirmation left")
	}
	ok := p.confirms[0]
	p.confirms = p.confirms[1:]
	return ok, nil
}

func (p *scriptedPrompt) Secret(q string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asked = append(p.asked, q)
	if len(p.secrets) == 0 {
		return "", errors.New("test prompt: no secret left")
	}
	s := p.secrets[0]
	p.secrets = p.secrets[1:]
	return s, nil
}

func (p *scriptedPrompt) questions() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.asked, "\n")
}

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// debugLogger returns a debug-level logger and the buffer it writes to.
func debugLogger() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	h := slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})
	return slog.New(h), buf
}

// keyConfig returns a config that logs in to s as root with its client
// key and no agent.
func keyConfig(s *peertest.SSHD) Config {
	return Config{
		User:          "root",
		Host:          "127.0.0.1",
		Port:          s.Port,
		KnownHosts:    s.KnownHosts,
		IdentityFiles: []string{s.ClientKey},
		NoAgent:       true,
		Timeout:       10 * time.Second,
	}
}

// run runs command on c without a pty and returns its output.
func run(t *testing.T, c *Client, command string) string {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	defer sess.Close()
	out, err := sess.CombinedOutput(command)
	if err != nil {
		t.Fatalf("%q: %v\n%s", command, err, out)
	}
	return string(out)
}

func dial(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := Dial(context.Background(), cfg)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// keygen makes an ed25519 key with passphrase pass and returns its path.
func keygen(t *testing.T, pass string) string {
	t.Helper()
	bin := peertest.Require(t, "ssh-keygen", "openssh-client")
	path := filepath.Join(t.TempDir(), "id_ed25519")
	out, err := exec.Command(bin, "-q", "-t", "ed25519", "-N", pass, "-f", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	return path
}

func passwordUser(t *testing.T) (string, string) { return peertest.PasswordUser(t) }

func startAgent(t *testing.T, key string) string { return peertest.StartAgent(t, key) }
