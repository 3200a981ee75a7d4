package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kevinburke/ssh_config"

	"github.com/einkterm/einkterm/cmd/internal/sshclient"
	"github.com/einkterm/einkterm/display"
)

func init() {
	register(command{
		name:    "ssh",
		summary: "log in to a host over SSH and show the session on the panel",
		run:     runSSHCommand,
	})
}

// runSSHCommand runs einkterm ssh and exits as ssh(1) does: with the
// remote program's status, or 255 when einkterm itself failed, such as
// a refused connection or login.
func runSSHCommand(ctx context.Context, e *env, args []string) error {
	err := runSSH(ctx, e, args)
	var exit exitError
	if err == nil || errors.Is(err, errUsage) || errors.As(err, &exit) {
		return err
	}
	return failedError{code: 255, err: err}
}

// listFlag is a flag that may be given more than once.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

type sshFlags struct {
	sessionFlags
	port        int
	user        string
	identities  listFlag
	jump        string
	options     listFlag
	configFile  string
	configFlag  string // the flag that set configFile, for messages; "" means -F
	knownHosts  string
	noAgent     bool
	escape      string
	resume      string
	noReconnect bool
	ipv4, ipv6  bool
	verbose     bool
	forcePty    bool
	compress    bool
}

func (s *sshFlags) add(fs *flag.FlagSet) {
	s.sessionFlags.add(fs)
	fs.IntVar(&s.port, "p", 0, "port to connect to (default 22, or Port from ssh_config)")
	fs.StringVar(&s.user, "l", "", "user to log in as")
	fs.Var(&s.identities, "i", "private key file; may be repeated (default ~/.ssh/id_ed25519, id_ecdsa, id_rsa)")
	fs.StringVar(&s.jump, "J", "", "jump hosts to connect through: [user@]host[:port][,...], as ProxyJump")
	fs.Var(&s.options, "o", "ssh_config option as Key=Value, such as ServerAliveInterval=15; may be repeated")
	fs.StringVar(&s.configFile, "F", "", "ssh_config file to read instead of ~/.ssh/config and /etc/ssh/ssh_config; none reads no file")
	fs.StringVar(&s.knownHosts, "known-hosts", "", "known_hosts file (default ~/.ssh/known_hosts), as -o UserKnownHostsFile")
	fs.BoolVar(&s.noAgent, "no-agent", false, "do not use ssh-agent, as -o IdentityAgent=none")
	fs.StringVar(&s.escape, "e", "", "escape character typed after a newline (~. quits, ~? helps), ^X for a control character, or none (default: EscapeChar from ssh_config, else ~)")
	fs.StringVar(&s.resume, "resume", "", `command to run after a reconnect, such as "tmux new -A -s main", and at first when no command is given (default: EinktermResume from ssh_config)`)
	fs.BoolVar(&s.noReconnect, "no-reconnect", false, "end the session when the link drops instead of reconnecting")
	fs.BoolVar(&s.ipv4, "4", false, "connect over IPv4 only, as -o AddressFamily=inet")
	fs.BoolVar(&s.ipv6, "6", false, "connect over IPv6 only, as -o AddressFamily=inet6")
	fs.BoolVar(&s.verbose, "v", false, "log at debug level, as --log-level debug")
	fs.BoolVar(&s.forcePty, "t", false, "accepted for OpenSSH habits: einkterm always requests a pty")
	fs.BoolVar(&s.compress, "C", false, "accepted for OpenSSH habits: compression is not supported and stays off")
}

// sshTarget is the host alias, remote command and options of the
// command line.
type sshTarget struct {
	alias   string
	command string
	opts    map[string][]string
}

