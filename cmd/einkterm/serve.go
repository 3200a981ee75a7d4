package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/vnc/rfb"
	"github.com/einkterm/einkterm/vnc/server"
)

func init() {
	register(command{
		name:    "serve",
		summary: "serve a shell or SSH session over VNC, for e-readers whose VNC client is the panel",
		run:     runServe,
	})
}

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve", "[shell [flags] [-- command...] | ssh [flags] [user@]host]")
	listen := fs.String("listen", "127.0.0.1:5900", "address to serve RFB on; any address but loopback needs --password-file")
	panelName := fs.String("panel", display.DefaultProfile, "panel profile of the served frame: "+
		strings.Join(display.ProfileNames(), ", ")+", or WxH")
	passwordFile := fs.String("password-file", "", "VNC password file in vncpasswd format (make it with vncpasswd -f)")
	shared := fs.Bool("shared-input", false, "let every client type; by default only the first client types and the others watch")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		rest = []string{"shell"}
	}
	if rest[0] != "shell" && rest[0] != "ssh" {
		return fmt.Errorf("serve runs shell or ssh, not %q: einkterm serve [flags] shell|ssh ...", rest[0])
	}
	if f := panelFlagIn(rest[1:]); f != "" {
		return fmt.Errorf("%s after %s does not apply to a served session: give the panel as einkterm serve --panel before %s",
			f, rest[0], rest[0])
	}
	if _, _, err := net.SplitHostPort(*listen); err != nil {
		return fmt.Errorf("invalid --listen %q: use HOST:PORT, such as 127.0.0.1:5900", *listen)
	}
	info, err := display.LookupProfile(*panelName)
	if err != nil {
		return err
	}
	password, err := readVNCPassword(*passwordFile)
	if err != nil {
		return err
	}
	if password == nil && !isLoopback(*listen) {
		return fmt.Errorf("--listen %s is reachable from other hosts: set --password-file (vncpasswd -f > FILE), "+
			"and tunnel through SSH where the network is not trusted", *listen)
	}

	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", *listen, err)
	}
	// Client connections, logins and failed passwords go to standard
	// error, so the person running the server can tell why a viewer
	// cannot get in.
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv, err := server.New(info, server.Options{Password: password, SharedInput: *shared, Logger: log})
	if err != nil {
		l.Close()
		return err
	}
	go srv.Serve(l)
	name := info.Name
	if size := fmt.Sprintf("%dx%d", info.Width, info.Height); size != name {
		name += " (" + size + ")"
	}
	fmt.Fprintf(e.stderr, "einkterm: serving %s on %s\n", name, l.Addr())

	inner := *e
	inner.panel = srv
	// Keys come from VNC clients; a closed standard input must not end
	// the session.
	inner.stdin = blockingReader{ctx}
	return commands[rest[0]].run(ctx, &inner, rest[1:])
}

// panelFlagIn returns the first flag among args, before any "--", that
// picks a display or panel, or "".
func panelFlagIn(args []string) string {
	for _, a := range args {
		if a == "--" {
			return ""
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && (name == "panel" || name == "display" || name == "rotate") {
			return a
		}
	}
	return ""
}

// readVNCPassword returns the password stored in a vncpasswd file, or
// nil when name is empty.
func readVNCPassword(name string) ([]byte, error) {
	if name == "" {
		return nil, nil
	}
	st, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("reading --password-file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("--password-file %s is not a regular file: name the file vncpasswd -f made", name)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("--password-file %s is readable by others (mode %04o): chmod 600 it", name, st.Mode().Perm())
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading --password-file: %w", err)
	}
	return rfb.DeobfuscatePassword(data)
}

// isLoopback reports whether addr listens on a loopback address only.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// blockingReader never returns data; Read ends with EOF once ctx is done.
type blockingReader struct{ ctx context.Context }

func (b blockingReader) Read([]byte) (int, error) {
	<-b.ctx.Done()
	return 0, io.EOF
}
