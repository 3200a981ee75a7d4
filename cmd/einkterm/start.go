package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/einkterm/einkterm/deploy/config"
	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

func init() {
	register(command{
		name:    "start",
		summary: "start the session the config file names, or the menu that picks one (for the appliance)",
		run:     runStart,
	})
}

func runStart(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "start", "")
	path := fs.String("config", "", "config file (default: $EINKTERM_CONFIG, then "+
		strings.Join(config.BootPaths, ", ")+", then the user's config folder)")
	once := fs.Bool("once", false, "end when the first session ends instead of showing the menu again")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: einkterm start takes only flags; the session comes from the config file", fs.Arg(0))
	}
	locator := config.Locator{Getenv: e.getenv}
	cfg, place, problems := loadStartConfig(locator, *path)
	for _, p := range problems {
		fmt.Fprintln(e.stderr, "einkterm:", p)
	}

	banner := problemBanner(problems)
	showMenu := cfg.Session.Start == "menu"
	for {
		if showMenu {
			chosen, err := runMenu(ctx, e, cfg, banner)
			if err != nil {
				return err
			}
			problems = nil
			if err := config.SaveMenu(place.Path, chosen); err != nil {
				// The choice still runs; the next start asks again.
				problems = append(problems, err.Error())
				fmt.Fprintln(e.stderr, "einkterm:", err)
			}
			cfg.Session = chosenSession(cfg.Session, chosen)
		}
		// The session's last lines of standard error explain a failure
		// that its error alone does not, such as a shell not found.
		tail := &lineTail{w: e.stderr}
		session := *e
		session.stderr = tail
		err := runConfigured(ctx, &session, cfg, problems)
		if *once || ctx.Err() != nil {
			return err
		}
		banner = nil
		if err != nil {
			ended := fmt.Sprintf("%s session ended: %v", cfg.Session.Start, err)
			fmt.Fprintln(e.stderr, "einkterm:", ended)
			banner = failureBanner(append(tail.Lines(), ended))
		}
		// Back to the menu with the last choice preselected.
		problems = nil
		showMenu = true
	}
}

// loadStartConfig loads the config file and returns its problems as text
// to show on the panel. A file that cannot be read at all gives the
// defaults, so the panel shows the menu rather than staying blank.
func loadStartConfig(l config.Locator, flagPath string) (config.Config, config.Place, []string) {
	cfg, place, err := config.LoadFound(l, flagPath)
	if err == nil {
		return cfg, place, nil
	}
	var errs config.Errors
	if errors.As(err, &errs) {
		var out []string
		for _, e := range errs {
			out = append(out, e.Error())
		}
		return cfg, place, append(out, problemSummary(errs))
	}
	return config.Default(), place, []string{err.Error()}
}

// chosenSession returns s with the menu's choice applied.
func chosenSession(s config.Session, m *config.Menu) config.Session {
	for _, a := range m.Assignments() {
		switch a.Key {
		case "session.start":
			s.Start = fmt.Sprint(a.Value)
		case "session.ssh.host":
			s.SSH.Host = fmt.Sprint(a.Value)
		case "session.ssh.user":
			s.SSH.User = fmt.Sprint(a.Value)
		case "session.ssh.port":
			s.SSH.Port, _ = a.Value.(int)
		case "session.vnc.host":
			s.VNC.Host = fmt.Sprint(a.Value)
		case "session.vnc.port":
			s.VNC.Port, _ = a.Value.(int)
		}
	}
	return s
}

// sessionArgs returns the command line flags that every session command
// takes from the config.
func sessionArgs(cfg config.Config) []string {
	d := cfg.Display
	if d != "" && !strings.Contains(d, ":") && cfg.Board != "" && cfg.Board != "auto" && cfg.Board != "none" {
		if _, spi := displayKinds[d]; spi && d != "record" && d != "sim" {
			d += ":" + cfg.Board
		}
	}
	var args []string
	if d != "" {
		args = append(args, "--display", d)
	}
	return append(args, "--panel", cfg.Panel, "--rotate", strconv.Itoa(cfg.Rotation))
}

// terminalArgs adds the flags of terminal sessions (shell and ssh).
func terminalArgs(cfg config.Config) []string {
	args := sessionArgs(cfg)
	if cfg.Font.Size > 0 {
		args = append(args, "--font-size", strconv.Itoa(cfg.Font.Size))
	}
	if cfg.Font.Name != "" {
		args = append(args, "--font", cfg.Font.Name)
	}
	args = append(args, refreshArgs(cfg)...)
	return append(args, "--full-refresh-key", cfg.Keys.FullRefresh)
}

