package sshclient

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Prompter puts questions to the user during login. Secret must not echo
// what is typed.
type Prompter interface {
	Confirm(question string) (bool, error)
	Secret(prompt string) (string, error)
}

// ChangedKeyError is returned when a host presents a key other than the
// one known_hosts records for it, which may mean an attack.
type ChangedKeyError struct {
	Host        string
	Fingerprint string // SHA256 fingerprint of the key the host sent
	File        string
	Line        int // line of the recorded key
}

func (e *ChangedKeyError) Error() string {
	return fmt.Sprintf(`sshclient: REMOTE HOST IDENTIFICATION HAS CHANGED for %s
Someone could be eavesdropping on you right now (man-in-the-middle attack),
or the host key has just been changed.
The host sent a key with fingerprint %s.
The key recorded for it is at %s:%d.
Host key verification failed, so einkterm did not log in. If the change is expected, remove that line and connect again.`,
		e.Host, e.Fingerprint, e.File, e.Line)
}

// HostKeyPolicy is the handling of a host key that known_hosts does not
// confirm, as OpenSSH's StrictHostKeyChecking.
type HostKeyPolicy int

const (
	// HostKeyAsk asks about an unknown host and records the key when
	// the user accepts it; a changed key is rejected.
	HostKeyAsk HostKeyPolicy = iota

	// HostKeyStrict rejects unknown hosts and changed keys.
	HostKeyStrict

	// HostKeyAcceptNew records an unknown host's key without asking;
	// a changed key is rejected.
	HostKeyAcceptNew

	// HostKeyOff records an unknown host's key without asking and
	// lets a changed key through with a warning, but then turns off
	// password and keyboard-interactive authentication.
	HostKeyOff
)

// ParseHostKeyPolicy parses a StrictHostKeyChecking value: yes, ask,
// accept-new, no or off.
func ParseHostKeyPolicy(s string) (HostKeyPolicy, error) {
	switch strings.ToLower(s) {
	case "ask", "":
		return HostKeyAsk, nil
	case "yes", "true":
		return HostKeyStrict, nil
	case "accept-new":
		return HostKeyAcceptNew, nil
	case "no", "off", "false":
		return HostKeyOff, nil
	}
	return 0, fmt.Errorf("sshclient: invalid StrictHostKeyChecking %q: use yes, ask, accept-new or no", s)
}

// HostKeyError is returned when a host key is rejected for a reason other
// than a change: it is unknown and the policy or the user rejects it, or
// it is revoked.
type HostKeyError struct {
	Host   string
	Reason string
}

func (e *HostKeyError) Error() string {
	return fmt.Sprintf("sshclient: host key for %s rejected: %s", e.Host, e.Reason)
}

// hostKeys checks host keys against a known_hosts file.
type hostKeys struct {
	file   string   // where new keys are recorded
	extra  []string // more files that are only read
	prompt Prompter
	policy HostKeyPolicy
	hash   bool
	log    *slog.Logger

	mu      sync.Mutex
	changed bool // a changed key was let through under HostKeyOff
}

func (h *hostKeys) mismatch() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.changed
}

// callback returns the ssh.HostKeyCallback for the file. A missing file
// counts as empty.
func (h *hostKeys) callback() (ssh.HostKeyCallback, error) {
	// Reading a named pipe or a socket would wait for a writer, for
	// ever; a device such as /dev/null reads as empty.
	for _, f := range append([]string{h.file}, h.extra...) {
		if st, err := os.Stat(f); err == nil && st.Mode()&(os.ModeNamedPipe|os.ModeSocket) != 0 {
			return nil, fmt.Errorf("sshclient: known_hosts file %s is a %s, not a regular file: name a file, or /dev/null to keep no record",
				f, fileKindName(st.Mode()))
		}
	}
	files := h.existing()
	if len(files) == 0 {
		return h.check(nil), nil
	}
	known, err := knownhosts.New(files...)
	if err != nil {
		return nil, fmt.Errorf("sshclient: reading %s: %w", strings.Join(files, ", "), err)
	}
	return h.check(known), nil
}

