package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSSHCommandLine(t *testing.T) {
	tests := []struct {
		args    []string
		alias   string
		command string
		opts    map[string][]string
	}{
		{[]string{"host"}, "host", "", map[string][]string{}},
		{[]string{"-p", "2222", "-l", "bob", "host", "uname", "-a"}, "host", "uname -a",
			map[string][]string{"port": {"2222"}, "user": {"bob"}}},
		{[]string{"alice@host", "-p", "2222", "ls", "-l"}, "host", "ls -l",
			map[string][]string{"port": {"2222"}, "user": {"alice"}}},
		{[]string{"-l", "bob", "alice@host:2200"}, "host", "",
			map[string][]string{"port": {"2200"}, "user": {"bob", "alice"}}},
		{[]string{"-o", "ServerAliveInterval=5", "-o", "StrictHostKeyChecking accept-new", "-i", "k1", "-i", "k2", "h"}, "h", "",
			map[string][]string{"serveraliveinterval": {"5"}, "stricthostkeychecking": {"accept-new"}, "identityfile": {"k1", "k2"}}},
		{[]string{"-J", "jump1,bob@jump2:22", "ssh://carol@[::1]:2022", "--", "-x"}, "::1", "-x",
			map[string][]string{"proxyjump": {"jump1,bob@jump2:22"}, "user": {"carol"}, "port": {"2022"}}},
		{[]string{"fe80::1"}, "fe80::1", "", map[string][]string{}},
		{[]string{"-t", "-C", "-v", "-4", "h", "tmux", "attach"}, "h", "tmux attach",
			map[string][]string{"addressfamily": {"inet"}}},
		{[]string{"-6", "h"}, "h", "", map[string][]string{"addressfamily": {"inet6"}}},
	}
	for _, tt := range tests {
		var sf sshFlags
		e := &env{stderr: io.Discard, getenv: func(string) string { return "" }}
		fs := newFlagSet(e, "ssh", "")
		sf.add(fs)
		got, err := sf.parse(fs, tt.args)
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if got.alias != tt.alias || got.command != tt.command {
			t.Errorf("%q: host %q command %q, want %q %q", tt.args, got.alias, got.command, tt.alias, tt.command)
		}
		if !reflect.DeepEqual(got.opts, tt.opts) {
			t.Errorf("%q: options %v, want %v", tt.args, got.opts, tt.opts)
		}
	}
}

func TestSSHBadCommandLine(t *testing.T) {
	emptyPort := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(emptyPort, []byte("Host h\n    HostName 127.0.0.1\n    Port\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"ssh", "-o", "Port", "h"}, `invalid -o "Port"`},
		{[]string{"ssh", "-e", "ab", "h"}, `invalid -e "ab"`},
		{[]string{"ssh", "-p", "70000", "h"}, "invalid -p 70000: use a port from 1 to 65535"},
		{[]string{"ssh", "-p", "0", "h"}, "invalid -p 0: use a port from 1 to 65535"},
		{[]string{"ssh", "-F", "none", "h", "-p", "-1"}, "invalid -p -1"},
		{[]string{"ssh", "-F", "none", "h:0"}, `invalid Port "0"`},
		{[]string{"ssh", "-F", emptyPort, "h"}, emptyPort + " line 3: Port has no value"},
		{[]string{"ssh", "-F", "none", "-J", "h:0", "h"}, `sshclient: ProxyJump "h:0": invalid Port "0"`},
		{[]string{"ssh", "-F", "/nonexistent/config", "h"}, "reading the -F file"},
		{[]string{"ssh", "-F", "none", "-o", "StrictHostKeyChecking=maybe", "h"}, `invalid StrictHostKeyChecking "maybe"`},
		{[]string{"ssh", "-F", "none", "user@"}, "no host"},
		{[]string{"ssh", "-4", "-6", "h"}, "-4 and -6 exclude each other"},
		{[]string{"ssh", "-F", "none", "-o", "AddressFamily=ipx", "h"}, `invalid AddressFamily "ipx"`},
	}
	for _, tt := range tests {
		code, stderr := runCommand(t, "", tt.args...)
		if code == 0 {
			t.Errorf("%v: exit status 0, want failure", tt.args)
		}
		if !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: stderr %q does not contain %q", tt.args, stderr, tt.want)
		}
	}
}

