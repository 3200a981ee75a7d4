package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/einkterm/einkterm/cmd/internal/sshclient"
)

func init() {
	register(command{
		name:    "ssh",
		summary: "log in to a host over SSH and show the session on the panel",
		run:     runSSH,
	})
}

// listFlag is a flag that may be given more than once.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

type sshFlags struct {
	sessionFlags
	port       int
	user       string
	identities listFlag
	knownHosts string
	noAgent    bool
}

func (s *sshFlags) add(fs *flag.FlagSet) {
	s.sessionFlags.add(fs)
	fs.IntVar(&s.port, "p", 0, "port to connect to (default 22)")
	fs.StringVar(&s.user, "l", "", "user to log in as")
	fs.Var(&s.identities, "i", "private key file; may be repeated (default ~/.ssh/id_ed25519, id_ecdsa, id_rsa)")
	fs.StringVar(&s.knownHosts, "known-hosts", "", "known_hosts file (default ~/.ssh/known_hosts)")
	fs.BoolVar(&s.noAgent, "no-agent", false, "do not use ssh-agent")
}

func runSSH(ctx context.Context, e *env, args []string) error {
	var sf sshFlags
	fs := newFlagSet(e, "ssh", "[user@]host[:port] [command]")
	sf.add(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	cfg, err := sf.clientConfig(fs.Arg(0))
	if err != nil {
		return err
	}
	command := strings.Join(fs.Args()[1:], " ")
	log, closeLog, err := sf.logger(e)
	if err != nil {
		return err
	}
	defer closeLog()
	cfg.Logger = log

	in, err := openInput(e)
	if err != nil {
		return err
	}
	defer in.restore()
	cfg.Prompt = &linePrompter{in: in.r, out: e.stderr}
	client, err := sshclient.Dial(ctx, cfg)
	if err != nil {
		return err
	}
	panel, err := sf.open(e, log)
	if err != nil {
		client.Close()
		return err
	}
	announceDisplay(e, sf.display, panel)
	status, err := runSession(ctx, sessionConfig{
		panel:    panel,
		fontSize: sf.fontSize,
		log:      log,
		in:       in,
	}, func(ctx context.Context, cols, rows int) (remote, error) {
		return sshclient.StartSession(client, sshclient.PtyOptions{
			Cols:    cols,
			Rows:    rows,
			Command: command,
			Env:     map[string]string{"LANG": langOf(e)},
		})
	})
	if err != nil {
		return err
	}
	if status != 0 {
		return exitError{status}
	}
	return nil
}

// clientConfig builds the connection settings from the flags and the
// [user@]host[:port] argument; -l and -p win over the argument, as in
// OpenSSH.
func (s *sshFlags) clientConfig(target string) (sshclient.Config, error) {
	cfg := sshclient.Config{
		IdentityFiles: s.identities,
		KnownHosts:    s.knownHosts,
		NoAgent:       s.noAgent,
	}
	if user, host, ok := strings.Cut(target, "@"); ok {
		cfg.User, target = user, host
	}
	cfg.Host = target
	if h, p, err := net.SplitHostPort(target); err == nil {
		port, perr := strconv.Atoi(p)
		if perr != nil || port < 1 || port > 65535 {
			return cfg, fmt.Errorf("invalid port %q in %q: use a number from 1 to 65535", p, target)
		}
		cfg.Host, cfg.Port = h, port
	}
	if s.user != "" {
		cfg.User = s.user
	}
	if s.port != 0 {
		if s.port < 1 || s.port > 65535 {
			return cfg, fmt.Errorf("invalid -p %d: use a port from 1 to 65535", s.port)
		}
		cfg.Port = s.port
	}
	if cfg.Host == "" {
		return cfg, fmt.Errorf("no host in %q: use [user@]host[:port]", target)
	}
	return cfg, nil
}

// langOf returns the locale to send to the server.
func langOf(e *env) string {
	if l := e.getenv("LANG"); l != "" {
		return l
	}
	return "C.UTF-8"
}
