package sshclient

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kevinburke/ssh_config"

	"github.com/einkterm/einkterm/deploy/peertest"
)

const testConfig = `
Host work
    HostName work.internal
    User alice
    Port 2200
    IdentityFile ~/.ssh/work_%h_%r
    ProxyJump bastion,carol@gate:2022
    ServerAliveInterval 15
    ServerAliveCountMax 4
    StrictHostKeyChecking accept-new

Host bastion
    HostName 10.0.0.1
    User bob
    IdentityFile /keys/bastion

Host *.lab !nolab.lab
    User labuser
    UserKnownHostsFile /lab/known_hosts /lab/other
    HashKnownHosts yes

Host *
    IdentityFile /keys/default
    ConnectTimeout 7
`

func parseConfig(t *testing.T, text string) []*ssh_config.Config {
	t.Helper()
	cfg, err := ssh_config.Decode(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return []*ssh_config.Config{cfg}
}

func TestResolveHostPatterns(t *testing.T) {
	home, _ := os.UserHomeDir()
	files := parseConfig(t, testConfig)
	s := &Settings{Files: files}
	r, err := s.Resolve("work")
	if err != nil {
		t.Fatal(err)
	}
	if r.Host != "work.internal" || r.User != "alice" || r.Port != 2200 {
		t.Errorf("work resolved to %s@%s:%d", r.User, r.Host, r.Port)
	}
	wantIDs := []string{filepath.Join(home, ".ssh/work_work.internal_alice"), "/keys/default"}
	if !reflect.DeepEqual(r.IdentityFiles, wantIDs) {
		t.Errorf("identity files %v, want %v", r.IdentityFiles, wantIDs)
	}
	if r.KeepAlive != 15*time.Second || r.KeepAliveMax != 4 {
		t.Errorf("keepalive %v x %d, want 15s x 4", r.KeepAlive, r.KeepAliveMax)
	}
	if r.HostKeyPolicy != HostKeyAcceptNew || r.Timeout != 7*time.Second {
		t.Errorf("policy %d timeout %v", r.HostKeyPolicy, r.Timeout)
	}
	if len(r.Jump) != 2 {
		t.Fatalf("jumps %d, want 2", len(r.Jump))
	}
	j0, j1 := r.Jump[0], r.Jump[1]
	if j0.Host != "10.0.0.1" || j0.User != "bob" || j0.Port != 0 ||
		!reflect.DeepEqual(j0.IdentityFiles, []string{"/keys/bastion", "/keys/default"}) {
		t.Errorf("first jump %+v", j0)
	}
	if j1.Host != "gate" || j1.User != "carol" || j1.Port != 2022 {
		t.Errorf("second jump %s@%s:%d, want carol@gate:2022", j1.User, j1.Host, j1.Port)
	}

	lab, err := s.Resolve("db.lab")
	if err != nil {
		t.Fatal(err)
	}
	if lab.Host != "db.lab" || lab.User != "labuser" || lab.KnownHosts != "/lab/known_hosts" || !lab.HashKnownHosts {
		t.Errorf("db.lab resolved to %+v", lab.Config)
	}
	wantMore := []string{"/lab/other", "/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"}
	if !reflect.DeepEqual(lab.MoreKnownHosts, wantMore) {
		t.Errorf("db.lab reads known_hosts %v, want %v", lab.MoreKnownHosts, wantMore)
	}
	nolab, err := s.Resolve("nolab.lab")
	if err != nil {
		t.Fatal(err)
	}
	if nolab.User != "" {
		t.Errorf("negated pattern matched: user %q", nolab.User)
	}
}

func TestResolveCommandLineWins(t *testing.T) {
	s := &Settings{Files: parseConfig(t, testConfig), Options: map[string][]string{
		"user":                  {"root"},
		"port":                  {"22"},
		"identityfile":          {"/cli/key"},
		"proxyjump":             {"none"},
		"stricthostkeychecking": {"yes"},
		"identityagent":         {"none"},
	}}
	r, err := s.Resolve("work")
	if err != nil {
		t.Fatal(err)
	}
	if r.User != "root" || r.Port != 22 || r.HostKeyPolicy != HostKeyStrict || !r.NoAgent {
		t.Errorf("command line lost: %+v", r.Config)
	}
	if r.IdentityFiles[0] != "/cli/key" || len(r.IdentityFiles) != 3 {
		t.Errorf("identity files %v, want /cli/key first, then the file's", r.IdentityFiles)
	}
	if len(r.Jump) != 0 {
		t.Errorf("ProxyJump none still jumps: %v", r.Jump)
	}
}

func TestResolveInvalidValues(t *testing.T) {
	tests := []struct{ key, value, want string }{
		{"port", "99999", `invalid Port "99999"`},
		{"serveraliveinterval", "soon", `invalid ServerAliveInterval "soon"`},
		{"serveralivecountmax", "0", `invalid ServerAliveCountMax "0"`},
		{"stricthostkeychecking", "maybe", `invalid StrictHostKeyChecking "maybe"`},
		{"hashknownhosts", "perhaps", `invalid HashKnownHosts "perhaps"`},
		{"proxyjump", "user@", `empty host in "user@"`},
		{"batchmode", "sometimes", `invalid BatchMode "sometimes"`},
		{"preferredauthentications", "publickey,telepathy", `invalid PreferredAuthentications method "telepathy"`},
		{"passwordauthentication", "maybe", `invalid PasswordAuthentication "maybe"`},
	}
	for _, tt := range tests {
		s := &Settings{Options: map[string][]string{tt.key: {tt.value}}}
		_, err := s.Resolve("h")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s=%s: error %v, want %q", tt.key, tt.value, err, tt.want)
		}
	}
}