// existing returns the known_hosts files that exist: the user's file
// first, then the read-only ones.
func (h *hostKeys) existing() []string {
	var files []string
	for _, f := range append([]string{h.file}, h.extra...) {
		if _, err := os.Stat(f); err == nil {
			files = append(files, f)
		}
	}
	return files
}

func (h *hostKeys) check(known ssh.HostKeyCallback) ssh.HostKeyCallback {
	return func(host string, remote net.Addr, key ssh.PublicKey) error {
		var err error
		if known != nil {
			err = known(host, remote, key)
			if err == nil {
				return nil
			}
		}
		var revoked *knownhosts.RevokedError
		if errors.As(err, &revoked) {
			return &HostKeyError{Host: host, Reason: fmt.Sprintf(
				"the key is marked @revoked in %s:%d", revoked.Revoked.Filename, revoked.Revoked.Line)}
		}
		var keyErr *knownhosts.KeyError
		if err != nil && !errors.As(err, &keyErr) {
			return wrapf(err, "checking host key")
		}
		if changed := changedKey(host, key, keyErr); changed != nil {
			return h.changedKey(changed)
		}
		return h.unknown(host, remote, key)
	}
}

// changedKey returns the error for a host whose recorded key of the same
// type differs from key, or nil when no key of that type is recorded.
func changedKey(host string, key ssh.PublicKey, keyErr *knownhosts.KeyError) *ChangedKeyError {
	if keyErr == nil {
		return nil
	}
	for _, want := range keyErr.Want {
		if want.Key.Type() == key.Type() {
			return &ChangedKeyError{
				Host:        host,
				Fingerprint: ssh.FingerprintSHA256(key),
				File:        want.Filename,
				Line:        want.Line,
			}
		}
	}
	return nil
}

func (h *hostKeys) changedKey(e *ChangedKeyError) error {
	if h.policy != HostKeyOff {
		return e
	}
	h.mu.Lock()
	h.changed = true
	h.mu.Unlock()
	h.log.Warn("host key changed; continuing because StrictHostKeyChecking is off, with password authentication disabled",
		"host", e.Host, "fingerprint", e.Fingerprint, "recorded", fmt.Sprintf("%s:%d", e.File, e.Line))
	return nil
}

func (h *hostKeys) unknown(host string, remote net.Addr, key ssh.PublicKey) error {
	switch h.policy {
	case HostKeyStrict:
		return &HostKeyError{Host: host, Reason: fmt.Sprintf(
			"it is not in %s and StrictHostKeyChecking is yes (fingerprint %s)", h.file, ssh.FingerprintSHA256(key))}
	case HostKeyAcceptNew, HostKeyOff:
		h.log.Info("recording new host key", "host", host, "fingerprint", ssh.FingerprintSHA256(key), "file", h.file)
		return h.record(host, key)
	}
	return h.askUnknown(host, remote, key)
}

func (h *hostKeys) record(host string, key ssh.PublicKey) error {
	name := knownhosts.Normalize(host)
	if h.hash {
		name = knownhosts.HashHostname(name)
	}
	return appendLineAtomic(h.file, knownhosts.Line([]string{name}, key))
}

func (h *hostKeys) askUnknown(host string, remote net.Addr, key ssh.PublicKey) error {
	q := fmt.Sprintf("The authenticity of host '%s' can't be established.\n"+
		"%s key fingerprint is %s.\n"+
		"Are you sure you want to continue connecting (yes/no)? ",
		host, keyName(key), ssh.FingerprintSHA256(key))
	if h.prompt == nil {
		return &HostKeyError{Host: host, Reason: fmt.Sprintf(
			"it is not in %s and there is no terminal to confirm it (fingerprint %s)", h.file, ssh.FingerprintSHA256(key))}
	}
	ok, err := h.prompt.Confirm(q)
	if err != nil {
		return wrapf(err, "confirming host key")
	}
	if !ok {
		return &HostKeyError{Host: host, Reason: "not accepted by the user"}
	}
	return h.record(host, key)
}

