package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestHelpGoesToStandardOutput(t *testing.T) {
	var out, errs bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errs, getenv: os.Getenv}
	if code := runMain(context.Background(), e, []string{"help"}); code != 0 {
		t.Fatalf("einkterm help: status %d", code)
	}
	if !strings.Contains(out.String(), "shell") || errs.Len() != 0 {
		t.Errorf("help wrote %q to stdout and %q to stderr; want the list on stdout", out.String(), errs.String())
	}
	out.Reset()
	errs.Reset()
	if code := runMain(context.Background(), e, []string{"help", "shell"}); code != 0 {
		t.Errorf("einkterm help shell: status %d, want 0", code)
	}
	if !strings.Contains(errs.String()+out.String(), "-display") {
		t.Errorf("einkterm help shell did not print the shell's flags:\n%s%s", out.String(), errs.String())
	}
	if code := runMain(context.Background(), e, []string{"shell", "-h"}); code != 0 {
		t.Errorf("einkterm shell -h: status %d, want 0", code)
	}
	if code := runMain(context.Background(), e, []string{"shell", "--nosuchflag"}); code != 2 {
		t.Errorf("einkterm shell --nosuchflag: status %d, want 2", code)
	}
}

func TestDurationWithoutUnitGetsHint(t *testing.T) {
	tests := []struct {
		args []string
		hint bool
	}{
		{[]string{"shell", "--idle-clean", "5"}, true},
		{[]string{"vnc", "--sleep-after", "5", "127.0.0.1::1"}, true},
		{[]string{"shell", "--max-partials", "x"}, false},
		{[]string{"shell", "--nosuchflag"}, false},
	}
	for _, tt := range tests {
		var errs bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &errs, stderr: &errs, getenv: os.Getenv}
		if code := runMain(context.Background(), e, tt.args); code != 2 {
			t.Errorf("%v: status %d, want 2", tt.args, code)
		}
		if got := strings.Contains(errs.String(), "a duration needs a unit"); got != tt.hint {
			t.Errorf("%v: hint shown %v, want %v:\n%s", tt.args, got, tt.hint, errs.String())
		}
	}
}

func TestSignalExitStatus(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancelCause(context.Background())
	var errs bytes.Buffer
	e := &env{stdin: blockingReader{ctx}, stdout: &bytes.Buffer{}, stderr: &errs, getenv: os.Getenv}
	done := make(chan int, 1)
	go func() {
		done <- runMain(ctx, e, []string{"shell", "--display", "record:" + dir, "--panel", testPanel,
			"--", "sleep", "60"})
	}()
	time.Sleep(300 * time.Millisecond)
	cancel(signalError{syscall.SIGTERM})
	select {
	case code := <-done:
		if code != 128+15 {
			t.Errorf("status %d after SIGTERM, want 143; stderr:\n%s", code, errs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the session did not stop")
	}
	if !strings.Contains(errs.String(), "stopped by signal: terminated") {
		t.Errorf("stderr does not name the signal:\n%s", errs.String())
	}
}
