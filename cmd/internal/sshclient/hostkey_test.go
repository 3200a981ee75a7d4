package sshclient

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/einkterm/einkterm/deploy/peertest"
)

func writeKnownHosts(t *testing.T, file string, lines ...string) {
	t.Helper()
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

func hostPattern(s *peertest.SSHD) string { return fmt.Sprintf("[127.0.0.1]:%d", s.Port) }

func TestHostKeyHashedEntry(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	writeKnownHosts(t, s.KnownHosts, knownhosts.HashHostname(hostPattern(s))+" "+s.HostPub)
	c := dial(t, keyConfig(s)) // no prompt: an unknown host would fail
	if got := run(t, c, "echo hashed"); got != "hashed\n" {
		t.Errorf("output %q", got)
	}
}

func TestHostKeyRevoked(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	writeKnownHosts(t, s.KnownHosts,
		"@revoked * "+s.HostPub,
		hostPattern(s)+" "+s.HostPub)
	cfg := keyConfig(s)
	prompt := &scriptedPrompt{confirms: []bool{true}}
	cfg.Prompt = prompt
	_, err := Dial(context.Background(), cfg)
	var hk *HostKeyError
	if !errors.As(err, &hk) {
		t.Fatalf("error %v, want *HostKeyError", err)
	}
	if !strings.Contains(err.Error(), "@revoked in "+s.KnownHosts+":1") {
		t.Errorf("error %q does not name the @revoked line", err)
	}
	if q := prompt.questions(); q != "" {
		t.Errorf("asked about a revoked key: %q", q)
	}
}

func TestHostKeyChangedRejected(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	other := peertest.StartSSHD(t, peertest.SSHDOptions{})
	for _, policy := range []HostKeyPolicy{HostKeyAsk, HostKeyStrict, HostKeyAcceptNew} {
		writeKnownHosts(t, s.KnownHosts, hostPattern(s)+" "+other.HostPub)
		cfg := keyConfig(s)
		cfg.HostKeyPolicy = policy
		cfg.Prompt = &scriptedPrompt{confirms: []bool{true}}
		_, err := Dial(context.Background(), cfg)
		var changed *ChangedKeyError
		if !errors.As(err, &changed) {
			t.Errorf("policy %d: error %v, want *ChangedKeyError", policy, err)
			continue
		}
		if changed.Line != 1 || changed.File != s.KnownHosts {
			t.Errorf("policy %d: error names %s:%d, want %s:1", policy, changed.File, changed.Line, s.KnownHosts)
		}
	}
}

func TestHostKeyPolicyUnknown(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	tests := []struct {
		policy   HostKeyPolicy
		confirm  []bool
		wantErr  bool
		recorded bool
		asked    bool
	}{
		{HostKeyAsk, []bool{true}, false, true, true},
		{HostKeyAsk, []bool{false}, true, false, true},
		{HostKeyStrict, []bool{true}, true, false, false},
		{HostKeyAcceptNew, nil, false, true, false},
		{HostKeyOff, nil, false, true, false},
	}
	for _, tt := range tests {
		os.Remove(s.KnownHosts)
		cfg := keyConfig(s)
		cfg.HostKeyPolicy = tt.policy
		prompt := &scriptedPrompt{confirms: tt.confirm}
		cfg.Prompt = prompt
		c, err := Dial(context.Background(), cfg)
		if c != nil {
			c.Close()
		}
		if (err != nil) != tt.wantErr {
			t.Errorf("policy %d: error %v, want error %v", tt.policy, err, tt.wantErr)
		}
		_, statErr := os.Stat(s.KnownHosts)
		if recorded := statErr == nil; recorded != tt.recorded {
			t.Errorf("policy %d: known_hosts written %v, want %v", tt.policy, recorded, tt.recorded)
		}
		asked := strings.Contains(prompt.questions(), "SHA256:")
		if asked != tt.asked {
			t.Errorf("policy %d: asked with a fingerprint %v, want %v: %q", tt.policy, asked, tt.asked, prompt.questions())
		}
	}
}

func TestHostKeyChangedOffDisablesPassword(t *testing.T) {
	user, password := passwordUser(t)
	s := peertest.StartSSHD(t, peertest.SSHDOptions{Extra: []string{"PasswordAuthentication yes"}})
	other := peertest.StartSSHD(t, peertest.SSHDOptions{})
	writeKnownHosts(t, s.KnownHosts, hostPattern(s)+" "+other.HostPub)
	cfg := keyConfig(s)
	cfg.User = user
	cfg.HostKeyPolicy = HostKeyOff
	prompt := &scriptedPrompt{secrets: []string{password}}
	cfg.Prompt = prompt
	_, err := Dial(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "disabled because the host key changed") {
		t.Fatalf("error %v, want password logins disabled", err)
	}
	if strings.Contains(prompt.questions(), "password") {
		t.Errorf("asked for a password after the host key changed: %q", prompt.questions())
	}

	// Key logins still work, as in OpenSSH.
	cfg.User = "root"
	c := dial(t, cfg)
	if got := run(t, c, "echo through"); got != "through\n" {
		t.Errorf("output %q", got)
	}
}

func TestHostKeyHashedRecording(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	os.Remove(s.KnownHosts)
	cfg := keyConfig(s)
	cfg.HostKeyPolicy = HostKeyAcceptNew
	cfg.HashKnownHosts = true
	dial(t, cfg).Close()
	data, err := os.ReadFile(s.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "|1|") || strings.Contains(string(data), "127.0.0.1") {
		t.Errorf("known_hosts = %q, want one hashed entry", data)
	}
	// The hashed entry is enough for a strict second login.
	cfg.HostKeyPolicy = HostKeyStrict
	dial(t, cfg).Close()
}

// TestHostKeyAlgorithmOrder gives the server an ECDSA key besides its
// Ed25519 one and records only the ECDSA key: the client must ask for
// ECDSA first, or the Ed25519 key it would otherwise get counts as
// unknown and, with no prompt, fails.
func TestHostKeyAlgorithmOrder(t *testing.T) {
	keygenBin := peertest.Require(t, "ssh-keygen", "openssh-client")
	ecdsa := filepath.Join(t.TempDir(), "host_ecdsa")
	if out, err := exec.Command(keygenBin, "-q", "-t", "ecdsa", "-N", "", "-f", ecdsa).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	s := peertest.StartSSHD(t, peertest.SSHDOptions{Extra: []string{"HostKey " + ecdsa}})
	pub, err := os.ReadFile(ecdsa + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(pub))
	writeKnownHosts(t, s.KnownHosts, hostPattern(s)+" "+f[0]+" "+f[1])

	hk := &hostKeys{file: s.KnownHosts}
	algos := hk.preferredAlgorithms(s.Addr())
	if len(algos) != 1 || algos[0] != f[0] {
		t.Errorf("preferred algorithms %v, want [%s]", algos, f[0])
	}
	c := dial(t, keyConfig(s))
	if got := run(t, c, "echo ecdsa"); got != "ecdsa\n" {
		t.Errorf("output %q", got)
	}
}

func TestPreferredAlgorithmsFileOrder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "known_hosts")
	rsa, ed := mustKey(t, ssh.KeyAlgoRSA), mustKey(t, ssh.KeyAlgoED25519)
	writeKnownHosts(t, file,
		"[h]:2222 "+strings.TrimSpace(string(ssh.MarshalAuthorizedKey(rsa))),
		"other "+strings.TrimSpace(string(ssh.MarshalAuthorizedKey(ed))),
		"[h]:2222 "+strings.TrimSpace(string(ssh.MarshalAuthorizedKey(ed))))
	hk := &hostKeys{file: file}
	got := strings.Join(hk.preferredAlgorithms("h:2222"), ",")
	want := "rsa-sha2-512,rsa-sha2-256,ssh-rsa,ssh-ed25519"
	if got != want {
		t.Errorf("algorithms %s, want %s", got, want)
	}
	if a := hk.preferredAlgorithms("unknown:22"); a != nil {
		t.Errorf("algorithms for an unknown host %v, want nil", a)
	}
}

