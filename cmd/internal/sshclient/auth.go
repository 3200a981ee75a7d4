package sshclient

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// KeyCache keeps private keys that were decrypted with a passphrase, by
// file name, in memory only.
type KeyCache struct {
	mu      sync.Mutex
	signers map[string]ssh.Signer
}

func (k *KeyCache) get(name string) ssh.Signer {
	if k == nil {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.signers[name]
}

func (k *KeyCache) put(name string, s ssh.Signer) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.signers == nil {
		k.signers = map[string]ssh.Signer{}
	}
	k.signers[name] = s
}

// authenticator offers the agent, then key files, then
// keyboard-interactive, then a password, and records which it tried so
// that a failure can name them.
type authenticator struct {
	cfg      Config
	hostKeys *hostKeys
	agent    net.Conn

	mu    sync.Mutex
	tried []string
	used  string // the key that signed, or the last method asked
}

func (a *authenticator) note(method string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !strings.HasPrefix(method, "publickey") && method != "agent" {
		a.used = method
	}
	if len(a.tried) == 0 || a.tried[len(a.tried)-1] != method {
		a.tried = append(a.tried, method)
	}
}

// usedMethod returns the method that logged in: the key that signed, or
// else the last password method asked.
func (a *authenticator) usedMethod() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.used == "" {
		return "none"
	}
	return a.used
}

func (a *authenticator) close() {
	if a.agent != nil {
		a.agent.Close()
	}
}

// methods returns the auth methods in the order they are tried. The agent's
// keys and the key files share one publickey method, because
// x/crypto/ssh tries each method name only once.
func (a *authenticator) methods() []ssh.AuthMethod {
	var agentSigners func() ([]ssh.Signer, error)
	if a.cfg.AgentSocket != "" {
		conn, err := net.Dial("unix", a.cfg.AgentSocket)
		if err != nil {
			a.cfg.Logger.Warn("ssh agent not reachable", "socket", a.cfg.AgentSocket, "err", err)
		} else {
			a.agent = conn
			agentSigners = agent.NewClient(conn).Signers
		}
	}
	order := a.cfg.AuthMethods
	if order == nil {
		order = AuthMethodNames
	}
	var methods []ssh.AuthMethod
	for _, name := range order {
		switch name {
		case "publickey":
			methods = append(methods, ssh.PublicKeysCallback(func() ([]ssh.Signer, error) {
				return a.publicKeys(agentSigners), nil
			}))
		case "keyboard-interactive":
			// One keyboard-interactive round: a server without a device
			// for it fails each request at once, and retries would only
			// use up its MaxAuthTries. BatchMode has no user at the keyboard.
			if !a.cfg.BatchMode {
				methods = append(methods, ssh.KeyboardInteractive(a.keyboardInteractive))
			}
		case "password":
			if !a.cfg.BatchMode {
				methods = append(methods, ssh.RetryableAuthMethod(ssh.PasswordCallback(a.password), 3))
			}
		}
	}
	return methods
}

// AuthMethodNames is the authentication methods einkterm has, in the
// order it tries them by default.
var AuthMethodNames = []string{"publickey", "keyboard-interactive", "password"}

// publicKeys returns the agent's keys, then the key files'; each is
// wrapped so that the one the server accepts is recorded when it signs.
func (a *authenticator) publicKeys(agentSigners func() ([]ssh.Signer, error)) []ssh.Signer {
	var signers []ssh.Signer
	if agentSigners != nil {
		a.note("agent")
		keys, err := agentSigners()
		if err != nil {
			a.cfg.Logger.Warn("ssh agent keys not listed", "err", err)
		}
		for _, k := range keys {
			signers = append(signers, a.named(k, "agent"))
		}
	}
	for _, name := range a.cfg.IdentityFiles {
		s, err := a.loadKey(name)
		if err != nil {
			a.cfg.Logger.Warn("identity file not used", "file", name, "err", err)
			continue
		}
		a.note("publickey " + name)
		signers = append(signers, a.named(s, "publickey "+name))
	}
	return signers
}

// named wraps s so that signing records method as the one used.
func (a *authenticator) named(s ssh.Signer, method string) ssh.Signer {
	as, ok := s.(ssh.AlgorithmSigner)
	if !ok {
		return s
	}
	n := namedSigner{AlgorithmSigner: as, used: func() { a.setUsed(method) }}
	if ms, ok := s.(ssh.MultiAlgorithmSigner); ok {
		return namedMultiSigner{namedSigner: n, algorithms: ms.Algorithms()}
	}
	return n
}

func (a *authenticator) setUsed(method string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.used = method
}

// namedSigner records that its key signed the login.
type namedSigner struct {
	ssh.AlgorithmSigner
	used func()
}

func (n namedSigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	n.used()
	return n.AlgorithmSigner.Sign(rand, data)
}

func (n namedSigner) SignWithAlgorithm(rand io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	n.used()
	return n.AlgorithmSigner.SignWithAlgorithm(rand, data, algorithm)
}

type namedMultiSigner struct {
	namedSigner
	algorithms []string
}

func (n namedMultiSigner) Algorithms() []string { return n.algorithms }

// readHead returns up to n bytes from the start of the file name.
func readHead(name string, n int) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, n)
	k, err := io.ReadFull(f, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return buf[:k], err
}

