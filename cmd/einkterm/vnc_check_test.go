package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
)

// TestVNCCommandRejectsBadInput runs einkterm vnc with invalid flags or
// server names against a listener that counts connections: each run
// must fail with a message naming the value and the fix, and connect to
// nothing.
func TestVNCCommandRejectsBadInput(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- struct{}{}
			c.Close()
		}
	}()
	target := fmt.Sprintf("127.0.0.1::%d", ln.Addr().(*net.TCPAddr).Port)
	missing := filepath.Join(t.TempDir(), "nonexistent")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"negative alive interval", []string{"--alive-interval", "-1s", target},
			[]string{"invalid --alive-interval -1s", "positive duration"}},
		{"negative reconnect", []string{"--reconnect", "-5s", target},
			[]string{"invalid --reconnect -5s", "positive duration"}},
		{"merge cap below one", []string{"--merge-cap", "0.5", target},
			[]string{"invalid --merge-cap 0.5", "1 to 10"}},
		{"idle clean of zero", []string{"--idle-clean", "0s", target},
			[]string{"invalid --idle-clean 0s", "100ms to 1h"}},
		{"empty server", []string{""}, []string{`invalid VNC server ""`, "give a host"}},
		{"blank server", []string{" "}, []string{`invalid VNC server " "`, "give a host"}},
		{"empty bracketed host", []string{"[]::5900"}, []string{"empty host"}},
		{"missing passwd file", []string{"--passwd", missing, target},
			[]string{missing + " does not exist", "vncpasswd -f"}},
		{"no server", nil, []string{"missing the VNC server", "host::port"}},
		{"missing via config", []string{"--via", "root@127.0.0.1", "--via-config", missing, target},
			[]string{"reading the --via-config file"}},
		{"second server", []string{target, "other"}, []string{`unexpected argument "other" after the server`}},
		{"bad flag after the server", []string{target, "--reconnect", "-5s"},
			[]string{"invalid --reconnect -5s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--display", "record:" + t.TempDir(), "--panel", testPanel}, tt.args...)
			code, stderr := runVNCCommand(t, 5*time.Second, nil, args...)
			if code == 0 {
				t.Errorf("exit status 0, want failure; stderr %q", stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
			select {
			case <-accepted:
				t.Errorf("einkterm connected to the server despite the invalid input")
			default:
			}
		})
	}
}

// TestVNCCommandWrongPasswordMessage checks that a rejected password is
// reported once, with where the password came from.
func TestVNCCommandWrongPasswordMessage(t *testing.T) {
	port := peertest.FreePort(t)
	startVNCServer(t, port, "-SecurityTypes", "VncAuth", "-PasswordFile", vncPasswordFile(t, "right-pw"))
	wrong := vncPasswordFile(t, "wrong-pw")
	target := fmt.Sprintf("127.0.0.1::%d", port)
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"passwd file", nil, []string{"--passwd", wrong}, "--passwd " + wrong},
		{"environment", map[string]string{vncPasswordEnv: "wrong-pw"}, nil, "$" + vncPasswordEnv},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--display", "record:" + t.TempDir(), "--panel", testPanel}, tt.args...)
			code, stderr := runVNCCommand(t, 10*time.Second, tt.vars, append(args, target)...)
			if code == 0 {
				t.Fatalf("exit status 0 with a wrong password; stderr %q", stderr)
			}
			if n := strings.Count(strings.ToLower(stderr), "authentication fail"); n != 1 {
				t.Errorf("stderr says authentication failed %d times, want once: %q", n, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q does not name the password's origin %q", stderr, tt.want)
			}
		})
	}
}

// TestVNCPasswdFileCheckedBeforeConnect gives a --passwd file that does
// not exist to a server that needs no password: einkterm must still
// report the file.
func TestVNCPasswdFileCheckedBeforeConnect(t *testing.T) {
	port := peertest.FreePort(t)
	startVNCServer(t, port, "-SecurityTypes", "None")
	missing := filepath.Join(t.TempDir(), "nonexistent")
	code, stderr := runVNCCommand(t, 5*time.Second, nil, "--display", "record:"+t.TempDir(), "--panel", testPanel,
		"--passwd", missing, fmt.Sprintf("127.0.0.1::%d", port))
	if code == 0 || !strings.Contains(stderr, "does not exist") {
		t.Errorf("exit status %d, stderr %q; want failure naming the missing file", code, stderr)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("%s was created", missing)
	}
}