func TestPromptSecretNoEcho(t *testing.T) {
	var out strings.Builder
	p := &linePrompter{in: strings.NewReader("s3cret\x7fT\rnext"), out: &out}
	got, err := p.Secret("Password: ")
	if err != nil {
		t.Fatal(err)
	}
	if got != "s3creT" {
		t.Errorf("secret %q, want s3creT (backspace applied)", got)
	}
	if out.String() != "Password: \r\n" {
		t.Errorf("terminal shows %q, want only the prompt and a newline", out.String())
	}
	rest, _ := io.ReadAll(p.in)
	if string(rest) != "next" {
		t.Errorf("prompt read past the answer: %q left", rest)
	}
}

func TestSSHEscapeCharFromConfig(t *testing.T) {
	config := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(config, []byte("Host h\n    EscapeChar ^]\n    ServerAliveInterval 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args      []string
		escape    string
		keepAlive time.Duration
	}{
		{[]string{"-F", config, "h"}, "^]", 0},
		{[]string{"-F", config, "-e", "~", "h"}, "~", 0},
		{[]string{"-F", "none", "h"}, "~", defaultKeepAlive},
		{[]string{"-F", "none", "-o", "ServerAliveInterval=5", "h"}, "~", 5 * time.Second},
	}
	for _, tt := range tests {
		var sf sshFlags
		e := &env{stderr: io.Discard, getenv: func(string) string { return "" }}
		fs := newFlagSet(e, "ssh", "")
		sf.add(fs)
		target, err := sf.parse(fs, tt.args)
		if err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		r, _, err := sf.resolve(e, target, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		if sf.escape != tt.escape {
			t.Errorf("%q: escape %q, want %q", tt.args, sf.escape, tt.escape)
		}
		if r.KeepAlive != tt.keepAlive {
			t.Errorf("%q: keepalive %v, want %v", tt.args, r.KeepAlive, tt.keepAlive)
		}
	}
}

// TestSSHConfigIgnoredOptionsWarn reads a config file with options that
// einkterm does not have for the host: each gets a warning naming it,
// and a value that turns an option off gets none.
func TestSSHConfigIgnoredOptionsWarn(t *testing.T) {
	config := filepath.Join(t.TempDir(), "config")
	text := "Host h\n    ProxyCommand nc %h %p\n    LocalForward 8080 127.0.0.1:80\n    ForwardAgent no\n"
	if err := os.WriteFile(config, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	var sf sshFlags
	e := &env{stderr: io.Discard, getenv: func(string) string { return "" }}
	fs := newFlagSet(e, "ssh", "")
	sf.add(fs)
	target, err := sf.parse(fs, []string{"-F", config, "h"})
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	if _, _, err := sf.resolve(e, target, slog.New(slog.NewTextHandler(&logged, nil))); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"option=ProxyCommand", "option=LocalForward"} {
		if !strings.Contains(logged.String(), want) {
			t.Errorf("no warning with %s:\n%s", want, logged.String())
		}
	}
	if strings.Contains(logged.String(), "ForwardAgent") {
		t.Errorf("ForwardAgent no got a warning:\n%s", logged.String())
	}
}

// TestNamedPipeArgumentsRejected names a named pipe where einkterm reads
// a file: each command fails at once, where reading would wait for a
// writer for ever.
func TestNamedPipeArgumentsRejected(t *testing.T) {
	pipe := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"ssh", "--display", "record:" + t.TempDir(), "-F", pipe, "root@127.0.0.1"},
		{"vnc", "--display", "record:" + t.TempDir(), "--passwd", pipe, "127.0.0.1::1"},
		{"serve", "--listen", "127.0.0.1:0", "--password-file", pipe},
	} {
		done := make(chan string, 1)
		go func() {
			_, _, errOut := runWithEnv(t, nil, args...)
			done <- errOut
		}()
		select {
		case errOut := <-done:
			if !strings.Contains(errOut, "is not a regular file") {
				t.Errorf("%v: stderr %q, want the pipe named", args[:3], errOut)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%v: blocked on the named pipe", args[:3])
		}
	}
}
