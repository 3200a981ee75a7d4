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
	// A missing file still gets its path printed: einkterm start would
	// use it, and saves the menu's choice there.
	code, out, errOut := runWithEnv(t, map[string]string{"EINKTERM_CONFIG": path + ".missing"}, "config", "path")
	if code != 0 || out != path+".missing\n" {
		t.Errorf("missing file: exit %d, output %q; want 0 and the path", code, out)
	}
	if !strings.Contains(errOut, "$EINKTERM_CONFIG names "+path+".missing, which does not exist") {
		t.Errorf("missing file: stderr %q does not say the file is missing", errOut)
	}
}

func TestConfigCheckMissingFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "einkterm.toml")
	text := "[font]\nname = \"/nonexistent.ttf\"\n" +
		"[session.ssh]\nidentity = \"/nonexistent/id\"\n" +
		"[session.shell]\ncommand = [\"/nonexistent/prog\"]\n" +
		"[session.vnc]\npassword_file = \"/nonexistent/passwd\"\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runWithEnv(t, nil, "config", "check", path)
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	for _, want := range []string{
		path + `:2: font.name: font file "/nonexistent.ttf" not found`,
		path + `:4: session.ssh.identity: private key file "/nonexistent/id" not found`,
		path + `:6: session.shell.command: program "/nonexistent/prog" not found`,
		path + `:8: session.vnc.password_file: password file "/nonexistent/passwd" not found`,
		"4 problem(s); einkterm uses the defaults for those settings",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestConfigCheckOpenPassword(t *testing.T) {
	path := filepath.Join(t.TempDir(), "einkterm.toml")
	text := "panel = \"9in9\"\n[session.vnc]\nhost = \"h\"\npassword = \"s3cret\"\n[refresh]\nmax_partials = 0\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runWithEnv(t, nil, "config", "check", path)
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	for _, want := range []string{
		path + ":4: session.vnc.password: file mode 0644",
		path + `:1: panel: unknown panel "9in9"`,
		path + ":6: refresh.max_partials:",
		"3 problem(s); einkterm ignores the whole file and uses every default until the problem at " +
			path + ":4 is fixed: run chmod 600 " + path,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "defaults for those settings") {
		t.Errorf("output says only some settings use defaults:\n%s", out)
	}
}

func TestConfigCheckMissingArgument(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.toml")
	code, out, errOut := runWithEnv(t, nil, "config", "check", missing)
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	if strings.Contains(errOut, "--config") {
		t.Errorf("stderr names --config, which was not given: %q", errOut)
	}
	if !strings.Contains(errOut, missing+": no such file") {
		t.Errorf("stderr %q does not name the missing file", errOut)
	}
	if out != "" {
		t.Errorf("stdout %q, want nothing", out)
	}
}

func TestCommandErrorsNamePackageOnce(t *testing.T) {
	for _, args := range [][]string{
		{"config", "check", "/nonexistent.toml"},
		{"image", "--base", "a", "--board", "pine", "--out", "b"},
		{"vnc", "--display", "record:" + t.TempDir(), "127.0.0.1::1"},
	} {
		code, _, errOut := runWithEnv(t, nil, args...)
		if code != 1 {
			t.Errorf("%v: exit status %d, want 1", args, code)
		}
		want := "einkterm " + args[0] + ": "
		if !strings.HasPrefix(errOut, want) {
			t.Errorf("%v: stderr %q does not start with %q", args, errOut, want)
		}
		if strings.Contains(errOut, args[0]+": "+args[0]+": ") {
			t.Errorf("%v: doubled prefix in %q", args, errOut)
		}
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

// TestConfigCheckDisplayOptions checks display values whose kind exists
// but whose argument or options --display rejects: config check must
// report each, since start would otherwise fail on it before showing
// anything. Valid values pass without opening a display.
func TestConfigCheckDisplayOptions(t *testing.T) {
	tests := []struct {
		value string
		want  string // "" when the value is valid
	}{
		{"record:x?frames=abc", "invalid frames=abc"},
		{"record:", "needs a folder"},
		{"sim?zoom=99", `zoom "99"`},
		{"sim?zom=2", `unknown option "zom"`},
		{"fb:relative", "needs a device path"},
		{"mxcfb:/dev/fb0?family=nook", `unknown family "nook"`},
		{"it8951:pi4?bogus=1", `unknown option "bogus"`},
		{"it8951:pi4?vcom=-1500", "vcom=1500 for -1.50 V"},
		{"it8951:pi9", `unknown board "pi9"`},
		{"record:" + t.TempDir() + "/rec?frames=1", ""},
		{"it8951:pi4?vcom=1500", ""},
		{"it8951", ""},
		{"sim?zoom=2", ""},
		{"mxcfb:/dev/fb0?family=kindle", ""},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "einkterm.toml")
			if err := os.WriteFile(path, []byte("display = \""+tt.value+"\"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, _ := runWithEnv(t, nil, "config", "check", path)
			if tt.want == "" {
				if code != 0 {
					t.Errorf("exit status %d for a valid value:\n%s", code, out)
				}
				return
			}
			if code != 1 {
				t.Errorf("exit status %d, want 1:\n%s", code, out)
			}
			if !strings.Contains(out, path+":1: display: invalid display") || !strings.Contains(out, tt.want) {
				t.Errorf("output does not name the display problem %q:\n%s", tt.want, out)
			}
		})
	}
}

// TestHelpAndFlagErrors checks where help and flag errors go: -h prints
// the help on standard output with status 0, so it pipes into a pager,
// and a bad flag prints one line naming it on standard error, status 2.
func TestHelpAndFlagErrors(t *testing.T) {
	code, out, errOut := runWithEnv(t, nil, "vnc", "-h")
	if code != 0 || !strings.Contains(out, "usage: einkterm vnc") || errOut != "" {
		t.Errorf("vnc -h: status %d, stdout %q, stderr %q; want the help on stdout", code, out, errOut)
	}
	code, out, errOut = runWithEnv(t, nil, "shell", "--rotate", "abc")
	if code != 2 || out != "" {
		t.Errorf("bad flag: status %d, stdout %q; want 2 and nothing on stdout", code, out)
	}
	if !strings.Contains(errOut, "-rotate") || !strings.Contains(errOut, "run einkterm shell -h") || strings.Contains(errOut, "usage:") {
		t.Errorf("bad flag: stderr %q, want one line naming the flag", errOut)
	}
	code, out, _ = runWithEnv(t, nil, "--version")
	if code != 0 || !strings.HasPrefix(out, "einkterm ") {
		t.Errorf("--version: status %d, stdout %q", code, out)
	}
}

// TestConfigCheckFlags takes -h and --config FILE as einkterm start
// does.
func TestConfigCheckFlags(t *testing.T) {
	code, out, _ := runWithEnv(t, nil, "config", "check", "-h")
	if code != 0 || !strings.Contains(out, "einkterm config check [FILE]") {
		t.Errorf("config check -h: status %d, stdout %q", code, out)
	}
	path := filepath.Join(t.TempDir(), "einkterm.toml")
	if err := os.WriteFile(path, deploy.ExampleConfig, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runWithEnv(t, nil, "config", "check", "--config", path)
	if code != 0 || out != path+": OK\n" {
		t.Errorf("config check --config: status %d, stdout %q", code, out)
	}
}
