package sshclient

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kevinburke/ssh_config"
)

// Settings are OpenSSH client options for one host, read from the
// command line first and then from ssh_config files, the first value
// found winning, as in ssh(1). Keywords are case-insensitive.
type Settings struct {
	// Options are the command line's values by lowercase keyword, from
	// -o and from the flags that set one (-p, -l, -i, -J).
	Options map[string][]string

	// Files are the parsed config files in the order they are read;
	// nil reads none.
	Files []*ssh_config.Config
}

// LoadConfigFiles parses the named ssh_config files; a missing file
// counts as empty.
func LoadConfigFiles(names ...string) ([]*ssh_config.Config, error) {
	var files []*ssh_config.Config
	for _, name := range names {
		f, err := os.Open(name)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("sshclient: reading %s: %w", name, err)
		}
		cfg, err := ssh_config.Decode(f)
		f.Close()
		if err != nil {
			// The parser takes Host blocks and Match all / Match host;
			// other Match criteria, such as exec or user, fail it.
			return nil, fmt.Errorf("sshclient: parsing %s: %w; name a file einkterm can read with -F FILE, or pass -F none", name, err)
		}
		if err := checkValues(name, cfg); err != nil {
			return nil, err
		}
		files = append(files, cfg)
	}
	return files, nil
}

// checkValues rejects a keyword line with no value, which the parser
// takes as an empty value and Get as an unset option. ssh(1) rejects
// such a line as a missing argument.
func checkValues(name string, cfg *ssh_config.Config) error {
	for _, h := range cfg.Hosts {
		for _, n := range h.Nodes {
			kv, ok := n.(*ssh_config.KV)
			if !ok || kv.Value != "" {
				continue
			}
			return fmt.Errorf("sshclient: %s line %d: %s has no value: write %s VALUE, or delete the line",
				name, kv.Pos().Line, kv.Key, kv.Key)
		}
	}
	return nil
}

// Get returns the first value of keyword for the host alias, or "".
func (s *Settings) Get(alias, keyword string) string {
	key := strings.ToLower(keyword)
	if v := s.Options[key]; len(v) > 0 {
		return v[0]
	}
	for _, f := range s.Files {
		if v, err := f.Get(alias, key); err == nil && v != "" {
			return v
		}
	}
	return ""
}

// GetAll returns every value of keyword for the host alias, command
// line first.
func (s *Settings) GetAll(alias, keyword string) []string {
	key := strings.ToLower(keyword)
	all := append([]string(nil), s.Options[key]...)
	for _, f := range s.Files {
		if v, err := f.GetAll(alias, key); err == nil {
			all = append(all, v...)
		}
	}
	return all
}

// Supported lists the keywords Resolve applies. Others are accepted
// and ignored, as the caller chooses to report.
var Supported = []string{
	"HostName", "User", "Port", "IdentityFile", "IdentityAgent",
	"ProxyJump", "ServerAliveInterval", "ServerAliveCountMax",
	"StrictHostKeyChecking", "UserKnownHostsFile", "GlobalKnownHostsFile",
	"HashKnownHosts",
	"ConnectTimeout", "RemoteCommand", "AddressFamily",
	"BatchMode", "PreferredAuthentications", "PubkeyAuthentication",
	"KbdInteractiveAuthentication", "ChallengeResponseAuthentication",
	"PasswordAuthentication",
}

// Resolved is the connection settings for a host alias, and the
// options that concern the session rather than the connection.
type Resolved struct {
	Config
	RemoteCommand string
}

// Resolve returns the settings for the host alias. Jump hosts named by
// ProxyJump are resolved the same way, with the command line's options
// other than HostName, User, Port and ProxyJump.
func (s *Settings) Resolve(alias string) (Resolved, error) {
	r, err := s.resolve(alias)
	if err != nil {
		return r, err
	}
	jump := s.Get(alias, "ProxyJump")
	if jump == "" || strings.EqualFold(jump, "none") {
		return r, nil
	}
	inner := &Settings{Options: map[string][]string{}, Files: s.Files}
	for k, v := range s.Options {
		switch k {
		case "hostname", "user", "port", "proxyjump":
		default:
			inner.Options[k] = v
		}
	}
	for _, hop := range strings.Split(jump, ",") {
		j, err := inner.resolveHop(strings.TrimSpace(hop))
		if err != nil {
			return r, wrapf(err, "ProxyJump %q", jump)
		}
		r.Jump = append(r.Jump, j)
	}
	return r, nil
}

