package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStartMenuAfterSessionGetsKeys runs einkterm start on a terminal:
// pick the shell in the menu, end it, and pick it again. The second
// choice only happens if the ended session's key reader left the
// terminal alone.
func TestStartMenuAfterSessionGetsKeys(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "runs")
	cfgFile := writeConfig(t, dir, "[session]\nstart = \"menu\"\n[session.shell]\n"+
		"command = [\"sh\", \"-c\", \"echo run >> "+marker+"; read line\"]\n")
	r := startFault(t, "start", "--config", cfgFile)
	runs := func() int {
		b, _ := os.ReadFile(marker)
		return strings.Count(string(b), "run")
	}
	for want := 1; want <= 2; want++ {
		time.Sleep(time.Second) // the menu is drawn
		r.typeOn(t, "2")
		time.Sleep(300 * time.Millisecond)
		r.typeOn(t, "\r")
		waitFor(t, "the shell to start", 20*time.Second, func() bool { return runs() >= want }, r.stderr.String)
		r.typeOn(t, "\r") // ends the shell: back to the menu
	}
	if got := runs(); got != 2 {
		t.Errorf("the shell ran %d times, want 2", got)
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	if code := r.exitWithin(t, 20*time.Second); code != 128+int(syscall.SIGTERM) {
		t.Errorf("exit status %d after SIGTERM, want 143", code)
	}
	r.checkRestored(t)
}
