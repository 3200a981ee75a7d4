package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/einkterm/einkterm/deploy/peertest"
)

// faultRun is the einkterm binary running with a pseudo-terminal as its
// keyboard and standard output, and standard error kept for the test.
type faultRun struct {
	cmd    *exec.Cmd
	master *os.File
	slave  *os.File
	before unix.Termios
	stderr *lockedBuffer
	done   chan error
}

// startFault starts einkterm on a new pseudo-terminal.
func startFault(t *testing.T, args ...string) *faultRun {
	t.Helper()
	return startFaultWith(t, nil, args...)
}

// startFaultControlling starts einkterm in a new session whose
// controlling terminal is the new pseudo-terminal, so that the signal
// keys typed on it raise signals, as in a terminal window.
func startFaultControlling(t *testing.T, args ...string) *faultRun {
	t.Helper()
	return startFaultWith(t, &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}, args...)
}

// startFaultWith starts einkterm on a new pseudo-terminal with attr.
func startFaultWith(t *testing.T, attr *syscall.SysProcAttr, args ...string) *faultRun {
	t.Helper()
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatalf("opening a pty: %v", err)
	}
	t.Cleanup(func() { master.Close(); slave.Close() })
	before, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	r := &faultRun{master: master, slave: slave, before: *before, stderr: &lockedBuffer{}, done: make(chan error, 1)}
	r.cmd = exec.Command(buildEinkterm(t), args...)
	r.cmd.Stdin = slave
	r.cmd.Stdout = slave
	r.cmd.Stderr = r.stderr
	r.cmd.Env = append(os.Environ(), "DISPLAY=", "WAYLAND_DISPLAY=", vncPasswordEnv+"=")
	r.cmd.SysProcAttr = attr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	go func() {
		buf := make([]byte, 4096)
		for {
			if _, err := master.Read(buf); err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { r.cmd.Process.Kill() })
	return r
}

// exitWithin waits up to limit for einkterm to exit and returns its
// exit status, or fails the test.
func (r *faultRun) exitWithin(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case err := <-r.done:
		if err == nil {
			return 0
		}
		if exit, ok := err.(*exec.ExitError); ok {
			return exit.ExitCode()
		}
		t.Fatalf("waiting for einkterm: %v", err)
	case <-time.After(limit):
		t.Fatalf("einkterm did not exit within %v of the signal; stderr:\n%s", limit, r.stderr.String())
	}
	return -1
}

func (r *faultRun) checkRestored(t *testing.T) {
	t.Helper()
	now, err := unix.IoctlGetTermios(int(r.slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if now.Lflag != r.before.Lflag || now.Iflag != r.before.Iflag || now.Oflag != r.before.Oflag {
		t.Errorf("terminal not restored: lflag %#x iflag %#x oflag %#x, was %#x %#x %#x",
			now.Lflag, now.Iflag, now.Oflag, r.before.Lflag, r.before.Iflag, r.before.Oflag)
	}
}

// muteServer accepts TCP connections on 127.0.0.1 and never sends a
// byte, like a server that hangs or a link that died after the TCP
// handshake. The returned channel gets a value per connection.
func muteServer(t *testing.T) (string, <-chan struct{}) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	accepted := make(chan struct{}, 16)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			select {
			case accepted <- struct{}{}:
			default:
			}
		}
	}()
	return l.Addr().String(), accepted
}

// signalCase is one state that einkterm is in when a signal arrives.
type signalCase struct {
	name string
	// start starts einkterm and returns once it is in the state; dir
	// is the recorder's folder, or "" for a command without a panel.
	start func(t *testing.T) (r *faultRun, dir string)
}

// waitStderr waits until einkterm's standard error contains s.
func waitStderr(t *testing.T, r *faultRun, s string) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%q on standard error", s), 20*time.Second,
		func() bool { return strings.Contains(r.stderr.String(), s) }, r.stderr.String)
}

// waitFile waits until the file name exists.
func waitFile(t *testing.T, r *faultRun, name string) {
	t.Helper()
	waitFor(t, "file "+filepath.Base(name), 20*time.Second, func() bool {
		_, err := os.Stat(name)
		return err == nil
	}, r.stderr.String)
}

func waitAccepted(t *testing.T, r *faultRun, accepted <-chan struct{}) {
	t.Helper()
	select {
	case <-accepted:
	case <-time.After(20 * time.Second):
		t.Fatalf("einkterm did not connect within 20 s; stderr:\n%s", r.stderr.String())
	}
	// Give the client time to send its greeting and block on the reply.
	time.Sleep(300 * time.Millisecond)
}

func recordArgs(dir string) []string {
	return []string{"--display", "record:" + dir, "--panel", testPanel}
}