// refreshArgs returns the flags of the [refresh] settings, which every
// session takes.
func refreshArgs(cfg config.Config) []string {
	return []string{
		"--idle-clean", cfg.Refresh.IdleClean.Duration.String(),
		"--max-partials", strconv.Itoa(cfg.Refresh.MaxPartials),
		"--sleep-after", cfg.Refresh.SleepAfter.Duration.String(),
		"--merge-cap", strconv.FormatFloat(cfg.Refresh.MergeCap, 'g', -1, 64),
	}
}

// runConfigured runs the session cfg names, showing problems first.
func runConfigured(ctx context.Context, e *env, cfg config.Config, problems []string) error {
	inner := *e
	inner.banner = problemBanner(problems)
	s := cfg.Session
	switch s.Start {
	case "shell":
		args := append(terminalArgs(cfg), "--")
		return commands["shell"].run(ctx, &inner, append(args, s.Shell.Command...))
	case "ssh":
		if s.SSH.Host == "" {
			return errors.New("session.ssh.host is empty: set it in the config file or choose SSH in the menu")
		}
		args := terminalArgs(cfg)
		if s.SSH.Port != 0 {
			args = append(args, "-p", strconv.Itoa(s.SSH.Port))
		}
		if s.SSH.User != "" {
			args = append(args, "-l", s.SSH.User)
		}
		if s.SSH.Identity != "" {
			args = append(args, "-i", s.SSH.Identity)
		}
		return commands["ssh"].run(ctx, &inner, append(args, s.SSH.Host))
	case "vnc":
		if s.VNC.Host == "" {
			return errors.New("session.vnc.host is empty: set it in the config file or choose VNC in the menu")
		}
		args := append(sessionArgs(cfg), refreshArgs(cfg)...)
		if s.VNC.PasswordFile != "" {
			args = append(args, "--passwd", s.VNC.PasswordFile)
		}
		if s.VNC.Password != "" {
			getenv := inner.getenv
			inner.getenv = func(k string) string {
				if k == vncPasswordEnv {
					return s.VNC.Password
				}
				return getenv(k)
			}
		}
		// host::port names a port, as in TigerVNC's vncviewer.
		target := s.VNC.Host + "::" + strconv.Itoa(s.VNC.Port)
		return commands["vnc"].run(ctx, &inner, append(args, target))
	}
	return fmt.Errorf("session.start is %q: use menu, ssh, shell or vnc", s.Start)
}

// problemBanner formats configuration problems for the top of the
// panel, or returns nil when there are none.
func problemBanner(problems []string) []byte {
	if len(problems) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("\x1b[7m einkterm: problems in the config file \x1b[0m\r\n")
	for _, p := range problems {
		b.WriteString(strings.ReplaceAll(p, "\n", "\r\n  "))
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	return []byte(b.String())
}

// failureBanner formats the end of a failed session for the top of the
// panel, above the menu.
func failureBanner(lines []string) []byte {
	var b strings.Builder
	b.WriteString("\x1b[7m einkterm: the last session failed \x1b[0m\r\n")
	for _, l := range lines {
		b.WriteString(l)
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	return []byte(b.String())
}

// runMenu shows the first-boot menu on the panel below banner until the
// user picks a session, and returns the finished menu. Ctrl-C ends it
// with exit status 130, as it ends a shell's foreground program.
func runMenu(ctx context.Context, e *env, cfg config.Config, banner []byte) (*config.Menu, error) {
	var sf sessionFlags
	fs := newFlagSet(e, "start", "")
	sf.add(fs)
	if err := fs.Parse(terminalArgs(cfg)); err != nil {
		return nil, fmt.Errorf("config settings do not make valid flags: %w", err)
	}
	var scfg sessionConfig
	if err := sf.configure(&scfg, e.stderr); err != nil {
		return nil, err
	}
	log, closeLog, err := sf.logger(e)
	if err != nil {
		return nil, err
	}
	defer closeLog()
	in, err := openKeyboard(e, sf.keyboard, log)
	if err != nil {
		return nil, err
	}
	defer in.restore()
	panel, err := sf.open(e, log)
	if err != nil {
		return nil, err
	}
	m := config.NewMenu(cfg.Session)
	r := newMenuRemote(m, banner)
	if f, ok := in.r.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		in.r = pollReader{f: f, done: r.done}
	}
	scfg.panel, scfg.fontSize, scfg.log, scfg.in = panel, sf.fontSize, log, in
	scfg.outer = outerTerminal(e, in)
	if _, err := runSession(ctx, scfg, func(context.Context, int, int) (remote, error) {
		return r, nil
	}); err != nil {
		return nil, err
	}

	r.mu.Lock()
	quit, done := m.Quit(), m.Done()
	r.mu.Unlock()
	if quit {
		return nil, exitError{130}
	}
	if !done {
		return nil, errors.New("menu closed before a session was chosen")
	}
	return m, nil
}

// menuRemote runs the menu model as the far end of a terminal session:
// keystrokes go to the menu and its redrawn screen comes back as output.
type menuRemote struct {
	menu   *config.Menu
	banner []byte
	pr     *io.PipeReader
	pw     *io.PipeWriter
	redraw chan struct{}

	mu   sync.Mutex
	done chan struct{}
	once sync.Once
}

func newMenuRemote(m *config.Menu, banner []byte) *menuRemote {
	pr, pw := io.Pipe()
	r := &menuRemote{
		menu:   m,
		banner: banner,
		pr:     pr,
		pw:     pw,
		redraw: make(chan struct{}, 1),
		done:   make(chan struct{}),
	}
	r.redraw <- struct{}{}
	go r.draw()
	return r
}

// draw writes the menu below the banner after each change, until the
// menu closes. One goroutine draws, so screens arrive in order.
func (r *menuRemote) draw() {
	for {
		select {
		case <-r.done:
			return
		case <-r.redraw:
		}
		screen := append([]byte("\x1b[H\x1b[2J"), r.banner...)
		screen = append(screen, r.menuText()...)
		if _, err := r.pw.Write(screen); err != nil {
			return
		}
	}
}

func (r *menuRemote) menuText() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return []byte(strings.Join(r.menu.Lines(), "\r\n"))
}