// resolveHop resolves one [user@]host[:port] of a ProxyJump list.
// NOTE: a jump host's own ProxyJump is not followed.
func (s *Settings) resolveHop(hop string) (Config, error) {
	userName, hostPort, ok := strings.Cut(hop, "@")
	if !ok {
		userName, hostPort = "", hop
	}
	host, port := hostPort, ""
	if h, p, err := net.SplitHostPort(hostPort); err == nil {
		host, port = h, p
	}
	if host == "" {
		return Config{}, fmt.Errorf("empty host in %q: use [user@]host[:port]", hop)
	}
	hs := &Settings{Options: map[string][]string{}, Files: s.Files}
	for k, v := range s.Options {
		hs.Options[k] = v
	}
	if userName != "" {
		hs.Options["user"] = []string{userName}
	}
	if port != "" {
		hs.Options["port"] = []string{port}
	}
	r, err := hs.resolve(host)
	return r.Config, err
}

func (s *Settings) resolve(alias string) (Resolved, error) {
	var r Resolved
	var err error
	r.Host = alias
	if h := s.Get(alias, "HostName"); h != "" {
		r.Host = expandTokens(h, tokens{host: alias, alias: alias})
	}
	r.User = s.Get(alias, "User")
	if r.Port, err = parsePort(s.Get(alias, "Port")); err != nil {
		return r, err
	}

	tok := tokens{host: r.Host, alias: alias, user: r.User, port: r.Port}
	for _, f := range s.GetAll(alias, "IdentityFile") {
		r.IdentityFiles = append(r.IdentityFiles, expandTokens(f, tok))
	}
	if err := s.resolveAgent(alias, &r.Config, tok); err != nil {
		return r, err
	}
	if f := strings.Fields(s.Get(alias, "UserKnownHostsFile")); len(f) > 0 {
		r.KnownHosts = expandTokens(f[0], tok)
		for _, name := range f[1:] {
			r.MoreKnownHosts = append(r.MoreKnownHosts, expandTokens(name, tok))
		}
	}
	global := s.Get(alias, "GlobalKnownHostsFile")
	if global == "" {
		global = "/etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2"
	}
	for _, name := range strings.Fields(global) {
		r.MoreKnownHosts = append(r.MoreKnownHosts, expandTokens(name, tok))
	}

	if r.HostKeyPolicy, err = ParseHostKeyPolicy(s.Get(alias, "StrictHostKeyChecking")); err != nil {
		return r, err
	}
	if r.HashKnownHosts, err = parseYesNo("HashKnownHosts", s.Get(alias, "HashKnownHosts")); err != nil {
		return r, err
	}

	if r.KeepAlive, err = parseSeconds("ServerAliveInterval", s.Get(alias, "ServerAliveInterval")); err != nil {
		return r, err
	}
	if r.Timeout, err = parseSeconds("ConnectTimeout", s.Get(alias, "ConnectTimeout")); err != nil {
		return r, err
	}
	if v := s.Get(alias, "ServerAliveCountMax"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return r, fmt.Errorf("sshclient: invalid ServerAliveCountMax %q: use a whole number of 1 or more", v)
		}
		r.KeepAliveMax = n
	}
	switch v := strings.ToLower(s.Get(alias, "AddressFamily")); v {
	case "", "any":
	case "inet":
		r.Network = "tcp4"
	case "inet6":
		r.Network = "tcp6"
	default:
		return r, fmt.Errorf("sshclient: invalid AddressFamily %q: use any, inet or inet6", v)
	}
	r.RemoteCommand = s.Get(alias, "RemoteCommand")
	if r.BatchMode, err = parseYesNo("BatchMode", s.Get(alias, "BatchMode")); err != nil {
		return r, err
	}
	if r.AuthMethods, err = s.authMethods(alias); err != nil {
		return r, err
	}
	return r, nil
}

