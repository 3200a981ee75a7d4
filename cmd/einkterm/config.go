package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"

	"github.com/einkterm/einkterm/deploy"
	"github.com/einkterm/einkterm/deploy/config"
)

func init() {
	register(command{
		name:    "config",
		summary: "check the config file, print its path or the example",
		run:     runConfig,
	})
	config.DisplayKinds = displayKindNames
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
		if len(args) > 2 {
			fmt.Fprintln(e.stderr, configUsage)
			return errUsage
		}
		file := ""
		if len(args) == 2 {
			file = args[1]
		}
		return checkConfig(e, file)
	case "path":
		place, err := config.Locator{Getenv: e.getenv}.Locate("")
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, place.Path)
		if !place.Found {
			fmt.Fprintf(e.stderr, "einkterm config: %s does not exist yet; einkterm uses the defaults\n", place.Path)
		}
		return nil
	case "example":
		_, err := e.stdout.Write(deploy.ExampleConfig)
		return err
	case "-h", "--help", "help":
		fmt.Fprintln(e.stderr, configUsage)
		return nil
	}
	fmt.Fprintf(e.stderr, "einkterm config: unknown subcommand %q\n%s\n", args[0], configUsage)
	return errUsage
}

// checkConfig prints every problem of the config file and fails when
// there is one. A missing default file is not a problem.
func checkConfig(e *env, file string) error {
	place, err := config.Locator{Getenv: e.getenv}.Locate(file)
	if err != nil {
		return err
	}
	if !place.Found {
		fmt.Fprintf(e.stdout, "%s: no such file; einkterm uses the defaults (einkterm config example > %s writes them)\n",
			place.Path, place.Path)
		return nil
	}
	_, err = config.Load(place.Path)
	var problems config.Errors
	switch {
	case err == nil:
		fmt.Fprintf(e.stdout, "%s: OK\n", place.Path)
		return nil
	case errors.As(err, &problems):
		for _, p := range problems {
			fmt.Fprintln(e.stdout, p)
		}
		fmt.Fprintf(e.stdout, "%d problem(s); einkterm uses the defaults for those settings\n", len(problems))
		return exitError{1}
	case errors.Is(err, fs.ErrNotExist):
		return err
	}
	return err
}
