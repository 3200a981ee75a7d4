package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/einkterm/einkterm/deploy/config"
	"github.com/einkterm/einkterm/display"
)

// sessionFlags are the flags of every command that runs a terminal
// session on a panel.
type sessionFlags struct {
	displayFlags
	refreshFlags
	fontSize   int
	fontFile   string
	logLevel   string
	logFile    string
	fullKey    string
	largerKey  string
	smallerKey string
	keyboard   string
}

// refreshFlags are the refresh policy flags of every session, which
// the config's [refresh] table sets.
type refreshFlags struct {
	idleClean   time.Duration
	maxPartials int
	sleepAfter  time.Duration
	mergeCap    float64
}

func (r *refreshFlags) add(fs *flag.FlagSet) {
	fs.DurationVar(&r.idleClean, "idle-clean", 3*time.Second,
		"pause after the last keystroke before a cleaning full refresh may run, 100ms to 1h")
	fs.IntVar(&r.maxPartials, "max-partials", 100,
		"partial refreshes of an area after which it is cleaned even while typing, 1 to 10000")
	fs.DurationVar(&r.sleepAfter, "sleep-after", 2*time.Minute,
		"idle time before the panel sleeps, 1s to 24h; 0 never sleeps. "+
			"Ghosting is cleaned first when --idle-clean has passed since the last keystroke")
	fs.Float64Var(&r.mergeCap, "merge-cap", 0,
		"refresh at most this many pixels per changed pixel, which sends fewer bytes, 1 to 10, such as 1.2 "+
			"(default 0, no cap); on IT8951 panels a cap refreshes a screen of output a line or a few at a time, "+
			"which takes seconds, up to 10 s for a screen of ls output")
}

// check rejects refresh policy flags outside the ranges that the config
// file accepts for the same settings.
func (r *refreshFlags) check() error {
	if r.idleClean < config.IdleCleanMin || r.idleClean > config.IdleCleanMax {
		return fmt.Errorf("invalid --idle-clean %v: use 100ms to 1h", r.idleClean)
	}
	if r.maxPartials < config.MaxPartialsMin || r.maxPartials > config.MaxPartialsMax {
		return fmt.Errorf("invalid --max-partials %d: use %d to %d",
			r.maxPartials, config.MaxPartialsMin, config.MaxPartialsMax)
	}
	if r.sleepAfter != 0 && (r.sleepAfter < config.SleepAfterMin || r.sleepAfter > config.SleepAfterMax) {
		return fmt.Errorf("invalid --sleep-after %v: use 0 (never sleep) or 1s to 24h", r.sleepAfter)
	}
	if !config.MergeCapOK(r.mergeCap) {
		return fmt.Errorf("invalid --merge-cap %g: use 0 (no cap) or 1 to 10, such as 1.2", r.mergeCap)
	}
	return nil
}

// scheduler returns the refresh policy that the flags set.
func (r *refreshFlags) scheduler() display.SchedulerOptions {
	o := display.SchedulerOptions{
		IdlePause:    r.idleClean,
		HardPartials: r.maxPartials,
		SleepAfter:   r.sleepAfter,
		MergeCap:     r.mergeCap,
	}
	if r.sleepAfter == 0 {
		// The scheduler reads 0 as its default and a negative value as
		// never.
		o.SleepAfter = -1
	}
	return o
}

func (s *sessionFlags) add(fs *flag.FlagSet) {
	s.displayFlags.add(fs)
	fs.IntVar(&s.fontSize, "font-size", 0, "font size in pixels (default: chosen from the panel)")
	fs.StringVar(&s.fontFile, "font", "", "TTF or OTF font file (default: the bundled bitmap font)")
	fs.StringVar(&s.logLevel, "log-level", "warn", "log level: debug, info, warn or error")
	fs.StringVar(&s.logFile, "log", "", "log to this file instead of standard error")
	s.refreshFlags.add(fs)
	fs.StringVar(&s.keyboard, "keyboard", "auto", keyboardUsage)
	fs.StringVar(&s.fullKey, "full-refresh-key", defaultFullRefreshKey,
		"key chord that forces a full refresh, such as ctrl+alt+r; empty turns it off")
	fs.StringVar(&s.largerKey, "font-larger-key", config.FontChords[0],
		"key chord that makes the font one size larger and the terminal smaller in cells; empty turns it off")
	fs.StringVar(&s.smallerKey, "font-smaller-key", config.FontChords[1],
		"key chord that makes the font one size smaller; empty turns it off")
}