// authMethods returns the authentication methods to try, in the order
// of PreferredAuthentications, without those that PubkeyAuthentication,
// KbdInteractiveAuthentication (or its older name
// ChallengeResponseAuthentication) or PasswordAuthentication turn off.
func (s *Settings) authMethods(alias string) ([]string, error) {
	order := AuthMethodNames
	if v := s.Get(alias, "PreferredAuthentications"); v != "" {
		order = nil
		for _, name := range strings.Split(v, ",") {
			name = strings.ToLower(strings.TrimSpace(name))
			switch {
			case slices.Contains(AuthMethodNames, name):
				order = append(order, name)
			case name == "gssapi-with-mic" || name == "hostbased":
				// OpenSSH methods einkterm does not have.
			default:
				return nil, fmt.Errorf("sshclient: invalid PreferredAuthentications method %q: use %s",
					name, strings.Join(AuthMethodNames, ", "))
			}
		}
	}
	off := map[string]bool{}
	for key, method := range map[string]string{
		"PubkeyAuthentication":            "publickey",
		"KbdInteractiveAuthentication":    "keyboard-interactive",
		"ChallengeResponseAuthentication": "keyboard-interactive",
		"PasswordAuthentication":          "password",
	} {
		if v := s.Get(alias, key); v != "" {
			on, err := parseYesNo(key, v)
			if err != nil {
				return nil, err
			}
			off[method] = off[method] || !on
		}
	}
	var methods []string
	for _, name := range order {
		if !off[name] && !slices.Contains(methods, name) {
			methods = append(methods, name)
		}
	}
	if len(methods) == 0 {
		return nil, fmt.Errorf("sshclient: no authentication method left to try: PreferredAuthentications and the *Authentication options turn off all of %s",
			strings.Join(AuthMethodNames, ", "))
	}
	return methods, nil
}

func (s *Settings) resolveAgent(alias string, c *Config, tok tokens) error {
	switch v := s.Get(alias, "IdentityAgent"); {
	case v == "" || v == "SSH_AUTH_SOCK":
	case strings.EqualFold(v, "none"):
		c.NoAgent = true
	case strings.HasPrefix(v, "$"):
		c.AgentSocket = os.Getenv(strings.TrimPrefix(v, "$"))
	default:
		c.AgentSocket = expandTokens(v, tok)
	}
	return nil
}

func parsePort(v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	p, err := strconv.Atoi(v)
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("sshclient: invalid Port %q: use a number from 1 to 65535", v)
	}
	return p, nil
}

func parseYesNo(key, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "", "no":
		return false, nil
	case "yes":
		return true, nil
	}
	return false, fmt.Errorf("sshclient: invalid %s %q: use yes or no", key, v)
}

// parseSeconds parses a whole number of seconds; "" and "0" mean zero.
func parseSeconds(key, v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("sshclient: invalid %s %q: use a whole number of seconds", key, v)
	}
	return time.Duration(n) * time.Second, nil
}

// tokens are the values of ssh_config's percent tokens.
type tokens struct {
	host  string // %h
	alias string // %n
	user  string // %r
	port  int    // %p
}

// expandTokens expands a leading ~ and the tokens %%, %d, %h, %n, %p,
// %r and %u. Other tokens are left as they are.
func expandTokens(s string, t tokens) string {
	home, _ := os.UserHomeDir()
	if s == "~" || strings.HasPrefix(s, "~/") {
		s = filepath.Join(home, s[1:])
	}
	local := os.Getenv("USER")
	if u, err := user.Current(); err == nil {
		local = u.Username
	}
	port := t.port
	if port == 0 {
		port = 22
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case '%':
			b.WriteByte('%')
		case 'd':
			b.WriteString(home)
		case 'h':
			b.WriteString(t.host)
		case 'n':
			b.WriteString(t.alias)
		case 'p':
			b.WriteString(strconv.Itoa(port))
		case 'r':
			b.WriteString(t.user)
		case 'u':
			b.WriteString(local)
		default:
			b.WriteByte('%')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