func runSSH(ctx context.Context, e *env, args []string) error {
	// The logger, the login prompts and the refresh loop's log write to
	// standard error from different goroutines.
	locked := *e
	locked.stderr = &lockedWriter{w: e.stderr}
	e = &locked

	var sf sshFlags
	fs := newFlagSet(e, "ssh", "[user@]host [command]")
	sf.add(fs)
	target, err := sf.parse(fs, args)
	if err != nil {
		return err
	}
	if sf.verbose {
		sf.logLevel = "debug"
	}
	log, closeLog, err := sf.logger(e)
	if err != nil {
		return err
	}
	defer closeLog()
	resolved, resume, err := sf.resolve(e, target, log)
	if err != nil {
		return err
	}
	escape, err := parseEscapeChar(sf.escape)
	if err != nil {
		return err
	}
	if sf.compress {
		log.Info("compression requested with -C is not supported; continuing without it")
	}
	cfg := resolved.Config
	cfg.Logger = log
	cfg.Keys = &sshclient.KeyCache{}
	command := target.command
	if command == "" {
		command = resolved.RemoteCommand
	}
	if command == "" {
		command = resume
	}
	var sc sessionConfig
	if err := sf.configure(&sc, e.stderr); err != nil {
		return err
	}

	in, err := openKeyboard(e, sf.keyboard, log)
	if err != nil {
		return err
	}
	defer in.restore()
	panel, err := sf.open(e, log)
	if err != nil {
		return err
	}
	announceDisplay(e, sf.display, panel)
	// Ctrl-C stops a connection that hangs, as in OpenSSH, until the
	// remote program reads the keys.
	in.setSignalKeys(true)
	client, err := dialOnPanel(ctx, e, cfg, panel, in, sf, sc)
	in.setSignalKeys(false)
	if err != nil {
		return err
	}
	// Reconnects ask their questions on the status line.
	redial := cfg
	var link *sshLink
	sc.panel, sc.fontSize, sc.log, sc.in, sc.banner = panel, sf.fontSize, log, in, e.banner
	sc.outer = outerTerminal(e, in)
	status, err := runSession(ctx, sc, func(ctx context.Context, cols, rows int) (remote, error) {
		l := &sshLink{
			pty:       sshclient.PtyOptions{Cols: cols, Rows: rows, Command: command, Env: map[string]string{"LANG": langOf(e)}},
			resume:    resume,
			reconnect: !sf.noReconnect,
			log:       log,
		}
		redial.Prompt = linkPrompter{l}
		l.dial = func(ctx context.Context) (*sshclient.Client, error) { return sshclient.Dial(ctx, redial) }
		l, err := startLink(ctx, l, client)
		if err != nil {
			return nil, err
		}
		link = l
		return &escapeRemote{sshLink: l, filter: newEscapeFilter(escape), in: in}, nil
	})
	if link != nil && link.userEnd {
		fmt.Fprintf(e.stderr, "Connection to %s closed.\r\n", cfg.Host)
	}
	if err != nil {
		return err
	}
	if status != 0 {
		return exitError{status}
	}
	return nil
}

// lockedWriter serializes writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// dialOnPanel logs in with the login's questions and errors shown on
// standard error and on the panel. When the login fails it leaves the
// error on the panel and closes it.
func dialOnPanel(ctx context.Context, e *env, cfg sshclient.Config, panel display.Panel,
	in *input, sf sshFlags, sc sessionConfig) (*sshclient.Client, error) {
	console := &loginConsole{panel: panel, fontSize: sf.fontSize, fontFile: sc.fontFile, log: cfg.Logger}
	answers, closeAnswers := promptInput(e, in, panel)
	defer closeAnswers()
	cfg.Prompt = &linePrompter{in: answers, out: io.MultiWriter(e.stderr, console), ctx: ctx}
	// A panel that stays blank while a slow link connects looks like a
	// hang, so the panel shows what is going on.
	fmt.Fprintf(console, "Connecting to %s@%s ...\n", cfg.User, cfg.Addr())
	client, err := sshclient.Dial(ctx, cfg)
	if err == nil {
		console.finish(false)
		return client, nil
	}
	fmt.Fprintf(console, "einkterm ssh: %v\n", err)
	console.finish(true)
	panel.Close()
	return nil, err
}

