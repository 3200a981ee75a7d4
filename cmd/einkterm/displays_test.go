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
	if !strings.Contains(stderr.String(), "using "+fallbackDisplay) {
		t.Errorf("stderr does not say the simulator failed and the recorder is used:\n%s", stderr.String())
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
