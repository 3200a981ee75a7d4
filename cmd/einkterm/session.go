package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/term"
)

// remote is the far end of a terminal session: a local pty or an SSH
// channel with a pty.
type remote interface {
	io.Reader // output of the remote program
	io.Writer // keystrokes for the remote program
	Resize(cols, rows int) error
	Wait() (status int, err error)
	Close() error
}

// startRemote starts the remote program on a terminal of cols by rows.
type startRemote func(ctx context.Context, cols, rows int) (remote, error)

// sessionConfig holds the settings of a terminal session (shell, ssh).
type sessionConfig struct {
	panel    display.Panel
	fontSize int
	fontFile string // TTF or OTF file; empty means the bundled font
	log      *slog.Logger
	in       *input

	// scheduler is the refresh policy; its zero value is the default.
	scheduler display.SchedulerOptions

	// fullRefreshKeys are the bytes of the full-refresh chord as the
	// keyboard sends them; nil turns the chord off.
	fullRefreshKeys []byte

	// fontLargerKeys and fontSmallerKeys are the chords that step the
	// font size; nil turns them off.
	fontLargerKeys, fontSmallerKeys []byte

	// banner is written to the terminal before the remote's output,
	// to show a notice such as configuration problems.
	banner []byte

	// outer is the user's terminal when the keyboard is one, and nil
	// otherwise. The session sets the remote program's bracketed paste
	// mode there, so that a paste arrives marked.
	outer io.Writer
}

// eot is the byte a terminal sends for Ctrl-D: at the start of a line the
// remote reads end of file.
const eot = 0x04

// runSession shows a remote program on the panel until it exits or ctx
// ends, and returns its exit status. It always closes the panel after
// showing the last frame. When that close fails, such as a recorder that
// could not write its files, and nothing failed first, it returns the
// error if the program succeeded. A program that failed keeps its own
// status, which scripts check, and the close error is logged.
func runSession(ctx context.Context, cfg sessionConfig, start startRemote) (status int, err error) {
	p := cfg.panel
	defer func() {
		cerr := p.Close()
		switch {
		case cerr == nil || err != nil:
		case status != 0:
			cfg.log.Error("closing the display failed", "err", cerr, "status", status)
		default:
			err = fmt.Errorf("closing the display: %w", cerr)
		}
	}()
	info := p.Info()

	replies := &lateWriter{}
	t, err := term.New(term.Options{
		Width:    info.Width,
		Height:   info.Height,
		Depth:    info.Depth,
		FontSize: cfg.fontSize,
		DPI:      info.DPI,
		FontFile: cfg.fontFile,
		Replies:  replies,
		Logger:   cfg.log,
	})
	if err != nil {
		return 1, err
	}
	defer t.Close()
	cfg.in.term.Store(t)
	cols, rows := t.Size()
	r, err := start(ctx, cols, rows)
	if err != nil {
		return 1, err
	}
	defer r.Close()
	replies.set(replyTarget(r))
	cfg.log.Info("session started", "cols", cols, "rows", rows, "panel", info.Name)

	loop := display.NewLoop(p, display.LoopOptions{Logger: cfg.log, Scheduler: cfg.scheduler})
	loopCtx, stopLoop := context.WithCancel(context.WithoutCancel(ctx))
	loopDone := make(chan error, 1)
	go func() { loopDone <- loop.Run(loopCtx) }()

	if a, ok := panelAs[sessionAware](p); ok {
		a.AttachSession(t, loop)
	}
	view := newTermView(t, loop, p)
	view.outer = cfg.outer
	defer view.endPaste()
	if cfg.outer != nil {
		resume := view.resumePaste
		cfg.in.onContinue.Store(&resume)
		defer cfg.in.onContinue.Store(nil)
	}
	renderCtx, stopRender := context.WithCancel(loopCtx)
	renderDone := make(chan struct{})
	go func() {
		defer close(renderDone)
		view.run(renderCtx)
	}()
	outputDone := make(chan struct{})
	go func() {
		defer close(outputDone)
		io.Copy(view, r)
	}()
	if len(cfg.banner) > 0 {
		view.Write(cfg.banner)
	}
	keys := &keyForwarder{remote: r, panel: p, loop: loop, fullRefresh: cfg.fullRefreshKeys, log: cfg.log,
		fontLarger: cfg.fontLargerKeys, fontSmaller: cfg.fontSmallerKeys,
		zoom: func(larger bool) { view.zoom(r, larger, cfg.log) }}
	// A terminal is read only after poll reports input, so the reader
	// stops when the session ends instead of taking the next key typed
	// for whatever comes after (einkterm start's menu).
	sessionDone := make(chan struct{})
	defer close(sessionDone)
	keyboard := cfg.in.r
	if isTerminal(keyboard) {
		keyboard = pollReader{f: keyboard.(*os.File), done: sessionDone}
		// The outer terminal sends the normal form of the cursor keys,
		// since einkterm never requests the application form from it.
		keys.appCursor = t.AppCursorKeys
	}
	go keys.forwardInput(keyboard)
	if kb, ok := p.(display.Keyboard); ok {
		go keys.forwardKeyboard(kb)
	}

	status, err = waitRemote(ctx, r)
	if keys.panelClosed.Load() && err == nil {
		// The user closed the panel's window: a normal end, whatever
		// the hang-up made the remote program return.
		status = 0
	}

	// Output written before the exit is still in flight; take what
	// arrives within a moment, then show the final frame.
	select {
	case <-outputDone:
	case <-time.After(500 * time.Millisecond):
	}
	stopRender()
	<-renderDone
	view.render()
	stopLoop()
	if lerr := <-loopDone; lerr != nil && err == nil {
		err = lerr
	}
	// As for the close of the display, a failed program keeps its own
	// status, which scripts check, and the write error is logged.
	switch werr := saveScreen(p, t); {
	case werr == nil || err != nil:
	case status != 0:
		cfg.log.Error("saving screen.txt failed", "err", werr, "status", status)
	default:
		err = werr
	}
	cfg.log.Info("session ended", "status", status)
	return status, err
}

