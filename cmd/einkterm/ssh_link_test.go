package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/einkterm/einkterm/cmd/internal/sshclient"
	"github.com/einkterm/einkterm/deploy/peertest"
)

func TestReconnectDelay(t *testing.T) {
	want := []time.Duration{1, 2, 4, 8, 16, 30, 30, 30}
	for i, w := range want {
		if got := reconnectDelay(i + 1); got != w*time.Second {
			t.Errorf("attempt %d waits %v, want %v", i+1, got, w*time.Second)
		}
	}
}

func TestKeyQueueLimit(t *testing.T) {
	var q keyQueue
	if kept, rejected := q.add([]byte("abcdef"), 4); kept != 4 || rejected != 2 {
		t.Errorf("add 6 bytes to a 4-byte queue: kept %d rejected %d", kept, rejected)
	}
	if note := q.statusNote(false); !strings.Contains(note, "4 bytes typed") || !strings.Contains(note, "2 bytes REJECTED") {
		t.Errorf("status note %q does not show both counts", note)
	}
	if note := q.statusNote(true); !strings.Contains(note, "dropped on reconnect") {
		t.Errorf("status note %q for a new shell does not say the input is dropped", note)
	}
	q.noteUnconfirmed(3)
	pending, rejected, unsure := q.take()
	if string(pending) != "abcd" || rejected != 2 || unsure != 3 {
		t.Errorf("take = %q, %d, %d", pending, rejected, unsure)
	}
	if q.pending() || q.statusNote(false) != "" {
		t.Error("queue not empty after take")
	}
}

// sizeReader finds "rows cols" lines from stty size in a link's output,
// with the link's status lines taken out.
type sizeReader struct {
	r *bufio.Reader
}

var (
	statusSeq = regexp.MustCompile("\x1b7.*?\x1b8")
	sizeLine  = regexp.MustCompile(`^(\d+) (\d+)$`)
)

func (s sizeReader) next(t *testing.T) string {
	t.Helper()
	for {
		line, err := s.r.ReadString('\n')
		line = strings.TrimSpace(statusSeq.ReplaceAllString(line, ""))
		if sizeLine.MatchString(line) {
			return line
		}
		if err != nil {
			t.Fatalf("no stty size line: %v", err)
		}
	}
}

// startTestLink dials sshd s as root and starts a link that reconnects
// to it, running command first and resume after a reconnect.
func startTestLink(t *testing.T, s *peertest.SSHD, cols, rows int, command, resume string) *sshLink {
	t.Helper()
	cfg := sshclient.Config{User: "root", Host: "127.0.0.1", Port: s.Port, KnownHosts: s.KnownHosts,
		IdentityFiles: []string{s.ClientKey}, NoAgent: true, Timeout: 5 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	client, err := sshclient.Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	link, err := startLink(ctx, &sshLink{
		dial:      func(ctx context.Context) (*sshclient.Client, error) { return sshclient.Dial(ctx, cfg) },
		pty:       sshclient.PtyOptions{Cols: cols, Rows: rows, Command: command},
		resume:    resume,
		reconnect: true,
		log:       slog.New(slog.DiscardHandler),
	}, client)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { link.Close() })
	return link
}

// TestLinkResizeAcrossReconnect resizes the remote terminal while the
// link is up and while it is down; the reconnected session gets the
// latest size in its pty request.
func TestLinkResizeAcrossReconnect(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	link := startTestLink(t, s, 80, 24, "stty size; read a; stty size; read b", "stty size; read c")
	sizes := sizeReader{bufio.NewReader(link)}
	if got := sizes.next(t); got != "24 80" {
		t.Errorf("first size %q, want 24 80", got)
	}
	link.Resize(100, 30)
	io.WriteString(link, "\r")
	if got := sizes.next(t); got != "30 100" {
		t.Errorf("size after resize %q, want 30 100", got)
	}

	s.Stop()
	waitLinkDown(t, link, nil)
	link.Resize(90, 27)
	peertest.StartSSHD(t, peertest.SSHDOptions{Port: s.Port, HostKey: s.HostKey, ClientKey: s.ClientKey})
	if got := sizes.next(t); got != "27 90" {
		t.Errorf("size after reconnect %q, want 27 90 from the resize while down", got)
	}
	io.WriteString(link, "\r")
	status, err := link.Wait()
	if status != 0 || err != nil {
		t.Errorf("link ended with %d, %v; want 0", status, err)
	}
}

