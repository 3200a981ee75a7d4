package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/einkterm/einkterm/deploy"
)

// runWithEnv runs einkterm in-process with the given environment and
// returns the exit status, standard output and standard error.
func runWithEnv(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{
		stdin:  strings.NewReader(""),
		stdout: &stdout,
		stderr: &stderr,
		getenv: func(k string) string { return vars[k] },
	}
	code := runMain(context.Background(), e, args)
	return code, stdout.String(), stderr.String()
}

func TestConfigCheckBrokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "einkterm.toml")
	if err := os.WriteFile(path, []byte("panel = \"9in9\"\nrotation = \"x\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runWithEnv(t, nil, "config", "check", path)
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	for _, want := range []string{
		path + ":1: panel: unknown panel \"9in9\"; use one of 2in13",
		path + ":2: rotation: wrong type",
		"2 problem(s)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestConfigCheckExample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "einkterm.toml")
	if err := os.WriteFile(path, deploy.ExampleConfig, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runWithEnv(t, map[string]string{"EINKTERM_CONFIG": path}, "config", "check")
	if code != 0 || out != path+": OK\n" {
		t.Errorf("exit %d, output %q %q; want OK", code, out, errOut)
	}
}

func TestConfigPathFromEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.toml")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runWithEnv(t, map[string]string{"EINKTERM_CONFIG": path}, "config", "path")
	if code != 0 || out != path+"\n" {
		t.Errorf("exit %d, output %q; want %s", code, out, path)
	}
	code, _, errOut := runWithEnv(t, map[string]string{"EINKTERM_CONFIG": path + ".missing"}, "config", "path")
	if code != 1 || !strings.Contains(errOut, "$EINKTERM_CONFIG names "+path+".missing") {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}
}

func TestConfigExample(t *testing.T) {
	code, out, _ := runWithEnv(t, nil, "config", "example")
	if code != 0 || out != string(deploy.ExampleConfig) {
		t.Errorf("exit %d; output differs from the example", code)
	}
}

func TestConfigUsage(t *testing.T) {
	for _, args := range [][]string{{"config"}, {"config", "frob"}, {"config", "check", "a", "b"}} {
		code, _, errOut := runWithEnv(t, nil, args...)
		if code != 2 || !strings.Contains(errOut, "einkterm config check [FILE]") {
			t.Errorf("%v: exit %d, stderr %q; want usage and 2", args, code, errOut)
		}
	}
}

func TestImageFlags(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"image"}, 2, "--base, --board and --out are needed"},
		{[]string{"image", "--base", "a", "--out", "b"}, 2, "--base, --board and --out are needed"},
		{[]string{"image", "--base", "a", "--board", "rpi", "--out", "b", "extra"}, 2, "unexpected argument"},
		{[]string{"image", "--base", "/nonexistent.img", "--board", "rpi", "--out", "b"}, 1, "base image: stat /nonexistent.img"},
		{[]string{"image", "--base", "a", "--board", "pine", "--out", "b"}, 1, "unknown board \"pine\": use rpi or bbb"},
	}
	for _, tc := range tests {
		code, _, errOut := runWithEnv(t, nil, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
}