// isPublicKeyLine reports whether head starts as an OpenSSH public key
// line does, with a key type such as ssh-ed25519 and a space.
func isPublicKeyLine(head []byte) bool {
	typ, _, ok := strings.Cut(string(head), " ")
	if !ok {
		return false
	}
	for _, prefix := range []string{"ssh-", "ecdsa-sha2-", "sk-"} {
		if strings.HasPrefix(typ, prefix) {
			return true
		}
	}
	return false
}

func (a *authenticator) loadKey(name string) (ssh.Signer, error) {
	if s := a.cfg.Keys.get(name); s != nil {
		return s, nil
	}
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a folder: -i takes a private key file, such as ~/.ssh/id_ed25519", name)
	}
	if !st.Mode().IsRegular() {
		// Reading a named pipe would wait for a writer.
		return nil, fmt.Errorf("%s is not a regular file: -i takes a private key file, such as ~/.ssh/id_ed25519", name)
	}
	if head, err := readHead(name, 64); err == nil && isPublicKeyLine(head) {
		return nil, fmt.Errorf("%s is a public key: -i takes the private key, the file without .pub", name)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("private key %s is readable by others (mode %04o), so it is ignored as OpenSSH does: chmod 600 %s",
			name, perm, name)
	}
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
	question := fmt.Sprintf("Enter passphrase for key '%s': ", name)
	for try := 0; try < 3; try++ {
		if try > 0 {
			question = fmt.Sprintf("wrong passphrase for %s\r\nEnter passphrase for key '%s': ", name, name)
		}
		pass, err := a.cfg.Prompt.Secret(question)
		if err != nil {
			return nil, err
		}
		s, err = ssh.ParsePrivateKeyWithPassphrase(pem, []byte(pass))
		if err == nil {
			a.cfg.Keys.put(name, s)
			return s, nil
		}
		if !errors.Is(err, x509.IncorrectPasswordError) {
			return nil, err
		}
	}
	return nil, fmt.Errorf("wrong passphrase for %s, 3 tries", name)
}

// passwordsDisabled returns why password and keyboard-interactive are
// off: OpenSSH turns them off after accepting a changed host key, since
// the server may be an impostor collecting them.
func (a *authenticator) passwordsDisabled() error {
	if a.hostKeys != nil && a.hostKeys.mismatch() {
		return errors.New("password and keyboard-interactive authentication are disabled because the host key changed")
	}
	return nil
}

func (a *authenticator) password() (string, error) {
	a.note("password")
	if err := a.passwordsDisabled(); err != nil {
		return "", err
	}
	if a.cfg.Prompt == nil {
		return "", errors.New("no terminal to ask for a password")
	}
	return a.cfg.Prompt.Secret(fmt.Sprintf("%s@%s's password: ", a.cfg.User, a.cfg.Host))
}

func (a *authenticator) keyboardInteractive(name, instruction string, questions []string, echos []bool) ([]string, error) {
	a.note("keyboard-interactive")
	if err := a.passwordsDisabled(); err != nil {
		return nil, err
	}
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
	var hostErr *HostKeyError
	if errors.As(err, &hostErr) {
		return hostErr
	}

	// x/crypto/ssh reports a keyboard-interactive request that the
	// server fails at once (OpenSSH without PAM does) as an unexpected
	// message 51, SSH_MSG_USERAUTH_FAILURE, rather than as a rejection.
	coldKbdInt := strings.Contains(err.Error(), "unexpected message type 51")
	if coldKbdInt {
		a.note("keyboard-interactive")
	}
	denied := strings.Contains(err.Error(), "unable to authenticate") ||
		strings.Contains(err.Error(), "Too many authentication failures")
	if !coldKbdInt && !denied {
		return wrapf(err, "handshake with %s failed", c.Addr())
	}

	// The server may fail keyboard-interactive before asking anything,
	// so only x/crypto's list of attempted methods shows it was tried.
	if strings.Contains(err.Error(), " keyboard-interactive") {
		a.note("keyboard-interactive")
	}
	a.mu.Lock()
	tried := strings.Join(a.tried, ", ")
	a.mu.Unlock()
	if strings.Contains(err.Error(), "Too many authentication failures") {
		tried += " (the server ended the login after too many failures)"
	}
	if tried == "" {
		tried = "none"
	}
	e := &AuthError{User: c.User, Addr: c.Addr(), Tried: tried}
	methods := c.AuthMethods
	if methods == nil {
		methods = AuthMethodNames
	}
	switch {
	case c.BatchMode:
		e.NoPassword = "BatchMode is on, so no password was asked"
	case !slices.Contains(methods, "password") && !slices.Contains(methods, "keyboard-interactive"):
		e.NoPassword = "password logins are turned off"
	}
	return e
}

// AuthError is returned when the server accepted none of the methods
// tried.
type AuthError struct {
	User, Addr string
	Tried      string // the methods tried, in order, comma-separated

	// NoPassword is the reason no password could be given, such as
	// BatchMode, or "" when one could.
	NoPassword string
}

func (e *AuthError) Error() string {
	if e.NoPassword != "" {
		return fmt.Sprintf("sshclient: permission denied for %s@%s: tried %s, and %s; check the user name, or pass a key with -i",
			e.User, e.Addr, e.Tried, e.NoPassword)
	}
	return fmt.Sprintf("sshclient: permission denied for %s@%s: tried %s; check the user name, pass a key with -i, or use the right password",
		e.User, e.Addr, e.Tried)
}