// preferredAlgorithms returns the key types known_hosts already has for
// host, in file order, so the server is asked for a key that can be
// checked. It returns nil when the host is unknown.
func (h *hostKeys) preferredAlgorithms(host string) []string {
	files := h.existing()
	if len(files) == 0 {
		return nil
	}
	known, err := knownhosts.New(files...)
	if err != nil {
		return nil
	}
	// A key that matches nothing makes the callback list the keys it
	// knows for the host.
	err = known(host, &net.TCPAddr{}, probeKey{})
	var keyErr *knownhosts.KeyError
	if !errors.As(err, &keyErr) {
		return nil
	}
	var algos []string
	seen := map[string]bool{}
	for _, k := range keyErr.Want {
		for _, a := range algorithmsFor(k.Key.Type()) {
			if !seen[a] {
				seen[a] = true
				algos = append(algos, a)
			}
		}
	}
	return algos
}

// algorithmsFor returns the signature algorithms for a key type: an RSA
// key signs with SHA-2 first.
func algorithmsFor(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{keyType}
}

// probeKey is a public key of a type no host has.
type probeKey struct{}

func (probeKey) Type() string                                 { return "einkterm-probe" }
func (probeKey) Marshal() []byte                              { return []byte("einkterm-probe") }
func (probeKey) Verify(data []byte, sig *ssh.Signature) error { return errors.New("probe key") }

func keyName(k ssh.PublicKey) string {
	t := strings.TrimPrefix(k.Type(), "ssh-")
	return strings.ToUpper(strings.SplitN(t, "-", 2)[0])
}

// appendLineAtomic adds line to file by writing a new copy beside it,
// syncing it and renaming it over the old one, keeping its permissions.
// A symbolic link is followed, so the file it names gets the copy. A
// file that is not a regular one, such as /dev/null, gets the line
// appended in place: renaming over it would replace a device node.
func appendLineAtomic(file, line string) error {
	if resolved, err := filepath.EvalSymlinks(file); err == nil {
		file = resolved
	} else if target, err := os.Readlink(file); err == nil {
		// A link to a file not made yet: the file is made where the
		// link points, as OpenSSH does, and the link stays.
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(file), target)
		}
		file = target
	}
	if st, err := os.Stat(file); err == nil && !st.Mode().IsRegular() {
		return appendLineInPlace(file, line)
	}
	old, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("sshclient: reading %s: %w", file, err)
	}
	mode := os.FileMode(0o600)
	if st, err := os.Stat(file); err == nil {
		mode = st.Mode().Perm()
	}
	if len(old) > 0 && !bytes.HasSuffix(old, []byte("\n")) {
		old = append(old, '\n')
	}
	data := append(old, line+"\n"...)
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return fmt.Errorf("sshclient: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".known_hosts-*")
	if err != nil {
		return fmt.Errorf("sshclient: saving host key to %s: %w%s", file, err, spaceHint(file, err))
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), mode)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		return fmt.Errorf("sshclient: saving host key to %s: %w%s", file, err, spaceHint(file, err))
	}
	return nil
}

// fileKindName names a named pipe or a socket for messages.
func fileKindName(mode os.FileMode) string {
	if mode&os.ModeSocket != 0 {
		return "socket"
	}
	return "named pipe"
}

// appendLineInPlace appends line to file, which exists.
func appendLineInPlace(file, line string) error {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND, 0)
	if err == nil {
		_, err = f.WriteString(line + "\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("sshclient: saving host key to %s: %w", file, err)
	}
	return nil
}

// spaceHint returns what to do when err says the file system of file is
// full, and "" for other errors.
func spaceHint(file string, err error) string {
	if !errors.Is(err, syscall.ENOSPC) && !errors.Is(err, syscall.EDQUOT) {
		return ""
	}
	return fmt.Sprintf("; %s is unchanged: free space on its file system (see df %s) and connect again",
		file, filepath.Dir(file))
}
