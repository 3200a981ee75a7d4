package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/einkterm/einkterm/deploy"
	"github.com/einkterm/einkterm/deploy/config"
	"github.com/einkterm/einkterm/display"
)

func init() {
	register(command{
		name:    "config",
		summary: "check the config file, print its path or the example",
		run:     runConfig,
	})
	config.DisplayKinds = displayKindNames
	config.DisplayCheck = checkDisplaySpec
}

// checkDisplaySpec checks a display value, such as "record:DIR?frames=1",
// for panel profile panel as --display would take it, without opening
// the display.
func checkDisplaySpec(spec, panel string) error {
	info, err := display.LookupProfile(panel)
	if err != nil {
		return nil // the panel setting gets its own problem
	}
	d := displayFlags{dryRun: true}
	_, err = d.openSpec(spec, info, &env{getenv: func(string) string { return "" }}, nil)
	return err
}

// displayKindNames returns the registered --display kinds, sorted.
func displayKindNames() []string {
	names := make([]string, 0, len(displayKinds))
	for n := range displayKinds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

const configUsage = `usage:
  einkterm config check [FILE]   report every problem in FILE (default: the file einkterm uses)
  einkterm config path           print the path of the config file einkterm uses
  einkterm config example        print the example config with every default`

func runConfig(_ context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, configUsage)
		return errUsage
	}
	switch args[0] {
	case "check":
		if len(args) == 3 && (args[1] == "--config" || args[1] == "-config") {
			args = []string{"check", args[2]} // as einkterm start takes it
		}
		if len(args) == 2 && (args[1] == "-h" || args[1] == "--help") {
			fmt.Fprintln(e.stdout, configUsage)
			return nil
		}
		if len(args) > 2 {
			fmt.Fprintf(e.stderr, "einkterm config: check takes one file, got %d: %s\n%s\n", len(args)-1, strings.Join(args[1:], " "), configUsage)
			return errUsage
		}
		file := ""
		if len(args) == 2 {
			file = args[1]
		}
		return checkConfig(e, file)
	case "path":
		return printConfigPath(e)
	case "example":
		_, err := e.stdout.Write(deploy.ExampleConfig)
		return err
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, configUsage)
		return nil
	}
	fmt.Fprintf(e.stderr, "einkterm config: unknown subcommand %q\n%s\n", args[0], configUsage)
	return errUsage
}

// printConfigPath prints the config file einkterm would use, even when
// it does not exist yet.
func printConfigPath(e *env) error {
	place, err := config.Locator{Getenv: e.getenv}.Locate("")
	if err != nil && place.Path == "" {
		return withoutPrefix(err, "config: ")
	}
	fmt.Fprintln(e.stdout, place.Path)
	switch {
	case place.Source == "env" && !place.Found:
		fmt.Fprintf(e.stderr, "einkterm config: $%s names %s, which does not exist: "+
			"einkterm start reports it and uses the defaults; create the file or fix the variable\n",
			config.EnvVar, place.Path)
	case !place.Found:
		fmt.Fprintf(e.stderr, "einkterm config: %s does not exist yet; einkterm uses the defaults\n", place.Path)
	}
	return nil
}

// checkConfig prints every problem of the config file and fails when
// there is one. A missing default file is not a problem, but a missing
// file named by the argument or $EINKTERM_CONFIG is.
func checkConfig(e *env, file string) error {
	var place config.Place
	if file != "" {
		place = config.Place{Path: file, Found: true, Source: "argument"}
	} else {
		var err error
		if place, err = (config.Locator{Getenv: e.getenv}).Locate(""); err != nil {
			return withoutPrefix(err, "config: ")
		}
	}
	if !place.Found {
		fmt.Fprintf(e.stdout, "%s: no such file; einkterm uses the defaults (einkterm config example > %s writes them)\n",
			place.Path, place.Path)
		return nil
	}
	_, err := config.Load(place.Path)
	var problems config.Errors
	switch {
	case err == nil:
		fmt.Fprintf(e.stdout, "%s: OK\n", place.Path)
		return nil
	case errors.As(err, &problems):
		for _, p := range problems {
			fmt.Fprintln(e.stdout, p)
		}
		fmt.Fprintln(e.stdout, problemSummary(problems))
		return exitError{1}
	}
	return withoutPrefix(err, "config: ")
}

// problemSummary returns the last line of config check: how many
// problems there are and what einkterm does about them.
func problemSummary(problems config.Errors) string {
	whole := problems.WholeFile()
	if whole == nil {
		return fmt.Sprintf("%d problem(s); einkterm uses the defaults for those settings", len(problems))
	}
	where := whole.File
	if whole.Line > 0 {
		where = fmt.Sprintf("%s:%d", where, whole.Line)
	}
	return fmt.Sprintf("%d problem(s); einkterm ignores the whole file and uses every default "+
		"until the problem at %s is fixed: %s", len(problems), where, whole.Fix)
}

// prefixedError is an error whose message lost a package prefix, such as
// "config: ", because runMain already names the command.
type prefixedError struct {
	err error
	msg string
}

func (p prefixedError) Error() string { return p.msg }
func (p prefixedError) Unwrap() error { return p.err }

// withoutPrefix returns err with prefix removed from the start of its
// message, so that runMain does not print "einkterm config: config: ".
func withoutPrefix(err error, prefix string) error {
	msg, ok := strings.CutPrefix(err.Error(), prefix)
	if !ok {
		return err
	}
	return prefixedError{err: err, msg: msg}
}