func TestLinkDisconnectWhileDown(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	link := startTestLink(t, s, 80, 24, "read a", "")
	go io.Copy(io.Discard, link)
	s.Stop()
	waitLinkDown(t, link, nil)
	keys := &escapeRemote{sshLink: link, filter: newEscapeFilter('~')}
	if _, err := keys.Write([]byte("\r~.")); err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 1)
	go func() { status, _ := link.Wait(); done <- status }()
	select {
	case status := <-done:
		if status != 255 {
			t.Errorf("status %d after ~., want 255", status)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("~. while the link was down did not end the session within 5 s")
	}
}

// TestLinkDropsInputForNewShell types a command while the link is down
// of a session without a resume command. The reconnect starts a new
// login shell, which must not run it: a command typed after the
// reconnect runs, the one typed before does not.
func TestLinkDropsInputForNewShell(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	link := startTestLink(t, s, 100, 24, "read a", "")
	output, _ := collectOutput(link)

	s.Stop()
	waitLinkDown(t, link, output)
	dir := t.TempDir()
	before, after := filepath.Join(dir, "typed-while-down"), filepath.Join(dir, "typed-after")
	io.WriteString(link, "touch "+before+"\r")
	waitFor(t, "status line of the dropped input", 10*time.Second, func() bool {
		return strings.Contains(output(), "dropped on reconnect (new shell)")
	}, output)

	peertest.StartSSHD(t, peertest.SSHDOptions{Port: s.Port, HostKey: s.HostKey, ClientKey: s.ClientKey})
	waitFor(t, "status line after the reconnect", 40*time.Second, func() bool {
		return strings.Contains(output(), "bytes typed while down NOT sent")
	}, output)
	io.WriteString(link, "touch "+after+"; exit\r")
	if status, err := link.Wait(); status != 0 || err != nil {
		t.Errorf("link ended with %d, %v; want 0\n%s", status, err, output())
	}
	if _, err := os.Stat(after); err != nil {
		t.Errorf("the command typed after the reconnect did not run: %v", err)
	}
	if _, err := os.Stat(before); err == nil {
		t.Error("the new shell ran the command typed while the link was down")
	}
}

// TestLinkShowsWholeFatalError reconnects to a server whose host key
// changed during the outage: the link ends, and the whole reason, host
// and fingerprint included, reaches the panel's output rather than a
// status line cut at the panel's width.
func TestLinkShowsWholeFatalError(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	link := startTestLink(t, s, 40, 24, "read a", "")
	output, ended := collectOutput(link)

	s.Stop()
	waitLinkDown(t, link, output)
	peertest.StartSSHD(t, peertest.SSHDOptions{Port: s.Port, ClientKey: s.ClientKey})
	status, err := link.Wait()
	if status == 0 || err == nil {
		t.Fatalf("link ended with %d, %v; want the changed host key to end it", status, err)
	}
	<-ended
	text := strings.ReplaceAll(output(), "\r\n", " ")
	if !strings.Contains(text, "reconnect failed for good:") {
		t.Errorf("the output does not say the reconnect failed:\n%s", output())
	}
	if !strings.Contains(text, "SHA256:") || !strings.Contains(text, s.KnownHosts) {
		t.Errorf("the output lacks the fingerprint or the known_hosts file:\n%s", output())
	}
}

// waitLinkDown waits until link has lost its session. output, when not
// nil, gives what to show if it does not.
func waitLinkDown(t *testing.T, link *sshLink, output func() string) {
	t.Helper()
	if output == nil {
		output = func() string { return "" }
	}
	waitFor(t, "link down", 10*time.Second, func() bool {
		link.mu.Lock()
		defer link.mu.Unlock()
		return link.sess == nil
	}, output)
}

// collectOutput reads the link's output in the background and returns
// a function that gives what arrived so far, and a channel closed at the
// end of the output.
func collectOutput(link *sshLink) (func() string, <-chan struct{}) {
	var mu sync.Mutex
	var out strings.Builder
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := link.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		return out.String()
	}, done
}
