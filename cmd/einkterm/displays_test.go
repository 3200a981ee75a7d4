package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaultDisplayFallsBackToRecorder(t *testing.T) {
	t.Chdir(t.TempDir())
	var stderr bytes.Buffer
	e := &env{
		stdin:  strings.NewReader(""),
		stdout: &bytes.Buffer{},
		stderr: &stderr,
		getenv: func(k string) string {
			if k == "DISPLAY" {
				return ":987" // no X server answers here
			}
			return os.Getenv(k)
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := runMain(ctx, e, []string{"shell", "--panel", testPanel, "--", "sh", "-c", "printf 'fell back\\n'"})
	if code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "--display sim failed") {
		t.Errorf("stderr does not say the simulator failed:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "recording the panel to einkterm-record") {
		t.Errorf("stderr does not say the recorder is used:\n%s", stderr.String())
	}
	checkGlyphs(t, readRecording(t, filepath.Join(".", "einkterm-record")), "fell back")
}

func TestDisplaySpecWithQueryOnly(t *testing.T) {
	dir := t.TempDir()
	// KIND?QUERY with no ":" is accepted, as in sim?zoom=2.
	code, stderr := runCommand(t, "", "shell", "--display", "record:"+dir+"?frames=1", "--panel", testPanel,
		"--", "sh", "-c", "printf x")
	if code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr)
	}
	frames, _ := filepath.Glob(filepath.Join(dir, "frame-*.png"))
	if len(frames) == 0 {
		t.Error("record:DIR?frames=1 wrote no frame PNGs")
	}
	code, stderr = runCommand(t, "", "shell", "--display", "nosuch?x=1", "--panel", testPanel)
	if code == 0 || !strings.Contains(stderr, `unknown --display "nosuch?x=1"`) {
		t.Errorf("unknown kind with a query: status %d, stderr %q", code, stderr)
	}
}

func TestRecorderOptionsChecked(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ spec, want string }{
		{"record:" + dir + "?bogus=1", `unknown option "bogus"`},
		{"record:" + dir + "?frames=abc", "invalid frames=abc"},
	} {
		code, stderr := runCommand(t, "", "shell", "--display", tt.spec, "--panel", testPanel, "--", "true")
		if code == 0 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%s: status %d, stderr %q, want %q", tt.spec, code, stderr, tt.want)
		}
	}
}

func TestShellMissingCommandIs127(t *testing.T) {
	code, stderr := runCommand(t, "", "shell", "--display", "record:"+t.TempDir(), "--panel", testPanel,
		"--", "/no/such/program")
	if code != 127 {
		t.Errorf("status %d for a missing program, want 127 as a shell reports; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "/no/such/program") {
		t.Errorf("stderr does not name the program:\n%s", stderr)
	}
}
