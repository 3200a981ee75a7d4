// Command einkterm is an SSH terminal and VNC viewer for e-paper and
// other slow displays.
//
// Usage:
//
//	einkterm shell [flags] [-- command args...]
//	einkterm ssh [flags] [user@]host[:port] [command]
//	einkterm vnc [flags] host[:display] | host::port
//	einkterm serve [flags] [shell ... | ssh ...]
//	einkterm start [--config FILE]
//
// Run "einkterm help" for every command and "einkterm help CMD" for the
// flags of one.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/einkterm/einkterm/display"
)

// version and commit are stamped by the Makefile with -ldflags -X.
var (
	version = "dev"
	commit  = "unknown"
)

// command is one subcommand of einkterm. Files of this package add theirs
// with register in an init function.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("einkterm: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// env holds a command's standard streams and environment, so that tests
// can run commands in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string

	// panel, when set, is the panel every command shows on instead of
	// the one --display names: einkterm serve passes its RFB server.
	panel display.Panel

	// banner, when set, is shown on the panel before the session's own
	// output: einkterm start uses it for configuration problems.
	banner []byte
}

// exitError carries a process exit status, such as the remote command's.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// failedError is an error that einkterm prints and then exits with code,
// such as the 255 of ssh(1) for a failed connection.
type failedError struct {
	code int
	err  error
}

func (e failedError) Error() string { return e.err.Error() }
func (e failedError) Unwrap() error { return e.err }

func main() {
	ctx, stop := notifySignals()
	defer stop()
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	os.Exit(runMain(ctx, e, os.Args[1:]))
}

// signalError is the cause of the context when a signal stops einkterm.
type signalError struct{ sig syscall.Signal }

func (s signalError) Error() string { return s.sig.String() }

// notifySignals returns a context that SIGINT, SIGTERM, SIGHUP or
// SIGQUIT cancels with a signalError as its cause, so every command
// restores the terminal and the panel before einkterm exits. A second
// signal exits at once, unless it repeats the first within
// signalEcho: coreutils timeout, for one, signals its child and then
// the child's process group, so the child gets the signal twice.
func notifySignals() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	go func() {
		first, ok := <-sigs
		if !ok {
			return
		}
		at := time.Now()
		cancel(signalError{first.(syscall.Signal)})
		for s := range sigs {
			if s == first && time.Since(at) < signalEcho {
				continue
			}
			os.Exit(128 + int(s.(syscall.Signal)))
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(sigs)
		cancel(nil)
	}
}

// signalEcho is the time after the first signal within which the same
// signal counts as its echo rather than a request to exit at once.
const signalEcho = 500 * time.Millisecond

// runMain runs the command named by args[0] and returns the exit status:
// the command's own, or 128 plus the signal number when a signal
// stopped it, as a shell reports.
func runMain(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return 2
	}
	if args[0] == "--version" || args[0] == "-version" {
		args = append([]string{"version"}, args[1:]...)
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return runMain(ctx, e, []string{c.name, "-h"})
			}
		}
		usage(e.stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "einkterm: unknown command %q; run einkterm help for the list\n", args[0])
		return 2
	}
	err := c.run(ctx, e, args[1:])
	var exit exitError
	var failed failedError
	var sig signalError
	switch {
	case err == nil && errors.As(context.Cause(ctx), &sig):
		// A signal stopped the command between sessions, as in
		// einkterm start's menu: report it as a shell would.
		return 128 + int(sig.sig)
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.code
	case errors.Is(err, errUsage):
		if isHelp(args[1:]) {
			return 0
		}
		return 2
	case errors.As(context.Cause(ctx), &sig):
		fmt.Fprintf(e.stderr, "einkterm %s: %s\n", c.name, strings.TrimPrefix(err.Error(), c.name+": "))
		return 128 + int(sig.sig)
	case errors.As(err, &failed):
		fmt.Fprintf(e.stderr, "einkterm %s: %s\n", c.name, strings.TrimPrefix(err.Error(), c.name+": "))
		return failed.code
	default:
		fmt.Fprintf(e.stderr, "einkterm %s: %s\n", c.name, strings.TrimPrefix(err.Error(), c.name+": "))
		return 1
	}
}

// isHelp reports whether args asked for a command's help.
func isHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help":
			return true
		case "--":
			return false
		}
	}
	return false
}

// errUsage is returned after a flag error that the flag package printed.
var errUsage = errors.New("usage error")

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: einkterm COMMAND [flags] [args]")
	fmt.Fprintln(w)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run einkterm COMMAND -h for the flags of a command.")
}