// parse reads the flags, the host and the command. Flags may come before
// and right after the host, as ssh(1) allows. The first word after the
// host that is not a flag starts the command.
func (s *sshFlags) parse(fs *flag.FlagSet, args []string) (sshTarget, error) {
	if err := parseFlags(fs, args); err != nil {
		return sshTarget{}, err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return sshTarget{}, errUsage
	}
	host := fs.Arg(0)
	if err := parseFlags(fs, fs.Args()[1:]); err != nil {
		return sshTarget{}, err
	}
	portSet := false
	fs.Visit(func(f *flag.Flag) { portSet = portSet || f.Name == "p" })
	if portSet && (s.port < 1 || s.port > 65535) {
		return sshTarget{}, fmt.Errorf("invalid -p %d: use a port from 1 to 65535", s.port)
	}
	t := sshTarget{command: strings.Join(fs.Args(), " ")}
	opts, err := s.optionMap()
	if err != nil {
		return t, err
	}
	t.opts = opts
	t.alias, err = splitTarget(host, opts)
	return t, err
}

// optionMap returns the command line's ssh_config options by lowercase
// keyword: the flags first, then -o in order.
func (s *sshFlags) optionMap() (map[string][]string, error) {
	opts := map[string][]string{}
	add := func(k, v string) { opts[k] = append(opts[k], v) }
	if s.port != 0 {
		add("port", fmt.Sprint(s.port))
	}
	if s.user != "" {
		add("user", s.user)
	}
	for _, id := range s.identities {
		add("identityfile", id)
	}
	if s.jump != "" {
		add("proxyjump", s.jump)
	}
	if s.knownHosts != "" {
		add("userknownhostsfile", s.knownHosts)
	}
	if s.noAgent {
		add("identityagent", "none")
	}
	switch {
	case s.ipv4 && s.ipv6:
		return nil, fmt.Errorf("-4 and -6 exclude each other: give one")
	case s.ipv4:
		add("addressfamily", "inet")
	case s.ipv6:
		add("addressfamily", "inet6")
	}
	for _, o := range s.options {
		k, v, ok := strings.Cut(o, "=")
		if !ok {
			k, v, ok = strings.Cut(strings.TrimSpace(o), " ")
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("invalid -o %q: use Key=Value, such as -o Port=2222", o)
		}
		add(strings.ToLower(k), v)
	}
	return opts, nil
}

// splitTarget returns the host alias of [ssh://][user@]host[:port] and
// adds its user and port to opts after those of -l and -p, which win as
// in ssh(1).
func splitTarget(target string, opts map[string][]string) (string, error) {
	target = strings.TrimPrefix(target, "ssh://")
	if user, host, ok := strings.Cut(target, "@"); ok {
		opts["user"] = append(opts["user"], user)
		target = host
	}
	if h, p, ok := splitPort(target); ok {
		opts["port"] = append(opts["port"], p)
		target = h
	}
	if target == "" {
		return "", fmt.Errorf("no host in the command line: use [user@]host[:port]")
	}
	return target, nil
}

// splitPort splits host:port; a bare IPv6 address has no port.
func splitPort(s string) (host, port string, ok bool) {
	if strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]")
		if end < 0 {
			return s, "", false
		}
		rest := s[end+1:]
		if strings.HasPrefix(rest, ":") {
			return s[1:end], rest[1:], true
		}
		return s[1:end], "", false
	}
	if strings.Count(s, ":") != 1 {
		return s, "", false
	}
	h, p, _ := strings.Cut(s, ":")
	return h, p, true
}

