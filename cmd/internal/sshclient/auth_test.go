package sshclient

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/einkterm/einkterm/deploy/peertest"
)

func TestDialKeyFile(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	log, buf := debugLogger()
	cfg := keyConfig(s)
	cfg.Logger = log
	c := dial(t, cfg)
	if got := run(t, c, "echo key-login"); got != "key-login\n" {
		t.Errorf("output %q, want key-login", got)
	}
	if !strings.Contains(buf.String(), "method=\"publickey "+s.ClientKey+"\"") {
		t.Errorf("log does not name the key file as the method:\n%s", buf)
	}
}

func TestDialAgent(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	cfg := keyConfig(s)
	cfg.IdentityFiles = []string{s.ClientKey + ".missing"}
	cfg.NoAgent = false
	cfg.AgentSocket = startAgent(t, s.ClientKey)
	log, buf := debugLogger()
	cfg.Logger = log
	c := dial(t, cfg)
	if got := run(t, c, "echo agent-login"); got != "agent-login\n" {
		t.Errorf("output %q, want agent-login", got)
	}
	if !strings.Contains(buf.String(), "method=agent") {
		t.Errorf("log does not name the agent as the method:\n%s", buf)
	}
}

func TestDialPassphraseKey(t *testing.T) {
	const pass = "correct horse battery"
	key := keygen(t, pass)
	s := peertest.StartSSHD(t, peertest.SSHDOptions{ClientKey: key})
	cfg := keyConfig(s)
	const wrong = "not-the-passphrase-1"
	prompt := &scriptedPrompt{secrets: []string{wrong, pass}}
	cfg.Prompt = prompt
	cfg.Keys = &KeyCache{}
	log, buf := debugLogger()
	cfg.Logger = log
	c := dial(t, cfg)
	if got := run(t, c, "echo unlocked"); got != "unlocked\n" {
		t.Errorf("output %q, want unlocked", got)
	}
	if n := strings.Count(prompt.questions(), "Enter passphrase for key '"+key+"'"); n != 2 {
		t.Errorf("asked for the passphrase %d times, want 2 (one wrong try):\n%s", n, prompt.questions())
	}
	if asked := prompt.asked; len(asked) != 2 || !strings.HasPrefix(asked[1], "wrong passphrase for "+key+"\r\n") {
		t.Errorf("the second question does not start with the wrong-passphrase notice: %q", asked)
	}
	if len(prompt.asked) > 0 && strings.Contains(prompt.asked[0], "wrong") {
		t.Errorf("the first question says the passphrase was wrong: %q", prompt.asked[0])
	}

	// A second login, as a reconnect makes, uses the decrypted key and
	// asks nothing.
	cfg.Prompt = nil
	c2 := dial(t, cfg)
	if got := run(t, c2, "echo again"); got != "again\n" {
		t.Errorf("second login output %q", got)
	}
	if strings.Contains(buf.String(), pass) || strings.Contains(buf.String(), wrong) {
		t.Errorf("a passphrase reached the debug log:\n%s", buf)
	}
}

func TestDialPassword(t *testing.T) {
	user, password := passwordUser(t)
	s := peertest.StartSSHD(t, peertest.SSHDOptions{Extra: []string{
		"PasswordAuthentication yes",
		"KbdInteractiveAuthentication no",
	}})
	cfg := keyConfig(s)
	cfg.User = user
	cfg.IdentityFiles = []string{s.ClientKey + ".missing"}
	prompt := &scriptedPrompt{secrets: []string{password}}
	cfg.Prompt = prompt
	log, buf := debugLogger()
	cfg.Logger = log
	c := dial(t, cfg)
	if got := run(t, c, "id -un"); got != user+"\n" {
		t.Errorf("logged in as %q, want %s", got, user)
	}
	if !strings.Contains(prompt.questions(), user+"@127.0.0.1's password: ") {
		t.Errorf("password prompt missing:\n%s", prompt.questions())
	}
	if strings.Contains(buf.String(), password) {
		t.Errorf("the password reached the debug log:\n%s", buf)
	}
}

func TestDialKeyboardInteractive(t *testing.T) {
	user, password := passwordUser(t)
	// OpenSSH 9.2 on Linux answers keyboard-interactive only through
	// PAM; with UsePAM no it lists the method but has no device for it.
	s := peertest.StartSSHD(t, peertest.SSHDOptions{Extra: []string{
		"UsePAM yes",
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication yes",
		"AuthenticationMethods keyboard-interactive",
	}})
	cfg := keyConfig(s)
	cfg.User = user
	prompt := &scriptedPrompt{secrets: []string{password}}
	cfg.Prompt = prompt
	log, buf := debugLogger()
	cfg.Logger = log
	c, err := Dial(context.Background(), cfg)
	if err != nil {
		t.Fatalf("dial: %v\nsshd:\n%s", err, s.Log())
	}
	defer c.Close()
	if got := run(t, c, "id -un"); got != user+"\n" {
		t.Errorf("logged in as %q, want %s", got, user)
	}
	if !strings.Contains(buf.String(), "method=keyboard-interactive") {
		t.Errorf("log does not name keyboard-interactive:\n%s", buf)
	}
	if !strings.Contains(prompt.questions(), "assword") {
		t.Errorf("the server's question was not asked:\n%s", prompt.questions())
	}
	if strings.Contains(buf.String(), password) {
		t.Errorf("the password reached the debug log:\n%s", buf)
	}
}