// sessionAware is implemented by panels that encode keys themselves and
// so need the terminal's key modes, or that offer a full-refresh chord.
type sessionAware interface {
	AttachSession(t *term.Terminal, loop *display.Loop)
}

// waitRemote waits for the remote to exit, or closes it when ctx ends.
func waitRemote(ctx context.Context, r remote) (int, error) {
	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		s, err := r.Wait()
		done <- result{s, err}
	}()
	select {
	case res := <-done:
		return res.status, res.err
	case <-ctx.Done():
		r.Close()
		return 1, fmt.Errorf("session stopped by signal: %w", context.Cause(ctx))
	}
}

// keyForwarder sends keystrokes to the remote, after telling the
// refresh policy about them and taking out the full-refresh chord.
type keyForwarder struct {
	remote      remote
	panel       display.Panel
	loop        *display.Loop
	fullRefresh []byte
	log         *slog.Logger

	// panelClosed is set when the panel's own keyboard closed, which
	// happens when the user closes the simulator window.
	panelClosed atomic.Bool

	// fontLarger and fontSmaller are the font size chords; zoom carries
	// them out.
	fontLarger, fontSmaller []byte
	zoom                    func(larger bool)

	// appCursor reports whether the remote program requested the
	// application form of the cursor keys (DECCKM). send then rewrites
	// the keys with keys. A nil appCursor leaves them as they are.
	appCursor func() bool
	keys      cursorKeys
}

// forwardInput copies keystrokes from in to the remote. At end of input
// (a pipe that closed) it sends Ctrl-D so the remote shell exits. It
// repeats the Ctrl-D every eotRepeat while the remote lives, because one
// that arrives before an interactive shell sets up its line editor is
// lost when the shell switches the pty out of canonical mode.
func (k *keyForwarder) forwardInput(in io.Reader) {
	buf := make([]byte, 4096)
	for {
		n, err := in.Read(buf)
		if n > 0 {
			if werr := k.send(buf[:n]); werr != nil {
				k.log.Debug("input not delivered", "err", werr)
				return
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				k.log.Warn("reading keyboard failed", "err", err)
			}
			sendEOT(k.remote)
			return
		}
	}
}

const eotRepeat = 250 * time.Millisecond

// sendEOT sends Ctrl-D until writing to the remote fails, which happens
// once the session has ended and closed it.
func sendEOT(r remote) {
	for {
		if _, err := r.Write([]byte{eot}); err != nil {
			return
		}
		time.Sleep(eotRepeat)
	}
}

