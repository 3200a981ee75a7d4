package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/vnc"
	"github.com/einkterm/einkterm/vnc/rfb"
)

func init() {
	register(command{
		name:    "vnc",
		summary: "show a remote desktop over VNC on the panel and send it keys",
		run:     runVNC,
	})
}

const vncKeysHelp = `
keys: typed keys go to the remote desktop; Ctrl-] then a key runs a command:
  arrows or h j k l   move the viewport by half a screen (--scale 1:1)
  f                   switch between fit and 1:1 scale
  r                   full refresh of the panel
  q                   quit
  Ctrl-]              send Ctrl-] itself
while no desktop is connected (connecting, or waiting to reconnect), Ctrl-C quits
`

type vncFlags struct {
	displayFlags
	refreshFlags
	logLevel  string
	logFile   string
	passwd    string
	via       string
	viaConfig string
	encodings string
	scale     string
	dither    string
	exclusive bool
	bpp       int
	reconnect time.Duration
	alive     time.Duration
}

func (f *vncFlags) add(fs *flag.FlagSet) {
	f.displayFlags.add(fs)
	f.refreshFlags.add(fs)
	fs.StringVar(&f.logLevel, "log-level", "warn", "log level: debug, info, warn or error")
	fs.StringVar(&f.logFile, "log", "", "log to this file instead of standard error")
	fs.StringVar(&f.passwd, "passwd", "", "VNC password file made by vncpasswd -f or x11vnc -storepasswd "+
		"(otherwise $"+vncPasswordEnv+", otherwise a prompt on the terminal)")
	fs.StringVar(&f.via, "via", "", "reach the server through an SSH tunnel to `[user@]host[:port]`; "+
		"the VNC host is then resolved on that host")
	fs.StringVar(&f.viaConfig, "via-config", "", "ssh_config file for --via instead of ~/.ssh/config and /etc/ssh/ssh_config; none reads no file")
	fs.StringVar(&f.encodings, "encodings", "zrle,copyrect,raw", "pixel encodings to offer, best first: zrle, copyrect, raw")
	fs.StringVar(&f.scale, "scale", "fit", "fit: scale the desktop to the panel; 1:1: show it pixel for pixel in a viewport moved with Ctrl-] and the arrows")
	fs.StringVar(&f.dither, "dither", "ordered", "ordered: 8x8 Bayer dither for gray; blue-noise: 64x64 blue-noise mask, no cross-hatch; none: nearest level, crisper text")
	fs.IntVar(&f.bpp, "bpp", 32, "bits per pixel on the wire: 32 (24-bit colour), 16 (RGB 5-6-5) or 8 (BGR 2-3-3), which halves or quarters Raw traffic on slow links")
	fs.BoolVar(&f.exclusive, "exclusive", false, "ask the server to disconnect its other viewers")
	fs.DurationVar(&f.reconnect, "reconnect", 0, "when the connection drops, retry for this long before exiting (0: exit at once)")
	fs.DurationVar(&f.alive, "alive-interval", defaultVNCAlive, "after this long without data from the server, ask for the whole desktop; "+
		"after twice this long, during the handshake too, count the connection as lost (0: never, with a 30s limit on the handshake)")
}

// check rejects flag values that parse but make no sense, and a
// --passwd file that cannot be used, before anything connects.
func (f *vncFlags) check() error {
	if err := f.refreshFlags.check(); err != nil {
		return err
	}
	if f.alive < 0 {
		return fmt.Errorf("invalid --alive-interval %v: use a positive duration such as 30s, or 0 to turn the check off", f.alive)
	}
	if f.reconnect < 0 {
		return fmt.Errorf("invalid --reconnect %v: use a positive duration such as 30s, or 0 to exit when the connection drops", f.reconnect)
	}
	if f.passwd != "" {
		if _, err := readPasswordFile(f.passwd); err != nil {
			return err
		}
	}
	return nil
}

func (f *vncFlags) logger(e *env) (*slog.Logger, func(), error) {
	s := sessionFlags{logLevel: f.logLevel, logFile: f.logFile}
	return s.logger(e)
}

func (f *vncFlags) pixelFormat() (*rfb.PixelFormat, error) {
	switch f.bpp {
	case 32:
		return &rfb.PixelFormat32, nil
	case 16:
		return &rfb.PixelFormat16, nil
	case 8:
		return &rfb.PixelFormat8, nil
	}
	return nil, fmt.Errorf("invalid --bpp %d: use 32, 16 or 8", f.bpp)
}

func (f *vncFlags) viewOptions() (vnc.ViewOptions, error) {
	var o vnc.ViewOptions
	switch f.scale {
	case "fit":
		o.Scale = vnc.ScaleFit
	case "1:1", "none":
		o.Scale = vnc.ScaleNone
	default:
		return o, fmt.Errorf("invalid --scale %q: use fit or 1:1", f.scale)
	}
	switch f.dither {
	case "ordered":
		o.Dither = vnc.DitherOrdered
	case "none":
		o.Dither = vnc.DitherNone
	case "blue-noise":
		o.Dither = vnc.DitherBlueNoise
	default:
		return o, fmt.Errorf("invalid --dither %q: use ordered, blue-noise or none", f.dither)
	}
	return o, nil
}

