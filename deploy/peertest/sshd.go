package peertest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// SSHD is an OpenSSH server on 127.0.0.1 with its own config, host key
// and authorized keys, for one test.
type SSHD struct {
	Port       int
	Dir        string // the server's temp folder
	HostKey    string // path of the private host key
	HostPub    string // the host key's public line, as in known_hosts
	ClientKey  string // an ed25519 client key authorized for root
	KnownHosts string // a known_hosts file that trusts HostKey
	Config     string
	cmd        *exec.Cmd
	log        lockedBuffer
}

// lockedBuffer is a buffer that sshd's output copier and a test may use
// at the same time.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// SSHDOptions adds settings to the server's config.
type SSHDOptions struct {
	// Extra lines for sshd_config, such as "PasswordAuthentication yes".
	// They come before the fixture's own lines, so they override them:
	// sshd takes the first value given for a keyword ("UsePAM yes"
	// turns PAM on). A Match block must not be among them.
	Extra []string

	// Port to listen on; zero picks a free one.
	Port int

	// HostKey reuses an existing host key file; empty makes a new one.
	HostKey string

	// ClientKey reuses an existing client key file, authorized for
	// root; empty makes a new one.
	ClientKey string
}

// StartSSHD starts sshd and stops it in t.Cleanup. It needs root and the
// openssh-server package.
func StartSSHD(t testing.TB, opts SSHDOptions) *SSHD {
	t.Helper()
	sshd := Require(t, "sshd", "openssh-server")
	keygen := Require(t, "ssh-keygen", "openssh-client")
	RequireRoot(t, "sshd can only open a pty for a login as root")

	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatalf("sshd needs /run/sshd: %v", err)
	}
	s := &SSHD{Dir: dir, Port: opts.Port}
	if s.Port == 0 {
		s.Port = FreePort(t)
	}
	s.HostKey = opts.HostKey
	if s.HostKey == "" {
		s.HostKey = filepath.Join(dir, "host_ed25519")
		runKeygen(t, keygen, s.HostKey)
	}
	s.ClientKey = opts.ClientKey
	if s.ClientKey == "" {
		s.ClientKey = filepath.Join(dir, "client_ed25519")
		runKeygen(t, keygen, s.ClientKey)
	}
	pub, err := os.ReadFile(s.HostKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(pub))
	s.HostPub = fields[0] + " " + fields[1]
	s.KnownHosts = filepath.Join(dir, "known_hosts")
	line := fmt.Sprintf("[127.0.0.1]:%d %s\n", s.Port, s.HostPub)
	writeFile(t, s.KnownHosts, line, 0o600)
	authorized := filepath.Join(dir, "authorized_keys")
	clientPub, err := os.ReadFile(s.ClientKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, authorized, string(clientPub), 0o600)

	s.Config = filepath.Join(dir, "sshd_config")
	conf := append([]string{}, opts.Extra...)
	conf = append(conf,
		"ListenAddress 127.0.0.1",
		"Port "+strconv.Itoa(s.Port),
		"HostKey "+s.HostKey,
		"PidFile "+filepath.Join(dir, "sshd.pid"),
		"AuthorizedKeysFile "+authorized,
		"PubkeyAuthentication yes",
		"PermitRootLogin yes",
		"StrictModes no",
		"UsePAM no",
		"PrintMotd no",
		"PrintLastLog no",
		"LogLevel VERBOSE",
	)
	writeFile(t, s.Config, strings.Join(conf, "\n")+"\n", 0o600)
	if out, err := exec.Command(sshd, "-t", "-f", s.Config).CombinedOutput(); err != nil {
		t.Fatalf("sshd -t rejected the test config: %v\n%s", err, out)
	}

	s.cmd = exec.Command(sshd, "-D", "-e", "-f", s.Config)
	s.cmd.Stderr = &s.log
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("starting sshd: %v", err)
	}
	t.Cleanup(func() { s.Stop() })
	s.waitReady(t)
	return s
}

// Addr returns "127.0.0.1:PORT".
func (s *SSHD) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port))
}

// Stop kills the server and its sessions; it may be called twice. Each
// connection's sshd runs in a session of its own (sshd calls setsid), so
// killing the listener's process group leaves it alive: Stop kills the
// listener's descendants by their parent pids first. A daemon that left
// the tree, such as a tmux server, lives on.
func (s *SSHD) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	pid := s.cmd.Process.Pid
	syscall.Kill(pid, syscall.SIGSTOP)
	for _, p := range descendants(pid) {
		syscall.Kill(p, syscall.SIGKILL)
	}
	syscall.Kill(-pid, syscall.SIGKILL)
	s.cmd.Wait()
	s.cmd = nil
}

// descendants returns the pids below pid in the process tree.
func descendants(pid int) []int {
	var all []int
	next := []int{pid}
	for len(next) > 0 {
		p := next[0]
		next = next[1:]
		kids := childPids(p)
		all = append(all, kids...)
		next = append(next, kids...)
	}
	return all
}

// childPids returns the pids whose parent is pid, read from /proc.
func childPids(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var kids []int
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The fields after the parenthesised command name are state
		// and parent pid.
		rest := stat[bytes.LastIndexByte(stat, ')')+1:]
		f := strings.Fields(string(rest))
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			kids = append(kids, n)
		}
	}
	return kids
}

// Log returns what sshd wrote to standard error so far.
func (s *SSHD) Log() string { return s.log.String() }

func (s *SSHD) waitReady(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", s.Addr(), time.Second)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("sshd did not listen on %s within 10 s; its log:\n%s", s.Addr(), s.Log())
}

func runKeygen(t testing.TB, keygen, path string) {
	t.Helper()
	out, err := exec.Command(keygen, "-q", "-t", "ed25519", "-N", "", "-f", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
}

func writeFile(t testing.TB, name, data string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(name, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
}
