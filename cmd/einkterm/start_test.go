package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeConfig writes an einkterm.toml that shows sessions on the
// recorder in dir.
func writeConfig(t *testing.T, dir, body string) string {
	t.Helper()
	name := filepath.Join(dir, "einkterm.toml")
	head := "display = \"record:" + filepath.Join(dir, "rec") + "\"\npanel = \"" + testPanel + "\"\n"
	if err := os.WriteFile(name, []byte(head+body), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestStartMenuChoosesShell(t *testing.T) {
	dir := t.TempDir()
	cfgFile := writeConfig(t, dir, "[session]\nstart = \"menu\"\n[session.shell]\ncommand = [\"sh\"]\n")
	in, keys := io.Pipe()
	var stderr bytes.Buffer
	e := &env{stdin: in, stdout: io.Discard, stderr: &stderr, getenv: os.Getenv}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- runMain(ctx, e, []string{"start", "--once", "--config", cfgFile}) }()

	// The menu is on the panel: pick the shell, then use it.
	waitScreen(t, filepath.Join(dir, "rec"), "choose what to start")
	keys.Write([]byte("2"))
	time.Sleep(300 * time.Millisecond)
	keys.Write([]byte("\r"))
	time.Sleep(time.Second)
	keys.Write([]byte("echo menu-chose-$((2+3))\n"))
	keys.Close()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit status %d; stderr:\n%s", code, stderr.String())
		}
	case <-ctx.Done():
		t.Fatal("einkterm start did not end")
	}
	saved, err := os.ReadFile(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(saved), `start = "shell"`) {
		t.Errorf("the menu's choice was not saved:\n%s", saved)
	}
	if !strings.Contains(string(saved), `panel = "`+testPanel+`"`) {
		t.Errorf("saving the choice lost other settings:\n%s", saved)
	}
	checkGlyphs(t, readRecording(t, filepath.Join(dir, "rec")), "menu-chose-5")
}

func TestStartShowsConfigProblems(t *testing.T) {
	dir := t.TempDir()
	cfgFile := writeConfig(t, dir, "colour = \"blue\"\n[session]\nstart = \"shell\"\n"+
		"[session.shell]\ncommand = [\"sh\", \"-c\", \"printf 'shell-ran\\\\n'\"]\n")
	code, stderr := runCommand(t, "", "start", "--once", "--config", cfgFile)
	if code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
	}
	rec := readRecording(t, filepath.Join(dir, "rec"))
	if _, _, ok := rec.findLine("problems in the config file"); !ok {
		t.Errorf("the panel does not show the config problem:\n%s", strings.Join(rec.screen, "\n"))
	}
	if _, _, ok := rec.findLine("colour"); !ok {
		t.Errorf("the panel does not name the unknown key:\n%s", strings.Join(rec.screen, "\n"))
	}
	checkGlyphs(t, rec, "shell-ran")
	if !strings.Contains(stderr, "einkterm.toml:") {
		t.Errorf("stderr does not name the file and line:\n%s", stderr)
	}
}

// waitScreen waits until a recording's refresh log exists and the
// emulator text of the running session contains s; it reads the log's
// final image only after exit, so it polls refresh.jsonl for progress
// and then gives the session a moment.
func waitScreen(t *testing.T, dir, s string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if countRefreshes(filepath.Join(dir, "refresh.jsonl")) > 0 {
			time.Sleep(200 * time.Millisecond)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no refresh showed %q within 20 s", s)
}