// forwardKeyboard copies bytes typed on a panel's own keyboard; the
// channel closing (the window closed) ends the session.
func (k *keyForwarder) forwardKeyboard(kb display.Keyboard) {
	for b := range kb.Input() {
		k.send(b)
	}
	k.panelClosed.Store(true)
	k.remote.Close()
}

// send delivers one read of keystrokes. A read that is exactly the
// full-refresh chord requests a full refresh from the loop instead; keyboards
// deliver a chord's bytes in one read.
func (k *keyForwarder) send(b []byte) error {
	if len(k.fullRefresh) > 0 && bytes.Equal(b, k.fullRefresh) {
		k.loop.RequestFull()
		return nil
	}
	if len(k.fontLarger) > 0 && bytes.Equal(b, k.fontLarger) {
		k.zoom(true)
		return nil
	}
	if len(k.fontSmaller) > 0 && bytes.Equal(b, k.fontSmaller) {
		k.zoom(false)
		return nil
	}
	noteInput(k.panel, k.loop)
	if k.appCursor != nil && k.appCursor() {
		b = k.keys.applicationCursorKeys(b)
	} else if k.appCursor != nil {
		k.keys.notePaste(b)
	}
	_, err := k.remote.Write(b)
	return err
}

// cursorKeys rewrites keys from a terminal keyboard for DECCKM, keeping
// pasted text as it is.
type cursorKeys struct {
	inPaste bool // between the bracketed paste markers
}

// Bracketed paste markers, which the outer terminal puts around a paste.
var (
	pasteStart = []byte("\x1b[200~")
	pasteEnd   = []byte("\x1b[201~")
)

// applicationKeys maps the normal form of the unmodified cursor keys,
// Home and End to the application form that DECCKM requests. Curses
// programs expect it: the xterm terminfo entries name only that form.
// Home and End come as ESC [ H and ESC [ F from xterm, and as ESC [ 1 ~
// and ESC [ 4 ~ from tmux, screen and the Linux console.
var applicationKeys = []struct{ from, to string }{
	{"\x1b[A", "\x1bOA"}, {"\x1b[B", "\x1bOB"}, {"\x1b[C", "\x1bOC"}, {"\x1b[D", "\x1bOD"},
	{"\x1b[H", "\x1bOH"}, {"\x1b[F", "\x1bOF"}, {"\x1b[1~", "\x1bOH"}, {"\x1b[4~", "\x1bOF"},
}

// applicationCursorKeys returns b with the keys of applicationKeys in
// their application form, outside bracketed pastes.
// NOTE: a key split across two reads, as a slow serial link may deliver
// it, goes out in its normal form.
func (c *cursorKeys) applicationCursorKeys(b []byte) []byte {
	if !bytes.Contains(b, []byte("\x1b[")) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		rest := b[i:]
		switch {
		case bytes.HasPrefix(rest, pasteStart):
			c.inPaste = true
		case bytes.HasPrefix(rest, pasteEnd):
			c.inPaste = false
		case !c.inPaste && rest[0] == 0x1b:
			if to, n := applicationKey(rest); n > 0 {
				out = append(out, to...)
				i += n
				continue
			}
		}
		out = append(out, b[i])
		i++
	}
	return out
}

// applicationKey returns the application form of the key at the start
// of b and the length of its normal form, or 0 when b starts with no key
// of applicationKeys.
func applicationKey(b []byte) (string, int) {
	for _, k := range applicationKeys {
		if bytes.HasPrefix(b, []byte(k.from)) {
			return k.to, len(k.from)
		}
	}
	return "", 0
}

// notePaste follows the paste markers in b while no keys are rewritten,
// so that a paste that began then is known.
func (c *cursorKeys) notePaste(b []byte) {
	if i, j := bytes.LastIndex(b, pasteStart), bytes.LastIndex(b, pasteEnd); i >= 0 || j >= 0 {
		c.inPaste = i > j
	}
}

// noteInput reports a key to the panel's log and the refresh policy.
func noteInput(p display.Panel, loop *display.Loop) {
	if l, ok := panelAs[interface{ LogInput(string) }](p); ok {
		l.LogInput("key")
	}
	loop.NoteInput()
}

// saveScreen writes the emulator's final screen next to the refresh log
// when the panel is the recorder.
func saveScreen(p display.Panel, t *term.Terminal) error {
	d, ok := p.(interface{ Dir() string })
	if !ok || d.Dir() == "" {
		return nil
	}
	name := filepath.Join(d.Dir(), "screen.txt")
	if err := os.WriteFile(name, []byte(t.Text()), 0o644); err != nil {
		return fmt.Errorf("%w (check that %s is a writable folder with free space)", err, d.Dir())
	}
	return nil
}