func signalCases() []signalCase {
	return []signalCase{
		{"shell/session", func(t *testing.T) (*faultRun, string) {
			dir := t.TempDir()
			marker := filepath.Join(t.TempDir(), "started")
			r := startFault(t, append(append([]string{"shell"}, recordArgs(dir)...),
				"--", "sh", "-c", "touch "+marker+"; exec sleep 60")...)
			waitFile(t, r, marker)
			return r, dir
		}},
		{"ssh/connecting", func(t *testing.T) (*faultRun, string) {
			addr, accepted := muteServer(t)
			dir := t.TempDir()
			r := startFault(t, append(append([]string{"ssh"}, recordArgs(dir)...),
				"-F", "none", "--no-agent", "--known-hosts", filepath.Join(t.TempDir(), "known_hosts"),
				"root@"+addr)...)
			waitAccepted(t, r, accepted)
			return r, dir
		}},
		{"ssh/host-key-prompt", func(t *testing.T) (*faultRun, string) {
			s := peertest.StartSSHD(t, peertest.SSHDOptions{})
			dir := t.TempDir()
			r := startFault(t, append(append([]string{"ssh"}, recordArgs(dir)...),
				"-F", "none", "--no-agent", "-i", s.ClientKey,
				"--known-hosts", filepath.Join(t.TempDir(), "known_hosts"), "root@"+s.Addr())...)
			waitStderr(t, r, "(yes/no)? ")
			return r, dir
		}},
		{"ssh/password-prompt", func(t *testing.T) (*faultRun, string) {
			s := peertest.StartSSHD(t, peertest.SSHDOptions{Extra: []string{
				"PasswordAuthentication yes", "KbdInteractiveAuthentication no",
				"AuthenticationMethods password"}})
			dir := t.TempDir()
			r := startFault(t, append(append([]string{"ssh"}, recordArgs(dir)...),
				"-F", "none", "--no-agent", "--known-hosts", s.KnownHosts, "root@"+s.Addr())...)
			waitStderr(t, r, "password: ")
			return r, dir
		}},
		{"ssh/session", func(t *testing.T) (*faultRun, string) {
			s := peertest.StartSSHD(t, peertest.SSHDOptions{})
			dir := t.TempDir()
			marker := filepath.Join(t.TempDir(), "started")
			r := startFault(t, append(sshArgs(s, dir), "touch "+marker+"; exec sleep 60")...)
			waitFile(t, r, marker)
			return r, dir
		}},
		{"vnc/connecting", func(t *testing.T) (*faultRun, string) {
			addr, accepted := muteServer(t)
			_, port, _ := net.SplitHostPort(addr)
			dir := t.TempDir()
			r := startFault(t, append(append([]string{"vnc"}, recordArgs(dir)...), "127.0.0.1::"+port)...)
			waitAccepted(t, r, accepted)
			return r, dir
		}},
		{"vnc/password-prompt", func(t *testing.T) (*faultRun, string) {
			port := peertest.FreePort(t)
			pwFile := vncPasswordFile(t, "sekret-9")
			startVNCServer(t, port, "-SecurityTypes", "VncAuth", "-PasswordFile", pwFile)
			dir := t.TempDir()
			r := startFault(t, append(append([]string{"vnc"}, recordArgs(dir)...),
				fmt.Sprintf("127.0.0.1::%d", port))...)
			waitStderr(t, r, "VNC password: ")
			return r, dir
		}},
		{"vnc/session", func(t *testing.T) (*faultRun, string) {
			port := peertest.FreePort(t)
			startVNCServer(t, port, "-SecurityTypes", "None")
			dir := t.TempDir()
			logFile := filepath.Join(t.TempDir(), "einkterm.log")
			r := startFault(t, append(append([]string{"vnc"}, recordArgs(dir)...),
				"--log", logFile, "--log-level", "info", fmt.Sprintf("127.0.0.1::%d", port))...)
			waitFor(t, "the desktop", 20*time.Second, func() bool {
				return strings.Contains(readFile(logFile), "vnc: showing desktop")
			}, func() string { return readFile(logFile) + r.stderr.String() })
			return r, dir
		}},
		{"serve/shell-session", func(t *testing.T) (*faultRun, string) {
			marker := filepath.Join(t.TempDir(), "started")
			r := startFault(t, "serve", "--listen", fmt.Sprintf("127.0.0.1:%d", peertest.FreePort(t)),
				"--panel", testPanel, "shell", "--", "sh", "-c", "touch "+marker+"; exec sleep 60")
			waitFile(t, r, marker)
			return r, ""
		}},
		{"serve/ssh-connecting", func(t *testing.T) (*faultRun, string) {
			addr, accepted := muteServer(t)
			r := startFault(t, "serve", "--listen", fmt.Sprintf("127.0.0.1:%d", peertest.FreePort(t)),
				"--panel", testPanel, "ssh", "-F", "none", "--no-agent",
				"--known-hosts", filepath.Join(t.TempDir(), "known_hosts"), "root@"+addr)
			waitAccepted(t, r, accepted)
			return r, ""
		}},
	}
}

// vncPasswordFile writes password in vncpasswd's format, mode 0600.
func vncPasswordFile(t *testing.T, password string) string {
	t.Helper()
	bin := peertest.Require(t, "vncpasswd", "tigervnc-tools")
	cmd := exec.Command(bin, "-f")
	cmd.Stdin = strings.NewReader(password + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("vncpasswd -f: %v", err)
	}
	name := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(name, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestSignalInEveryState sends SIGTERM, SIGHUP and SIGINT to einkterm
// in each state of each command: it must exit within 10 s with a
// non-zero status, give the terminal back in its old modes, and leave
// the panel's last image in final.png.
func TestSignalInEveryState(t *testing.T) {
	for _, c := range signalCases() {
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT} {
			t.Run(c.name+"/"+sig.String(), func(t *testing.T) {
				r, dir := c.start(t)
				sent := time.Now()
				if err := r.cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
				code := r.exitWithin(t, 10*time.Second)
				t.Logf("exited %v after the signal with status %d", time.Since(sent).Round(time.Millisecond), code)
				if code == 0 {
					t.Errorf("exit status 0 after %v, want failure; stderr:\n%s", sig, r.stderr.String())
				}
				r.checkRestored(t)
				if dir == "" {
					return
				}
				if _, err := os.Stat(filepath.Join(dir, "final.png")); err != nil {
					t.Errorf("the panel's last image was not written: %v", err)
				}
			})
		}
	}
}
