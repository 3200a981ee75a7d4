package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestApplicationCursorKeys(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\x1b[A", "\x1bOA"},
		{"x\x1b[Dy\x1b[H\x1b[F", "x\x1bODy\x1bOH\x1bOF"},
		{"\x1b[1;5A", "\x1b[1;5A"}, // Ctrl+Up keeps its modifier form
		{"\x1b[3~", "\x1b[3~"},     // Delete is not a cursor key
		{"plain", "plain"},
		{"\x1b[", "\x1b["},
	}
	for _, tt := range tests {
		if got := string(applicationCursorKeys([]byte(tt.in))); got != tt.want {
			t.Errorf("applicationCursorKeys(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestCursorKeysFollowDECCKM runs a program that asks for application
// cursor keys, as curses programs do, and types Up on the terminal in
// its normal form: the program must read ESC O A.
func TestCursorKeysFollowDECCKM(t *testing.T) {
	dir := t.TempDir()
	out, ready := filepath.Join(dir, "keys"), filepath.Join(dir, "ready")
	script := `printf '\033[?1h'; stty raw -echo; touch ` + ready + `; head -c 3 > ` + out + `; stty sane`
	r := startOnTTY(t, "shell", "--display", "record:"+t.TempDir(), "--panel", testPanel, "--", "sh", "-c", script)
	r.waitRaw(t)
	// Up typed before einkterm has read the mode change would go out in
	// the old form: wait until the program has set its modes, then give
	// einkterm a moment to parse its output.
	waitFor(t, "the program's modes", 20*time.Second, func() bool {
		_, err := os.Stat(ready)
		return err == nil
	}, r.stderr.String)
	time.Sleep(300 * time.Millisecond)
	r.master.Write([]byte("\x1b[A"))
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", code, r.stderr.String())
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "\x1bOA" {
		t.Errorf("the program read %q for Up, want %q", got, "\x1bOA")
	}
	if strings.Contains(string(got), "[") {
		t.Error("the normal form reached the program")
	}
}

// TestBracketedPasteMirrored runs a program that turns bracketed paste
// on and off: einkterm passes each change to the user's terminal, so a
// paste there arrives marked, and leaves the mode off at the end.
func TestBracketedPasteMirrored(t *testing.T) {
	script := `printf '\033[?2004h'; sleep 1; printf '\033[?2004l'; sleep 1`
	r := startOnTTY(t, "shell", "--display", "record:"+t.TempDir(), "--panel", testPanel, "--", "sh", "-c", script)
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", code, r.stderr.String())
	}
	out := r.output.String()
	on, off := strings.Index(out, "\x1b[?2004h"), strings.LastIndex(out, "\x1b[?2004l")
	if on < 0 {
		t.Fatalf("bracketed paste was not turned on in the terminal: %q", out)
	}
	if off < on {
		t.Errorf("bracketed paste was left on in the terminal: %q", out)
	}
}