// termView feeds remote output into the emulator and renders the changed
// cells into the frame that the loop shows. Parsing happens as output
// arrives; rendering runs in its own goroutine at the panel's pace, so a
// flood of output costs parsing alone.
type termView struct {
	term  *term.Terminal
	loop  *display.Loop
	panel display.Panel
	dirty chan struct{}

	// outer mirrors the remote program's bracketed paste mode, which
	// pasteOn records as last sent; see sessionConfig.outer.
	outer   io.Writer
	pasteMu sync.Mutex
	pasteOn bool

	mu    sync.Mutex
	frame *display.Frame
}

func newTermView(t *term.Terminal, loop *display.Loop, p display.Panel) *termView {
	info := p.Info()
	return &termView{
		term:  t,
		loop:  loop,
		panel: p,
		dirty: make(chan struct{}, 1),
		frame: display.NewFrame(info.Width, info.Height, info.Depth),
	}
}

// Write parses p and wakes the renderer.
func (v *termView) Write(p []byte) (int, error) {
	n, err := v.term.Write(p)
	select {
	case v.dirty <- struct{}{}:
	default:
	}
	if v.outer != nil {
		v.mirrorPaste(v.term.BracketedPaste())
	}
	return n, err
}

// mirrorPaste turns bracketed paste on or off in the outer terminal
// when the remote program's mode differs from what was last sent.
func (v *termView) mirrorPaste(on bool) {
	v.pasteMu.Lock()
	defer v.pasteMu.Unlock()
	if on == v.pasteOn {
		return
	}
	v.pasteOn = on
	if on {
		io.WriteString(v.outer, pasteModeOn)
	} else {
		io.WriteString(v.outer, pasteModeOff)
	}
}

// resumePaste turns bracketed paste on again in the outer terminal when
// the remote program had it on, after a stop that turned it off.
func (v *termView) resumePaste() {
	v.pasteMu.Lock()
	defer v.pasteMu.Unlock()
	if v.pasteOn {
		io.WriteString(v.outer, pasteModeOn)
	}
}

// The sequences that turn a terminal's bracketed paste mode on and off.
const (
	pasteModeOn  = "\x1b[?2004h"
	pasteModeOff = "\x1b[?2004l"
)

// endPaste leaves the outer terminal's bracketed paste off, as the
// session found it.
func (v *termView) endPaste() {
	if v.outer != nil {
		v.mirrorPaste(false)
	}
}

// zoom steps the font one bundled size up or down, sends the remote the
// new size in cells (a pty window size or an SSH window-change) and
// redraws.
func (v *termView) zoom(r remote, larger bool, log *slog.Logger) {
	size := nextFontSize(v.term.CellSize().Y, larger)
	cols, rows, err := v.term.SetFontSize(size)
	if err != nil {
		log.Warn("font size not changed", "size", size, "err", err)
		return
	}
	log.Info("font size changed", "height", size, "cols", cols, "rows", rows)
	if err := r.Resize(cols, rows); err != nil {
		log.Warn("resizing the remote terminal failed", "cols", cols, "rows", rows, "err", err)
	}
	v.Write(nil)
}

// run renders after each change until ctx ends. After handing a frame to
// the loop it waits for the panel, so while a refresh runs the emulator
// keeps parsing and the next render shows the newest screen.
func (v *termView) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-v.dirty:
		}
		v.render()
		if err := v.panel.Wait(ctx); err != nil {
			return
		}
	}
}

// render draws what changed and hands it to the loop.
func (v *termView) render() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if d := v.term.Render(v.frame); len(d) > 0 {
		v.loop.SetFocus(v.term.CursorRect())
		v.loop.Submit(v.frame, d)
	}
}

// lateWriter forwards writes to a writer that is set after it is made:
// the emulator needs somewhere to send replies before the remote starts.
// Writes before set are dropped.
type lateWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lateWriter) set(w io.Writer) {
	l.mu.Lock()
	l.w = w
	l.mu.Unlock()
}

func (l *lateWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	w := l.w
	l.mu.Unlock()
	if w == nil {
		return len(p), nil
	}
	return w.Write(p)
}