// slowPrompt answers after a delay longer than the handshake timeout.
type slowPrompt struct {
	scriptedPrompt
	delay time.Duration
}

func (p *slowPrompt) Confirm(q string) (bool, error) {
	time.Sleep(p.delay)
	return p.scriptedPrompt.Confirm(q)
}

func TestSlowAnswerOutlastsTimeout(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	os.Remove(s.KnownHosts)
	cfg := keyConfig(s)
	cfg.Timeout = 2 * time.Second
	cfg.Prompt = &slowPrompt{scriptedPrompt: scriptedPrompt{confirms: []bool{true}}, delay: 3 * time.Second}
	c := dial(t, cfg)
	if got := run(t, c, "echo patient"); got != "patient\n" {
		t.Errorf("output %q", got)
	}
}

func TestHostKeyGlobalFile(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	global := filepath.Join(t.TempDir(), "ssh_known_hosts")
	writeKnownHosts(t, global, hostPattern(s)+" "+s.HostPub)
	os.Remove(s.KnownHosts)
	cfg := keyConfig(s)
	cfg.HostKeyPolicy = HostKeyStrict
	cfg.MoreKnownHosts = []string{filepath.Join(t.TempDir(), "missing"), global}
	c := dial(t, cfg)
	if got := run(t, c, "echo global"); got != "global\n" {
		t.Errorf("output %q", got)
	}
	if _, err := os.Stat(s.KnownHosts); err == nil {
		t.Error("a host known from the global file was recorded in the user's file")
	}

	// A changed key in the global file is rejected too.
	other := peertest.StartSSHD(t, peertest.SSHDOptions{})
	writeKnownHosts(t, global, hostPattern(s)+" "+other.HostPub)
	cfg.HostKeyPolicy = HostKeyAsk
	_, err := Dial(context.Background(), cfg)
	var changed *ChangedKeyError
	if !errors.As(err, &changed) || changed.File != global {
		t.Errorf("error %v, want a changed key at %s", err, global)
	}
}