func (r *menuRemote) Read(p []byte) (int, error) { return r.pr.Read(p) }

// Write feeds keystrokes to the menu and redraws it; when the user has
// chosen or pressed Ctrl-C, the session ends.
func (r *menuRemote) Write(p []byte) (int, error) {
	select {
	case <-r.done:
		return 0, io.ErrClosedPipe
	default:
	}
	r.mu.Lock()
	finished := r.menu.Input(p) || r.menu.Quit()
	r.mu.Unlock()
	if finished {
		r.Close()
		return len(p), nil
	}
	select {
	case r.redraw <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (r *menuRemote) Resize(int, int) error { return nil }

// Wait returns when the menu is done or closed.
func (r *menuRemote) Wait() (int, error) {
	<-r.done
	return 0, nil
}

// Close ends the menu session.
func (r *menuRemote) Close() error {
	r.once.Do(func() {
		close(r.done)
		r.pw.Close()
	})
	return nil
}

// pollReader reads a terminal only after poll reports input, and ends
// when done closes. A plain read would stay blocked after the menu ends
// and take the first key typed into the next session.
type pollReader struct {
	f    *os.File
	done <-chan struct{}
}

func (p pollReader) Read(b []byte) (int, error) {
	fds := []unix.PollFd{{Fd: int32(p.f.Fd()), Events: unix.POLLIN}}
	for {
		select {
		case <-p.done:
			return 0, io.EOF
		default:
		}
		n, err := unix.Poll(fds, 100)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return 0, err
		}
		if n > 0 {
			return p.f.Read(b)
		}
	}
}

// lineTail passes writes on to w and keeps the last lines written,
// without control characters, for showing on the panel.
type lineTail struct {
	w io.Writer

	mu    sync.Mutex
	lines []string
	part  []byte // the current line, not yet ended by a newline
}

// Keep at most tailLines lines of at most tailWidth bytes each.
const (
	tailLines = 3
	tailWidth = 200
)

func (t *lineTail) Write(p []byte) (int, error) {
	t.mu.Lock()
	for _, c := range p {
		switch {
		case c == '\n':
			t.lines = append(t.lines, string(t.part))
			if len(t.lines) > tailLines {
				t.lines = t.lines[1:]
			}
			t.part = t.part[:0]
		case c >= 0x20 && c != 0x7f && len(t.part) < tailWidth:
			t.part = append(t.part, c)
		}
	}
	t.mu.Unlock()
	return t.w.Write(p)
}

// Lines returns the last lines written, with an unfinished line last.
func (t *lineTail) Lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := slices.Clone(t.lines)
	if len(t.part) > 0 {
		out = append(out, string(t.part))
	}
	return out[max(0, len(out)-tailLines):]
}
