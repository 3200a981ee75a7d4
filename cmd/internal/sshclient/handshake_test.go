package sshclient

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fakePeer listens on 127.0.0.1 and runs serve on each connection; it
// returns the port.
func fakePeer(t *testing.T, serve func(net.Conn)) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

// holdOpen writes reply and keeps the connection open until the client
// closes it.
func holdOpen(reply string) func(net.Conn) {
	return func(c net.Conn) {
		defer c.Close()
		c.Write([]byte(reply))
		buf := make([]byte, 512)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
		}
	}
}

func TestDialNotSSHServer(t *testing.T) {
	web := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(web.Close)
	webPort := web.Listener.Addr().(*net.TCPAddr).Port

	tests := []struct {
		name string
		port int
		want string
	}{
		{"silent", fakePeer(t, holdOpen("")), "did not respond as an SSH server: it sent nothing before the 1s timeout"},
		{"http server", webPort, "did not respond as an SSH server: it looks like an HTTP server (it replied \"HTTP/1.1 400 Bad Request\")"},
		{"http kept open", fakePeer(t, holdOpen("HTTP/1.1 408 Request Timeout\r\n\r\n")), "it looks like an HTTP server"},
		{"html without status line", fakePeer(t, holdOpen("<!DOCTYPE HTML>\n<html lang=\"en\">\n")),
			`it looks like an HTTP server (it replied "<!DOCTYPE HTML>")`},
		{"other protocol", fakePeer(t, holdOpen("220 smtp ready\r\n")), `did not respond as an SSH server: it sent "220 smtp ready"`},
		{"closes at once", fakePeer(t, func(c net.Conn) { c.Close() }), "closed the connection without responding as an SSH server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{User: "root", Host: "127.0.0.1", Port: tt.port, NoAgent: true,
				KnownHosts: t.TempDir() + "/known_hosts", Timeout: time.Second}
			_, err := Dial(context.Background(), cfg)
			if err == nil {
				t.Fatal("dial succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), "127.0.0.1:") {
				t.Errorf("error %q does not name the address", err)
			}
			if n := strings.Count(err.Error(), "sshclient: "); n != 1 {
				t.Errorf("error %q has the sshclient prefix %d times, want once", err, n)
			}
		})
	}
}

func TestErrorPrefixOnce(t *testing.T) {
	s := &Settings{Options: map[string][]string{"proxyjump": {"gate:0"}}}
	_, err := s.Resolve("h")
	if err == nil {
		t.Fatal("Resolve accepted ProxyJump gate:0")
	}
	want := `sshclient: ProxyJump "gate:0": invalid Port "0": use a number from 1 to 65535`
	if err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}

	jump := Config{Host: "127.0.0.1", Port: fakePeer(t, holdOpen("")), User: "root", Timeout: time.Second}
	cfg := Config{User: "root", Host: "127.0.0.1", Port: 22, NoAgent: true, Jump: []Config{jump}}
	_, err = Dial(context.Background(), cfg)
	if err == nil {
		t.Fatal("dial through a silent jump host succeeded")
	}
	if !strings.HasPrefix(err.Error(), "sshclient: jump host 127.0.0.1:") {
		t.Errorf("error %q does not start with the jump host", err)
	}
	if n := strings.Count(err.Error(), "sshclient: "); n != 1 {
		t.Errorf("error %q has the sshclient prefix %d times, want once", err, n)
	}
}

func TestLoadConfigFilesEmptyValue(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"port", "Host a\n    HostName 127.0.0.1\n    Port\n", "line 3: Port has no value"},
		{"user with equals", "Host *\n  User =\n", "line 2: User has no value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := t.TempDir() + "/config"
			if err := writeFileString(name, tt.text); err != nil {
				t.Fatal(err)
			}
			_, err := LoadConfigFiles(name)
			if err == nil {
				t.Fatal("no error for a keyword without a value")
			}
			if !strings.Contains(err.Error(), name+" "+tt.want) {
				t.Errorf("error %q does not contain %q", err, name+" "+tt.want)
			}
		})
	}
}
