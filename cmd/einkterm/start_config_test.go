package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/einkterm/einkterm/deploy/config"
	"github.com/einkterm/einkterm/display"
	"golang.org/x/term"
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
	err := sf.configure(&c, io.Discard)
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
	if c.scheduler.MergeCap != def.MergeCap {
		t.Errorf("--merge-cap default %g, config default %g", c.scheduler.MergeCap, def.MergeCap)
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
		{[]string{"--sleep-after", "-1s"}, "invalid --sleep-after -1s: use 0 (never sleep) or 1s to 24h"},
		{[]string{"--sleep-after", "1ns"}, "invalid --sleep-after 1ns"},
		{[]string{"--sleep-after", "999ms"}, "invalid --sleep-after 999ms"},
		{[]string{"--sleep-after", "1s"}, ""},
		{[]string{"--sleep-after", "25h"}, "invalid --sleep-after 25h0m0s"},
		{[]string{"--sleep-after", "0s"}, ""},
		{[]string{"--sleep-after", "24h"}, ""},
		{[]string{"--merge-cap", "0.5"}, "invalid --merge-cap 0.5: use 0 (no cap) or 1 to 10"},
		{[]string{"--merge-cap", "-1"}, "invalid --merge-cap -1"},
		{[]string{"--merge-cap", "NaN"}, "invalid --merge-cap NaN"},
		{[]string{"--merge-cap", "11"}, "invalid --merge-cap 11"},
		{[]string{"--merge-cap", "1.2"}, ""},
		{[]string{"--merge-cap", "0"}, ""},
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
		MergeCap:    1.2,
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
	if c.scheduler.MergeCap != 1.2 {
		t.Errorf("merge_cap = 1.2 gives scheduler MergeCap %g", c.scheduler.MergeCap)
	}
}

func TestVNCArgsFromConfig(t *testing.T) {
	// A VNC session takes the [refresh] settings as a terminal does.
	cfg := config.Default()
	cfg.Refresh = config.Refresh{
		IdleClean:   config.Duration{Duration: 2 * time.Second},
		MaxPartials: 40,
		SleepAfter:  config.Duration{Duration: time.Hour},
		MergeCap:    1.5,
	}
	var f vncFlags
	fs := newFlagSet(&env{stdout: io.Discard, stderr: io.Discard}, "vnc", "")
	f.add(fs)
	if err := fs.Parse(append(sessionArgs(cfg), refreshArgs(cfg)...)); err != nil {
		t.Fatalf("the vnc command rejects the refresh flags: %v", err)
	}
	if err := f.check(); err != nil {
		t.Fatal(err)
	}
	want := display.SchedulerOptions{IdlePause: 2 * time.Second, HardPartials: 40, SleepAfter: time.Hour, MergeCap: 1.5}
	if got := f.scheduler(); got != want {
		t.Errorf("vnc scheduler %+v, want %+v", got, want)
	}
}