// configFiles parses the -F file, or ~/.ssh/config and
// /etc/ssh/ssh_config as ssh(1) does without -F.
func (s *sshFlags) configFiles() ([]*ssh_config.Config, error) {
	var names []string
	switch s.configFile {
	case "none":
	case "":
		if home, err := os.UserHomeDir(); err == nil {
			names = append(names, filepath.Join(home, ".ssh", "config"))
		}
		names = append(names, "/etc/ssh/ssh_config")
	default:
		flagName := s.configFlag
		if flagName == "" {
			flagName = "-F"
		}
		st, err := os.Stat(s.configFile)
		if err != nil {
			return nil, fmt.Errorf("reading the %s file: %w", flagName, err)
		}
		if !st.Mode().IsRegular() {
			// Reading a named pipe would wait for a writer.
			return nil, fmt.Errorf("the %s file %s is not a regular file: name an ssh_config file, or none", flagName, s.configFile)
		}
		names = append(names, s.configFile)
	}
	return sshclient.LoadConfigFiles(names...)
}

// resolve reads the ssh_config files and returns the connection settings
// and the resume command.
func (s *sshFlags) resolve(e *env, t sshTarget, log *slog.Logger) (sshclient.Resolved, string, error) {
	files, err := s.configFiles()
	if err != nil {
		return sshclient.Resolved{}, "", err
	}
	settings := &sshclient.Settings{Options: t.opts, Files: files}
	for k := range t.opts {
		if !supportedOption(k) {
			log.Warn("ssh option ignored: not supported", "option", k)
		}
	}
	r, err := settings.Resolve(t.alias)
	if err != nil {
		return r, "", err
	}
	for _, k := range ignoredFileOptions {
		if v := settings.Get(t.alias, k); v != "" && !strings.EqualFold(v, "no") && !strings.EqualFold(v, "none") {
			if _, onCommandLine := t.opts[strings.ToLower(k)]; !onCommandLine {
				log.Warn("ssh_config option ignored: not supported", "option", k, "value", v)
			}
		}
	}
	if settings.Get(t.alias, "ServerAliveInterval") == "" {
		r.KeepAlive = defaultKeepAlive
	}
	if s.escape == "" {
		s.escape = settings.Get(t.alias, "EscapeChar")
	}
	if s.escape == "" {
		s.escape = "~"
	}
	resume := s.resume
	if resume == "" {
		resume = settings.Get(t.alias, resumeOption)
	}
	return r, resume, nil
}

// ignoredFileOptions are ssh_config keywords that change where or how
// OpenSSH connects or what it forwards. einkterm does not have them, so
// a config file that sets one for the host gets a warning: the
// connection may differ from what ssh(1) makes. SendEnv is left out,
// since Debian's /etc/ssh/ssh_config sets it for every host and
// einkterm sends LANG itself.
var ignoredFileOptions = []string{
	"ProxyCommand", "LocalForward", "RemoteForward", "DynamicForward",
	"ForwardAgent", "ForwardX11", "ControlMaster", "ControlPath",
	"CertificateFile", "PKCS11Provider", "LocalCommand",
}

// defaultKeepAlive is the keepalive interval when ssh_config sets none.
// OpenSSH sends none by default. Go's TCP keepalives (15 s idle, then 9
// probes 15 s apart, per the net package) would notice a silently
// dropped link only after about 150 s. This interval with
// ServerAliveCountMax 3 notices it within about 60 s.
const defaultKeepAlive = 15 * time.Second

// resumeOption is einkterm's own ssh_config keyword for --resume. OpenSSH
// rejects unknown keywords, so a config shared with it needs
// "IgnoreUnknown EinktermResume" above it.
const resumeOption = "EinktermResume"

func supportedOption(k string) bool {
	if strings.EqualFold(k, resumeOption) || strings.EqualFold(k, "EscapeChar") {
		return true
	}
	for _, s := range sshclient.Supported {
		if strings.EqualFold(s, k) {
			return true
		}
	}
	return false
}

// langOf returns the locale to send to the server.
func langOf(e *env) string {
	if l := e.getenv("LANG"); l != "" {
		return l
	}
	return "C.UTF-8"
}