func TestDialAllMethodsFail(t *testing.T) {
	// Without PAM, OpenSSH 9.2 lists keyboard-interactive but fails it
	// at once: the error must still name it.
	s := peertest.StartSSHD(t, peertest.SSHDOptions{Extra: []string{
		"PasswordAuthentication yes",
		"KbdInteractiveAuthentication yes",
		"MaxAuthTries 20",
	}})
	cfg := keyConfig(s)
	cfg.IdentityFiles = []string{keygen(t, "")} // not authorized
	cfg.NoAgent = false
	cfg.AgentSocket = startAgent(t, keygen(t, ""))
	const secret = "not-the-password-456"
	cfg.Prompt = &scriptedPrompt{secrets: []string{secret, secret, secret}}
	log, buf := debugLogger()
	cfg.Logger = log
	_, err := Dial(context.Background(), cfg)
	var auth *AuthError
	if !errors.As(err, &auth) {
		t.Fatalf("error %v, want *AuthError", err)
	}
	for _, m := range []string{"agent", "publickey " + cfg.IdentityFiles[0], "keyboard-interactive", "password"} {
		if !strings.Contains(auth.Tried, m) {
			t.Errorf("error %q does not name %q", err, m)
		}
	}
	if strings.Contains(buf.String(), secret) || strings.Contains(err.Error(), secret) {
		t.Errorf("the password reached the log or the error:\n%s", buf)
	}
}

// TestDialBatchModeAsksNothing logs in to a server that takes only
// passwords with BatchMode on: the login fails at once without a
// question, where it would otherwise wait at a password prompt.
func TestDialBatchModeAsksNothing(t *testing.T) {
	s := passwordOnlySSHD(t)
	cfg := keyConfig(s)
	cfg.BatchMode = true
	prompt := &scriptedPrompt{secrets: []string{"not-asked"}}
	cfg.Prompt = prompt
	_, err := Dial(context.Background(), cfg)
	var auth *AuthError
	if !errors.As(err, &auth) {
		t.Fatalf("error %v, want *AuthError", err)
	}
	if q := prompt.questions(); q != "" {
		t.Errorf("BatchMode asked:\n%s", q)
	}
	if !strings.Contains(err.Error(), "BatchMode is on, so no password was asked") || strings.Contains(err.Error(), "right password") {
		t.Errorf("error %q does not say why no password was asked", err)
	}
}

// TestDialBatchModeUnknownHost meets an unknown host key with BatchMode
// on: the login fails, and the error names BatchMode as the reason no
// question was asked.
func TestDialBatchModeUnknownHost(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	cfg := keyConfig(s)
	cfg.KnownHosts = filepath.Join(t.TempDir(), "known_hosts")
	cfg.BatchMode = true
	prompt := &scriptedPrompt{confirms: []bool{true}}
	cfg.Prompt = prompt
	_, err := Dial(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "BatchMode is on, so this question is not asked") {
		t.Errorf("error %v, want one naming BatchMode", err)
	}
	if q := prompt.questions(); q != "" {
		t.Errorf("BatchMode asked:\n%s", q)
	}
}

// TestDialWithoutPassword turns the password method off for a server
// that takes only passwords: no password is asked and the login fails.
func TestDialWithoutPassword(t *testing.T) {
	s := passwordOnlySSHD(t)
	cfg := keyConfig(s)
	cfg.AuthMethods = []string{"publickey", "keyboard-interactive"}
	prompt := &scriptedPrompt{secrets: []string{"not-asked"}}
	cfg.Prompt = prompt
	if _, err := Dial(context.Background(), cfg); err == nil {
		t.Fatal("logged in without a password to a server that takes only passwords")
	}
	if q := prompt.questions(); strings.Contains(q, "password") {
		t.Errorf("a password was asked with the method off:\n%s", q)
	}
}

// TestLoadKeyWrongFiles names a folder and a public key file with -i:
// each error states what -i takes instead of advising chmod.
func TestLoadKeyWrongFiles(t *testing.T) {
	dir := t.TempDir()
	key := keygen(t, "")
	a := &authenticator{cfg: Config{Keys: &KeyCache{}}}
	pipe := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, want string }{
		{dir, "is a folder: -i takes a private key file"},
		{pipe, "is not a regular file: -i takes a private key file"},
		{key + ".pub", "is a public key: -i takes the private key, the file without .pub"},
	}
	for _, tt := range tests {
		_, err := a.loadKey(tt.name)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := a.loadKey(key); err != nil {
		t.Errorf("the private key itself: %v", err)
	}
}

// passwordOnlySSHD starts sshd taking passwords and nothing else.
func passwordOnlySSHD(t *testing.T) *peertest.SSHD {
	return peertest.StartSSHD(t, peertest.SSHDOptions{Extra: []string{
		"PasswordAuthentication yes",
		"KbdInteractiveAuthentication no",
		"AuthenticationMethods password",
	}})
}
