package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/einkterm/einkterm/cmd/internal/sshclient"
	"github.com/einkterm/einkterm/vnc/rfb"
)

// vncPasswordEnv is the environment variable that may hold the VNC
// password.
const vncPasswordEnv = "EINKTERM_VNC_PASSWORD"

// vncAddress turns a VNC server name as vncviewer takes it into a TCP
// address: host:N is display N on port 5900+N, host::port is a port,
// and a missing host is localhost.
func vncAddress(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", fmt.Errorf("invalid VNC server %q: give a host, as in localhost:1 or 127.0.0.1::5901", s)
	}
	host, rest := s, ""
	if strings.HasPrefix(s, "[") {
		i := strings.Index(s, "]")
		if i < 0 {
			return "", fmt.Errorf("invalid VNC server %q: missing ]", s)
		}
		host, rest = s[1:i], s[i+1:]
		if host == "" {
			return "", fmt.Errorf("invalid VNC server %q: empty host between [ and ]", s)
		}
	} else if i := strings.Index(s, ":"); i >= 0 {
		host, rest = s[:i], s[i:]
	} else {
		rest = ""
	}
	if host == "" {
		host = "localhost"
	}
	port := 5900
	switch {
	case rest == "":
	case strings.HasPrefix(rest, "::"):
		p, err := strconv.Atoi(rest[2:])
		if err != nil || p < 1 || p > 65535 {
			return "", fmt.Errorf("invalid port in VNC server %q: use host::PORT with PORT from 1 to 65535", s)
		}
		port = p
	case strings.HasPrefix(rest, ":"):
		d, err := strconv.Atoi(rest[1:])
		if err != nil || d < 0 || d > 65535-5900 {
			return "", fmt.Errorf("invalid display in VNC server %q: use host:N for display N, or host::PORT", s)
		}
		port += d
	default:
		return "", fmt.Errorf("invalid VNC server %q: use host[:display] or host::port", s)
	}
	return net.JoinHostPort(host, strconv.Itoa(port)), nil
}

func parseEncodings(s string) ([]int32, error) {
	names := map[string]int32{"zrle": rfb.EncodingZRLE, "copyrect": rfb.EncodingCopyRect, "raw": rfb.EncodingRaw}
	var encs []int32
	for _, n := range strings.Split(s, ",") {
		e, ok := names[strings.ToLower(strings.TrimSpace(n))]
		if !ok {
			return nil, fmt.Errorf("invalid --encodings %q: use a list of zrle, copyrect and raw", s)
		}
		encs = append(encs, e)
	}
	return encs, nil
}

// passwordSource returns where the VNC password comes from, asked only
// when the server wants one: the --passwd file, the environment, or a
// prompt on the terminal. A password is never taken from the command
// line, where other users can read it.
func (f *vncFlags) passwordSource(ctx context.Context, e *env, keys func() (io.Reader, func())) func() ([]byte, error) {
	// A typed password is kept for reconnects, because the keyboard then
	// belongs to the remote desktop.
	var typed []byte
	return func() ([]byte, error) {
		if f.passwd != "" {
			return readPasswordFile(f.passwd)
		}
		if pw := e.getenv(vncPasswordEnv); pw != "" {
			return []byte(pw), nil
		}
		if typed != nil {
			return typed, nil
		}
		if !isTerminal(e.stdin) {
			return nil, errNoPassword
		}
		in, done := keys()
		defer done()
		p := &linePrompter{in: in, out: e.stderr, ctx: ctx}
		pw, err := p.Secret("VNC password: ")
		if errors.Is(err, errInterrupted) {
			return nil, errPasswordCancelled
		}
		if err != nil {
			return nil, err
		}
		typed = []byte(pw)
		return typed, nil
	}
}

// passwordOrigin names where the password that the server rejected
// came from, for the authentication error.
func (f *vncFlags) passwordOrigin(e *env) string {
	switch {
	case f.passwd != "":
		return "the password came from --passwd " + f.passwd + ": check that it matches the server's password file"
	case e.getenv(vncPasswordEnv) != "":
		return "the password came from $" + vncPasswordEnv + ": check its value"
	}
	return "check the typed password; VNC authentication uses only its first 8 characters"
}

// errNoPassword is returned when the server requires a password and
// there is neither a --passwd file, the environment variable, nor a
// terminal to ask on.
var errNoPassword = fmt.Errorf("the server requires a password: use --passwd FILE or set %s", vncPasswordEnv)

// errPasswordCancelled is returned when the user types Ctrl-C or Ctrl-D
// at the VNC password prompt.
var errPasswordCancelled = errors.New("password prompt cancelled with Ctrl-C or Ctrl-D: not connected")

// readPasswordFile reads a VNC password file made by vncpasswd -f or
// x11vnc -storepasswd, which must be private to its owner.
func readPasswordFile(name string) ([]byte, error) {
	if err := checkPrivate("--passwd", name); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading --passwd file: %w", err)
	}
	pw, err := rfb.DeobfuscatePassword(b)
	if err != nil {
		return nil, fmt.Errorf("invalid --passwd file %s: %w", name, err)
	}
	return pw, nil
}

// checkPrivate returns an error when other users can read the secret
// file name, as OpenSSH rejects such a private key.
func checkPrivate(flag, name string) error {
	st, err := os.Stat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s file %s does not exist: check the path, or make the file with vncpasswd -f > %s", flag, name, name)
	}
	if err != nil {
		return fmt.Errorf("reading %s file: %w", flag, err)
	}
	if !st.Mode().IsRegular() {
		// Reading a named pipe would wait for a writer.
		return fmt.Errorf("%s file %s is not a regular file: name the file vncpasswd -f made", flag, name)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("%s file %s is readable by others (mode %04o): chmod 600 %s, "+
			"and keep it off the FAT boot partition, which cannot make it private", flag, name, perm, name)
	}
	return nil
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// dialer returns how to reach the VNC server: directly, or through an
// SSH connection to the --via host, which then resolves the address.
func (f *vncFlags) dialer(ctx context.Context, e *env, in *input, log *slog.Logger) (
	func(ctx context.Context, addr string) (net.Conn, error), func(), error) {
	if f.via == "" {
		return func(ctx context.Context, addr string) (net.Conn, error) {
			d := net.Dialer{Timeout: 15 * time.Second}
			c, err := d.DialContext(ctx, "tcp", addr)
			if err != nil {
				return nil, fmt.Errorf("connecting to the VNC server: %w", err)
			}
			return c, nil
		}, func() {}, nil
	}
	sf := sshFlags{configFile: f.viaConfig, configFlag: "--via-config"}
	t := sshTarget{opts: map[string][]string{}}
	alias, err := splitTarget(f.via, t.opts)
	if err != nil {
		return nil, nil, fmt.Errorf("invalid --via %q: %w", f.via, err)
	}
	t.alias = alias
	resolved, _, err := sf.resolve(e, t, log)
	if err != nil {
		return nil, nil, err
	}
	cfg := resolved.Config
	cfg.Logger = log
	cfg.Prompt = &linePrompter{in: in.r, out: e.stderr, ctx: ctx}
	client, err := sshclient.Dial(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	dial := func(ctx context.Context, addr string) (net.Conn, error) {
		c, err := client.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("connecting to the VNC server %s through %s: %w", addr, f.via, err)
		}
		return c, nil
	}
	return dial, func() { client.Close() }, nil
}