// configure copies the refresh policy and key chord flags into c.
func (s *sessionFlags) configure(c *sessionConfig, warn io.Writer) error {
	if err := s.refreshFlags.check(); err != nil {
		return err
	}
	c.fontFile = s.fontFile
	c.scheduler = s.refreshFlags.scheduler()
	type chordFlag struct {
		flag, value, def string
		keys             *[]byte
	}
	chordsByKeys := map[string]chordFlag{} // the chord flags set so far, by their bytes
	for _, chord := range []chordFlag{
		{"full-refresh-key", s.fullKey, defaultFullRefreshKey, &c.fullRefreshKeys},
		{"font-larger-key", s.largerKey, config.FontChords[0], &c.fontLargerKeys},
		{"font-smaller-key", s.smallerKey, config.FontChords[1], &c.fontSmallerKeys},
	} {
		if chord.value == "" {
			continue
		}
		keys, err := chordBytes(chord.value)
		if err != nil {
			return fmt.Errorf("invalid --%s: %w", chord.flag, err)
		}
		// The terminal's keyboard sends the same bytes for both, so one
		// of the two commands could never run. A chord the user chose
		// wins over one left at its default, which is turned off.
		other, dup := chordsByKeys[string(keys)]
		switch {
		case !dup:
		case chord.value == chord.def:
			warnChordOff(warn, chord.flag, other.flag, chord.value)
			continue
		case other.value == other.def:
			warnChordOff(warn, other.flag, chord.flag, other.value)
			*other.keys = nil
		default:
			return fmt.Errorf("invalid --%s %q: --%s has the same chord; give one of them another chord, or \"\" to turn it off",
				chord.flag, chord.value, other.flag)
		}
		chordsByKeys[string(keys)] = chord
		*chord.keys = keys
	}
	return nil
}

// defaultFullRefreshKey is the default of --full-refresh-key, the
// config's keys.full_refresh.
const defaultFullRefreshKey = "ctrl+alt+r"

// warnChordOff writes to w that the default chord of flag is off,
// because the chosen chord of other has the same keys.
func warnChordOff(w io.Writer, flag, other, value string) {
	fmt.Fprintf(w, "einkterm: --%s is off: its default %s is the chord of --%s\n", flag, value, other)
}

// logger returns the logger the flags ask for and a function that closes
// its file.
func (s *sessionFlags) logger(e *env) (*slog.Logger, func(), error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(s.logLevel)); err != nil {
		return nil, nil, fmt.Errorf("invalid --log-level %q: use debug, info, warn or error", s.logLevel)
	}
	var w io.Writer = e.stderr
	closeLog := func() {}
	if s.logFile != "" {
		f, err := os.OpenFile(s.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("opening --log file: %w", err)
		}
		w, closeLog = f, func() { f.Close() }
	}
	h := slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})
	return slog.New(h), closeLog, nil
}

// newFlagSet returns a flag set that prints its usage to e.stderr and
// returns errors instead of exiting.
func newFlagSet(e *env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet("einkterm "+name, flag.ContinueOnError)
	fs.SetOutput(&usageWriter{stdout: e.stdout, stderr: e.stderr})
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: einkterm %s [flags] %s\n\nflags:\n", name, args)
		fs.PrintDefaults()
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n == 0 {
			fmt.Fprintln(fs.Output(), "  none")
		}
	}
	return fs
}

// usageWriter is a flag set's output: standard error, or standard
// output while it prints the help that -h asked for, so that
// einkterm CMD -h | less shows it.
type usageWriter struct {
	stdout, stderr io.Writer
	help           bool
}

func (w *usageWriter) Write(p []byte) (int, error) {
	if w.help && w.stdout != nil {
		return w.stdout.Write(p)
	}
	return w.stderr.Write(p)
}

// parseFlags parses args, mapping -h and flag errors to errUsage. -h
// prints the help on standard output. A bad flag prints one line that
// names it, not the whole help.
func parseFlags(fs *flag.FlagSet, args []string) error {
	out, usage := fs.Output(), fs.Usage
	// The flag package prints the error and the whole help itself.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.SetOutput(out)
	fs.Usage = usage
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		if w, ok := out.(*usageWriter); ok {
			w.help = true
			defer func() { w.help = false }()
		}
		fs.Usage()
	default:
		fmt.Fprintf(out, "%s: %v%s; run %s -h for the flags\n", fs.Name(), err, valueHint(fs, err), fs.Name())
	}
	return errUsage
}

// valueHint returns a fix for a flag value that failed to parse, where
// the flag package's message gives none: a duration without a unit.
func valueHint(fs *flag.FlagSet, err error) string {
	_, rest, ok := strings.Cut(err.Error(), " for flag -")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, ":")
	f := fs.Lookup(name)
	if f == nil {
		return ""
	}
	if g, ok := f.Value.(flag.Getter); ok {
		if _, ok := g.Get().(time.Duration); ok {
			return " (a duration needs a unit, such as 500ms, 3s or 2m)"
		}
	}
	return ""
}

// quoteArgs returns args as one line for logs.
func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = fmt.Sprintf("%q", a)
	}
	return strings.Join(q, " ")
}

// announceDisplay tells the user where the session is shown when the
// display was chosen for them.
func announceDisplay(e *env, chosen string, p interface{}) {
	if chosen != "" {
		return
	}
	if d, ok := p.(interface{ Dir() string }); ok && d.Dir() != "" {
		fmt.Fprintf(e.stderr, "einkterm: recording the panel to %s, since no other display is available (use --display to choose)\n", d.Dir())
	}
}
