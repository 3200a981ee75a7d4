package main

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/config"
)

// configureFlags parses args as session flags and returns the session
// configuration they give.
func configureFlags(t *testing.T, args ...string) (sessionConfig, error) {
	t.Helper()
	e := &env{stdout: io.Discard, stderr: io.Discard}
	var sf sessionFlags
	fs := newFlagSet(e, "test", "")
	sf.add(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	var c sessionConfig
	err := sf.configure(&c)
	return c, err
}

func TestRefreshFlagDefaultsMatchConfig(t *testing.T) {
	c, err := configureFlags(t)
	if err != nil {
		t.Fatal(err)
	}
	def := config.Default().Refresh
	if c.scheduler.IdlePause != def.IdleClean.Duration {
		t.Errorf("--idle-clean default %v, config default %v", c.scheduler.IdlePause, def.IdleClean)
	}
	if c.scheduler.HardPartials != def.MaxPartials {
		t.Errorf("--max-partials default %d, config default %d", c.scheduler.HardPartials, def.MaxPartials)
	}
	if c.scheduler.SleepAfter != def.SleepAfter.Duration {
		t.Errorf("--sleep-after default %v, config default %v", c.scheduler.SleepAfter, def.SleepAfter)
	}
}

func TestRefreshFlagRanges(t *testing.T) {
	tests := []struct {
		args []string
		err  string // "" when the flags are valid
	}{
		{[]string{"--max-partials", "0"}, "invalid --max-partials 0: use 1 to 10000"},
		{[]string{"--max-partials", "-1"}, "invalid --max-partials -1: use 1 to 10000"},
		{[]string{"--max-partials", "10001"}, "invalid --max-partials 10001"},
		{[]string{"--max-partials", "1"}, ""},
		{[]string{"--idle-clean", "0s"}, "invalid --idle-clean 0s: use 100ms to 1h"},
		{[]string{"--idle-clean", "-1s"}, "invalid --idle-clean -1s"},
		{[]string{"--idle-clean", "100ms"}, ""},
		{[]string{"--sleep-after", "-1s"}, "invalid --sleep-after -1s: use 0 (never sleep) to 24h"},
		{[]string{"--sleep-after", "25h"}, "invalid --sleep-after 25h0m0s"},
		{[]string{"--sleep-after", "0s"}, ""},
		{[]string{"--sleep-after", "24h"}, ""},
	}
	for _, tc := range tests {
		_, err := configureFlags(t, tc.args...)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%v: %v", tc.args, err)
		case tc.err != "" && err == nil:
			t.Errorf("%v accepted, want %q", tc.args, tc.err)
		case tc.err != "" && !strings.Contains(err.Error(), tc.err):
			t.Errorf("%v: error %q lacks %q", tc.args, err, tc.err)
		}
	}
}

func TestSleepAfterZeroNeverSleeps(t *testing.T) {
	// The scheduler reads a negative SleepAfter as never and 0 as its
	// default, so the flag's 0 must reach it as a negative value.
	c, err := configureFlags(t, "--sleep-after", "0s")
	if err != nil {
		t.Fatal(err)
	}
	if c.scheduler.SleepAfter >= 0 {
		t.Errorf("--sleep-after 0 gives scheduler SleepAfter %v, want negative (never)", c.scheduler.SleepAfter)
	}
}

func TestStartArgsFromConfig(t *testing.T) {
	cfg := config.Default()
	cfg.Refresh = config.Refresh{
		IdleClean:   config.Duration{Duration: 750 * time.Millisecond},
		MaxPartials: 8,
		SleepAfter:  config.Duration{Duration: 0},
	}
	c, err := configureFlags(t, terminalArgs(cfg)...)
	if err != nil {
		t.Fatalf("terminalArgs gives invalid flags: %v", err)
	}
	if c.scheduler.IdlePause != 750*time.Millisecond || c.scheduler.HardPartials != 8 {
		t.Errorf("scheduler %+v, want idle 750ms and 8 partials", c.scheduler)
	}
	if c.scheduler.SleepAfter >= 0 {
		t.Errorf("sleep_after = \"0s\" gives scheduler SleepAfter %v, want never", c.scheduler.SleepAfter)
	}
}
