package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"os/exec"
	"syscall"

	"github.com/creack/pty"
)

func init() {
	register(command{
		name:    "shell",
		summary: "run a local shell (or a command) on the panel",
		run:     runShell,
	})
}

func runShell(ctx context.Context, e *env, args []string) error {
	var sf sessionFlags
	fs := newFlagSet(e, "shell", "[-- command args...]")
	sf.add(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	argv := fs.Args()
	if len(argv) == 0 {
		sh := e.getenv("SHELL")
		if sh == "" {
			sh = "/bin/sh"
		}
		argv = []string{sh}
	}
	var cfg sessionConfig
	if err := sf.configure(&cfg, e.stderr); err != nil {
		return err
	}
	log, closeLog, err := sf.logger(e)
	if err != nil {
		return err
	}
	defer closeLog()

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
	log.Info("starting shell", "argv", quoteArgs(argv))
	cfg.panel, cfg.fontSize, cfg.log, cfg.in, cfg.banner = panel, sf.fontSize, log, in, e.banner
	cfg.outer = outerTerminal(e, in)
	var startErr error
	status, err := runSession(ctx, cfg, func(ctx context.Context, cols, rows int) (remote, error) {
		r, err := startPty(argv, cols, rows)
		startErr = err
		return r, err
	})
	// Only the program's own start counts here: a missing font file is
	// ErrNotExist too, but no command was missing.
	if startErr != nil && (errors.Is(startErr, exec.ErrNotFound) || errors.Is(startErr, iofs.ErrNotExist)) {
		// A shell reports a command it cannot find with status 127.
		fmt.Fprintf(e.stderr, "einkterm shell: %v\n", err)
		return exitError{127}
	}
	if err != nil {
		return err
	}
	if status != 0 {
		return exitError{status}
	}
	return nil
}

// ptyRemote is a local program on a pseudo-terminal.
type ptyRemote struct {
	cmd *exec.Cmd
	f   *os.File
}

func startPty(argv []string, cols, rows int) (*ptyRemote, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	if err != nil {
		return nil, fmt.Errorf("starting %s: %w", argv[0], err)
	}
	return &ptyRemote{cmd: cmd, f: f}, nil
}

func (p *ptyRemote) Read(b []byte) (int, error) {
	n, err := p.f.Read(b)
	if errors.Is(err, syscall.EIO) {
		// Linux returns EIO once the program and its children have
		// closed the terminal: that is the end of its output.
		err = io.EOF
	}
	return n, err
}

func (p *ptyRemote) Write(b []byte) (int, error) { return p.f.Write(b) }

func (p *ptyRemote) Resize(cols, rows int) error {
	return pty.Setsize(p.f, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
}

// Wait returns the program's exit status; a program killed by a signal
// has the shell's status of 128 plus the signal number.
func (p *ptyRemote) Wait() (int, error) {
	err := p.cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return exit.ExitCode(), nil
	}
	return 0, err
}

// Close ends the program and releases the terminal.
func (p *ptyRemote) Close() error {
	if p.cmd.Process != nil && p.cmd.ProcessState == nil {
		p.cmd.Process.Signal(syscall.SIGHUP)
	}
	return p.f.Close()
}