// startInBackground runs einkterm start with the config file cfgFile,
// the keys written to the returned pipe, and SHELL set to shell.
func startInBackground(t *testing.T, cfgFile, shell string) (*io.PipeWriter, *lockedBuffer, chan int) {
	t.Helper()
	in, keys := io.Pipe()
	stderr := &lockedBuffer{}
	e := &env{stdin: in, stdout: io.Discard, stderr: stderr, getenv: func(k string) string {
		switch k {
		case "SHELL":
			return shell
		case "DISPLAY", "WAYLAND_DISPLAY", config.EnvVar:
			return ""
		}
		return os.Getenv(k)
	}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	done := make(chan int, 1)
	go func() { done <- runMain(ctx, e, []string{"start", "--config", cfgFile}) }()
	return keys, stderr, done
}

// interrupt sends Ctrl-C until einkterm start ends and returns its exit
// status. A keyboard reader of an earlier session may take the first
// one.
func interrupt(t *testing.T, keys io.Writer, done chan int) int {
	t.Helper()
	for range 20 {
		keys.Write([]byte{0x03})
		select {
		case code := <-done:
			return code
		case <-time.After(500 * time.Millisecond):
		}
	}
	t.Fatal("einkterm start did not end after Ctrl-C")
	return 0
}

func TestStartMenuCtrlCExits130(t *testing.T) {
	dir := t.TempDir()
	cfgFile := writeConfig(t, dir, "[session]\nstart = \"menu\"\n")
	keys, stderr, done := startInBackground(t, cfgFile, "/bin/sh")
	waitScreen(t, filepath.Join(dir, "rec"), "choose what to start")
	// Esc and q in the session list change nothing.
	keys.Write([]byte("\x1b"))
	time.Sleep(100 * time.Millisecond)
	keys.Write([]byte("q"))
	time.Sleep(100 * time.Millisecond)
	if code := interrupt(t, keys, done); code != 130 {
		t.Errorf("exit status %d, want 130; stderr:\n%s", code, stderr.String())
	}
	saved, err := os.ReadFile(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(saved), `start = "menu"`) {
		t.Errorf("quitting the menu changed the config:\n%s", saved)
	}
	rec := readRecording(t, filepath.Join(dir, "rec"))
	if _, _, ok := rec.findLine("> 1  SSH to another computer"); !ok {
		t.Errorf("Esc or q moved the selection:\n%s", strings.Join(rec.screen, "\n"))
	}
}

func TestStartShowsFailedShellAboveMenu(t *testing.T) {
	dir := t.TempDir()
	cfgFile := writeConfig(t, dir, "[session]\nstart = \"menu\"\n")
	keys, stderr, done := startInBackground(t, cfgFile, "/nonexistent/shell")
	waitScreen(t, filepath.Join(dir, "rec"), "choose what to start")
	keys.Write([]byte("2"))
	waitFor(t, "the shell session to fail", 20*time.Second,
		func() bool { return strings.Contains(stderr.String(), "shell session ended") }, stderr.String)
	time.Sleep(500 * time.Millisecond)
	if code := interrupt(t, keys, done); code != 130 {
		t.Errorf("exit status %d, want 130; stderr:\n%s", code, stderr.String())
	}
	rec := readRecording(t, filepath.Join(dir, "rec"))
	screen := strings.Join(rec.screen, "\n")
	banner, _, ok := rec.findLine("the last session failed")
	if !ok {
		t.Fatalf("the panel does not show the failure:\n%s", screen)
	}
	reason, _, ok := rec.findLine("/nonexistent/shell")
	if !ok {
		t.Errorf("the panel does not name the missing shell:\n%s", screen)
	}
	menu, _, ok := rec.findLine("choose what to start")
	if !ok {
		t.Fatalf("the menu is not on the panel:\n%s", screen)
	}
	if _, _, ok := rec.findLine("> 2  Shell on this device"); !ok {
		t.Errorf("the menu does not preselect the last choice:\n%s", screen)
	}
	if !(banner < reason && reason < menu) {
		t.Errorf("failure at rows %d and %d, menu at row %d: want the failure above the menu:\n%s",
			banner, reason, menu, screen)
	}
}

func TestStartMissingFilesFallBack(t *testing.T) {
	dir := t.TempDir()
	cfgFile := writeConfig(t, dir, "[font]\nname = \"/nonexistent.ttf\"\n[session]\nstart = \"shell\"\n"+
		"[session.ssh]\nidentity = \"/nonexistent/id\"\n")
	// The shell command is written by hand: a missing program in
	// command would fall back to $SHELL, which waits for input.
	f, err := os.OpenFile(cfgFile, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("[session.shell]\ncommand = [\"sh\", \"-c\", \"printf 'fallback-ran\\\\n'\"]\n")
	f.Close()
	code, stderr := runCommand(t, "", "start", "--once", "--config", cfgFile)
	if code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, `font.name: font file "/nonexistent.ttf" not found`) {
		t.Errorf("stderr does not report the missing font:\n%s", stderr)
	}
	rec := readRecording(t, filepath.Join(dir, "rec"))
	if _, _, ok := rec.findLine("/nonexistent.ttf"); !ok {
		t.Errorf("the panel does not show the missing font:\n%s", strings.Join(rec.screen, "\n"))
	}
	checkGlyphs(t, rec, "fallback-ran")
}

func TestLineTailKeepsLastLines(t *testing.T) {
	var out strings.Builder
	tail := &lineTail{w: &out}
	for _, s := range []string{"one\n", "two\n\x1b[1mthree\n", "fo", "ur\nfive"} {
		tail.Write([]byte(s))
	}
	want := []string{"[1mthree", "four", "five"}
	if got := tail.Lines(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Lines = %q, want %q", got, want)
	}
	if out.String() != "one\ntwo\n\x1b[1mthree\nfour\nfive" {
		t.Errorf("writes not passed on whole: %q", out.String())
	}
}

func TestStartSaysWholeFileIgnored(t *testing.T) {
	dir := t.TempDir()
	cfgFile := writeConfig(t, dir, "[session]\nstart = \"shell\"\n[session.vnc]\npassword = \"s3cret\"\n")
	if err := os.Chmod(cfgFile, 0o644); err != nil {
		t.Fatal(err)
	}
	// The ignored file's display is not used: the default display
	// records to einkterm-record in the working folder.
	t.Chdir(dir)
	keys, stderr, done := startInBackground(t, cfgFile, "/bin/sh")
	waitFor(t, "the config problems", 20*time.Second,
		func() bool { return strings.Contains(stderr.String(), "problem(s)") }, stderr.String)
	waitScreen(t, filepath.Join(dir, "einkterm-record"), "choose what to start")
	if code := interrupt(t, keys, done); code != 130 {
		t.Errorf("exit status %d, want 130; stderr:\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "einkterm ignores the whole file") {
		t.Errorf("stderr does not say the whole file is ignored:\n%s", stderr.String())
	}
	rec := readRecording(t, filepath.Join(dir, "einkterm-record"))
	screen := strings.Join(rec.screen, "\n")
	if _, _, ok := rec.findLine("einkterm ignores the whole file"); !ok {
		t.Errorf("the panel does not say the whole file is ignored:\n%s", screen)
	}
	if strings.Contains(screen, "defaults for those settings") {
		t.Errorf("the panel says only some settings use defaults:\n%s", screen)
	}
}

func TestPollReaderLeavesKeysAfterDone(t *testing.T) {
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	defer tty.Close()
	if _, err := term.MakeRaw(int(tty.Fd())); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	r := pollReader{f: tty, done: done}
	master.Write([]byte("a"))
	buf := make([]byte, 16)
	if n, err := r.Read(buf); err != nil || string(buf[:n]) != "a" {
		t.Fatalf("Read = %q, %v; want \"a\"", buf[:n], err)
	}

	// After done, Read ends without taking the next key, which then
	// reaches the next reader of the terminal.
	close(done)
	if n, err := r.Read(buf); err != io.EOF {
		t.Fatalf("Read after done = %q, %v; want EOF", buf[:n], err)
	}
	master.Write([]byte("b"))
	if n, err := tty.Read(buf); err != nil || string(buf[:n]) != "b" {
		t.Errorf("next reader got %q, %v; want \"b\"", buf[:n], err)
	}
}

// TestChordClashWithDefault sets --full-refresh-key to the default
// chord of --font-larger-key: the chosen chord wins and the default
// one is turned off, since a config that sets keys.full_refresh so
// must still start. Two chosen chords on the same keys are rejected.
func TestChordClashWithDefault(t *testing.T) {
	c, err := configureFlags(t, "--full-refresh-key", "ctrl+alt+up")
	if err != nil {
		t.Fatalf("clash with a default chord rejected: %v", err)
	}
	if c.fontLargerKeys != nil {
		t.Errorf("font-larger chord still on: %q", c.fontLargerKeys)
	}
	want, _ := chordBytes("ctrl+alt+up")
	if string(c.fullRefreshKeys) != string(want) {
		t.Errorf("full-refresh chord %q, want %q", c.fullRefreshKeys, want)
	}
	if _, err := configureFlags(t, "--full-refresh-key", "ctrl+alt+x", "--font-larger-key", "ctrl+alt+x"); err == nil {
		t.Error("two chosen chords on the same keys were accepted")
	}
}