func TestExpandTokens(t *testing.T) {
	home, _ := os.UserHomeDir()
	tok := tokens{host: "h.example", alias: "h", user: "u", port: 2222}
	tests := []struct{ in, want string }{
		{"~/.ssh/id_%h", home + "/.ssh/id_h.example"},
		{"%d/%r@%n:%p", home + "/u@h:2222"},
		{"100%%", "100%"},
		{"%C-unknown", "%C-unknown"},
		{"trailing%", "trailing%"},
	}
	for _, tt := range tests {
		if got := expandTokens(tt.in, tok); got != tt.want {
			t.Errorf("expandTokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestProxyJumpAlias logs in to an ssh_config alias through a second
// local sshd named by ProxyJump.
func TestProxyJumpAlias(t *testing.T) {
	target := peertest.StartSSHD(t, peertest.SSHDOptions{Extra: []string{"AllowTcpForwarding no"}})
	jump := peertest.StartSSHD(t, peertest.SSHDOptions{})
	known := filepath.Join(t.TempDir(), "known_hosts")
	writeKnownHosts(t, known,
		fmt.Sprintf("[127.0.0.1]:%d %s", target.Port, target.HostPub),
		fmt.Sprintf("[127.0.0.1]:%d %s", jump.Port, jump.HostPub))
	conf := fmt.Sprintf(`
Host inside
    HostName 127.0.0.1
    Port %d
    User root
    IdentityFile %s
    ProxyJump hop
Host hop
    HostName 127.0.0.1
    Port %d
    User root
    IdentityFile %s
Host *
    UserKnownHostsFile %s
    StrictHostKeyChecking yes
    IdentityAgent none
`, target.Port, target.ClientKey, jump.Port, jump.ClientKey, known)
	s := &Settings{Files: parseConfig(t, conf)}
	r, err := s.Resolve("inside")
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, r.Config)
	if got := run(t, c, "echo through-the-jump"); got != "through-the-jump\n" {
		t.Errorf("output %q", got)
	}
	if !strings.Contains(jump.Log(), "Accepted publickey for root") {
		t.Errorf("the jump host logged no login:\n%s", jump.Log())
	}
	c.Close()
	<-c.Done()
}

func TestLoadConfigFilesErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "config")
	if err := os.WriteFile(bad, []byte("Match exec \"true\"\n    User x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadConfigFiles(bad)
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "-F none") {
		t.Errorf("error %v, want one naming %s and the -F way out", err, bad)
	}
	files, err := LoadConfigFiles(filepath.Join(dir, "missing"))
	if err != nil || len(files) != 0 {
		t.Errorf("a missing file gave %d files, %v; want none and no error", len(files), err)
	}
	good := filepath.Join(dir, "good")
	if err := os.WriteFile(good, []byte("Match host h1\n    Port 2201\nHost *\n    Port 2202\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	files, err = LoadConfigFiles(good)
	if err != nil {
		t.Fatal(err)
	}
	s := &Settings{Files: files}
	if p := s.Get("h1", "Port"); p != "2201" {
		t.Errorf("Match host h1 gives Port %q, want 2201", p)
	}
	if p := s.Get("h2", "Port"); p != "2202" {
		t.Errorf("h2 gives Port %q, want 2202", p)
	}
}

func TestDefaultUserWithoutEnv(t *testing.T) {
	t.Setenv("USER", "")
	c, err := Config{Host: "h"}.withDefaults()
	if err != nil {
		t.Fatalf("no user name without $USER: %v", err)
	}
	if c.User == "" || c.Port != 22 || c.KeepAliveMax != 3 || c.Timeout != 15*time.Second {
		t.Errorf("defaults %+v", c)
	}
}

func TestResolveAuthMethods(t *testing.T) {
	tests := []struct {
		name string
		opts map[string][]string
		want []string
	}{
		{"default", nil, []string{"publickey", "keyboard-interactive", "password"}},
		{"no password", map[string][]string{"passwordauthentication": {"no"}},
			[]string{"publickey", "keyboard-interactive"}},
		{"no challenge-response", map[string][]string{"challengeresponseauthentication": {"no"}},
			[]string{"publickey", "password"}},
		{"preferred order", map[string][]string{"preferredauthentications": {"password, publickey,hostbased"}},
			[]string{"password", "publickey"}},
		{"preferred without pubkey", map[string][]string{
			"preferredauthentications": {"keyboard-interactive,publickey"},
			"pubkeyauthentication":     {"no"},
		}, []string{"keyboard-interactive"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Settings{Options: tt.opts}
			r, err := s.Resolve("h")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r.AuthMethods, tt.want) {
				t.Errorf("methods %v, want %v", r.AuthMethods, tt.want)
			}
		})
	}
}

func TestResolveNoAuthMethodLeft(t *testing.T) {
	s := &Settings{Options: map[string][]string{
		"preferredauthentications": {"password"},
		"passwordauthentication":   {"no"},
	}}
	_, err := s.Resolve("h")
	if err == nil || !strings.Contains(err.Error(), "no authentication method left to try") {
		t.Errorf("error %v, want one saying no method is left", err)
	}
}