func runVNC(ctx context.Context, e *env, args []string) (err error) {
	var f vncFlags
	fs := newFlagSet(e, "vnc", "host[:display] | host::port")
	f.add(fs)
	flagUsage := fs.Usage
	fs.Usage = func() {
		flagUsage()
		fmt.Fprint(fs.Output(), vncKeysHelp)
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("missing the VNC server: give host[:display] or host::port after the flags (einkterm vnc -h lists them)")
	}
	host := fs.Arg(0)
	// Flags may follow the server too, as ssh(1) users type them.
	if fs.NArg() > 1 {
		if err := parseFlags(fs, fs.Args()[1:]); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return fmt.Errorf("unexpected argument %q after the server %s: einkterm vnc shows one server", fs.Arg(0), host)
		}
	}
	addr, err := vncAddress(host)
	if err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	encs, err := parseEncodings(f.encodings)
	if err != nil {
		return err
	}
	vopts, err := f.viewOptions()
	if err != nil {
		return err
	}
	pf, err := f.pixelFormat()
	if err != nil {
		return err
	}
	log, closeLog, err := f.logger(e)
	if err != nil {
		return err
	}
	defer closeLog()

	in, err := openInput(e)
	if err != nil {
		return err
	}
	defer in.restore()
	dial, closeDial, err := f.dialer(ctx, e, in, log)
	if err != nil {
		return err
	}
	defer closeDial()

	panel, err := f.open(e, log)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := panel.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("closing the display: %w", cerr)
		}
	}()
	announceDisplay(e, f.display, panel)

	s := &vncSession{
		e: e, f: &f, addr: addr, dial: dial, panel: panel, log: log,
		opts: vnc.Options{
			Exclusive:   f.exclusive,
			Encodings:   encs,
			PixelFormat: pf,
			Logger:      log,
		},
		vopts: vopts,
	}
	s.opts.Password = f.passwordSource(ctx, e, s.promptKeys)
	s.keys = in.r
	err = s.run(ctx)
	if err != nil && ctx.Err() == nil {
		// The panel may be the only screen: leave the reason on it,
		// over the top rows of the last desktop. A stop by a signal
		// leaves the desktop as it was.
		console := &loginConsole{panel: panel, log: log}
		fmt.Fprintf(console, "einkterm vnc: %v\n", err)
		console.finish(true)
	}
	return err
}

// vncSession is one run of the vnc command: a panel and its refresh
// loop that outlive each connection when --reconnect is set.
type vncSession struct {
	e     *env
	f     *vncFlags
	addr  string
	dial  func(ctx context.Context, addr string) (net.Conn, error)
	panel display.Panel
	log   *slog.Logger
	opts  vnc.Options
	vopts vnc.ViewOptions

	loop   *display.Loop
	viewer atomic.Pointer[vnc.Viewer]

	// last is the last desktop picture a viewer showed, which the next
	// connection and the outage status start from; nil before the first.
	last   *display.Frame
	status *vncStatus

	// keys is the keyboard, read only by forwardKeys, which routes it
	// through kb.
	keys io.Reader
	kb   vncKeys

	// quit ends the session, as Ctrl-C does while no viewer is
	// connected.
	quit context.CancelCauseFunc
}

func (s *vncSession) run(ctx context.Context) error {
	s.loop = display.NewLoop(s.panel, display.LoopOptions{Logger: s.log, Scheduler: s.f.refreshFlags.scheduler()})
	loopCtx, stopLoop := context.WithCancel(context.WithoutCancel(ctx))
	loopDone := make(chan error, 1)
	go func() { loopDone <- s.loop.Run(loopCtx) }()
	ctx, s.quit = context.WithCancelCause(ctx)
	defer s.quit(nil)
	go s.forwardKeys(s.keys)
	if kb, ok := s.panel.(display.Keyboard); ok {
		go s.forwardKeyboard(kb)
	}

	err := s.connectLoop(ctx)
	stopLoop()
	if lerr := <-loopDone; lerr != nil && err == nil {
		err = lerr
	}
	return err
}

// connectLoop connects and shows the desktop until the user quits, ctx
// ends, or the connection drops and --reconnect does not bring it back.
func (s *vncSession) connectLoop(ctx context.Context) error {
	var lost error
	var deadline time.Time
	// A handshake with a slow or stalled server can take until the
	// handshake timeout, so the panel shows what is going on.
	s.showStatus(fmt.Sprintf("connecting to the VNC server %s ...; Ctrl-C quits", s.addr))
	for attempt := 0; ; attempt++ {
		start := time.Now()
		err := s.connectOnce(ctx)
		switch {
		case ctx.Err() != nil:
			return signalStop(ctx)
		case err == nil, errors.Is(err, vnc.ErrQuit):
			return nil
		case lost == nil && attempt == 0 && !isLost(err):
			return err // the first connection failed: nothing to retry
		case isFinal(err):
			return err
		}
		// A connection that drops soon after it came up, such as one to
		// a server that breaks the protocol at once, counts as a failed
		// attempt: only one that stayed up starts the time again.
		if isLost(err) && (lost == nil || time.Since(start) >= stableConnection) {
			lost, deadline = err, time.Now().Add(s.f.reconnect)
			attempt = 0
		}
		if s.f.reconnect <= 0 || time.Now().After(deadline) {
			if lost != nil && lost != err {
				return fmt.Errorf("%w (reconnecting failed: %v)", lost, err)
			}
			return err
		}
		wait := min(time.Second<<min(attempt, 4), time.Until(deadline))
		fmt.Fprintf(s.e.stderr, "einkterm vnc: %v; reconnecting in %v\r\n", err, wait.Round(time.Second))
		s.showStatus(outageStatus(err, time.Now().Add(wait), deadline))
		select {
		case <-ctx.Done():
			return signalStop(ctx)
		case <-time.After(wait):
		}
	}
}

// stableConnection is how long a connection must stay up before its
// loss gives --reconnect its whole time again.
const stableConnection = 30 * time.Second

// signalStop returns an error naming the signal when one ended ctx, so
// that einkterm exits with a failure status, and nil when ctx ended for
// another reason, such as a caller's deadline.
func signalStop(ctx context.Context) error {
	cause := context.Cause(ctx)
	if cause == nil || cause == ctx.Err() || errors.Is(cause, vnc.ErrQuit) {
		return nil
	}
	return fmt.Errorf("vnc: stopped by signal: %w", cause)
}

// errLost marks a connection that was up and then dropped.
type errLost struct{ err error }

func (e errLost) Error() string { return e.err.Error() }
func (e errLost) Unwrap() error { return e.err }

// isFinal reports whether a reconnect failed in a way that retrying
// cannot fix: the password was rejected, missing, or its prompt
// cancelled.
func isFinal(err error) bool {
	var auth *vnc.AuthError
	return errors.As(err, &auth) || errors.Is(err, errPasswordCancelled) ||
		errors.Is(err, errNoPassword) || errors.Is(err, vnc.ErrPasswordRequired)
}

func isLost(err error) bool {
	var l errLost
	return errors.As(err, &l)
}

func (s *vncSession) connectOnce(ctx context.Context) error {
	nc, err := s.dial(ctx, s.addr)
	if err != nil {
		return err
	}
	// The handshake has no deadline of its own: close the connection
	// when ctx ends, so that a server that never answers cannot hold
	// a signalled einkterm.
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	c, err := vnc.Connect(nc, s.handshakeOptions(nc))
	stop()
	if err != nil {
		return s.connectError(err)
	}
	defer c.Close()
	return s.show(ctx, c)
}

// show runs a viewer on the connected client c until it stops, starting
// from the last connection's picture.
func (s *vncSession) show(ctx context.Context, c *vnc.Client) error {
	v, err := vnc.NewViewer(c, s.panel.Info(), s.loop, vnc.ViewerOptions{
		View:        s.vopts,
		Ready:       s.panel.Wait,
		Refreshes:   func() int { return s.loop.Stats().Refreshes },
		FullRefresh: s.loop.RequestFull,
		Initial:     s.last,
		Logger:      s.log,
	})
	if err != nil {
		return err
	}
	s.viewer.Store(v)
	s.kb.connected()
	defer s.viewer.Store(nil)

	s.log.Info("vnc: showing desktop", "name", c.Name(), "addr", s.addr)
	watch := &linkWatch{c: c, interval: s.f.alive, log: s.log}
	if watch.interval > 0 {
		watchCtx, stopWatch := context.WithCancel(ctx)
		defer stopWatch()
		go watch.run(watchCtx)
	}
	err = v.Run(ctx)
	s.last = v.Frame()

	if werr := watch.err(); werr != nil {
		err = werr
	}
	st := v.Stats()
	s.log.Info("vnc: viewer stopped", "updates", st.Updates, "requests", st.Requests,
		"bytes", c.BytesRead(), "err", err)
	if err != nil && strings.Contains(err.Error(), "connection to the server lost") {
		return errLost{err}
	}
	return err
}

// connectError words a failed handshake for the user: a cancelled
// prompt alone, and a rejected password with where it came from.
func (s *vncSession) connectError(err error) error {
	if errors.Is(err, errPasswordCancelled) {
		return errPasswordCancelled
	}
	var auth *vnc.AuthError
	if errors.As(err, &auth) {
		return fmt.Errorf("%w (%s)", err, s.f.passwordOrigin(s.e))
	}
	return err
}

// forwardKeyboard sends the keys of a panel with its own keyboard, such
// as the simulator's window, to the viewer. The password prompt reads
// only the terminal.
func (s *vncSession) forwardKeyboard(kb display.Keyboard) {
	for b := range kb.Input() {
		if s.viewer.Load() == nil {
			s.quitOnCtrlC(b)
			continue
		}
		s.typed(b)
	}
}

func (s *vncSession) typed(b []byte) {
	noteInput(s.panel, s.loop)
	v := s.viewer.Load()
	if v == nil {
		return
	}
	if err := v.Input(b); err != nil {
		s.log.Debug("vnc: key not delivered", "err", err)
	}
}
