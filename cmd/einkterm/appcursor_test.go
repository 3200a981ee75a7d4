package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestApplicationCursorKeys(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\x1b[A", "\x1bOA"},
		{"x\x1b[Dy\x1b[H\x1b[F", "x\x1bODy\x1bOH\x1bOF"},
		{"\x1b[1~\x1b[4~", "\x1bOH\x1bOF"}, // Home and End from tmux or the console
		{"\x1b[1;5A", "\x1b[1;5A"},         // Ctrl+Up keeps its modifier form
		{"\x1b[3~", "\x1b[3~"},             // Delete is not a cursor key
		{"plain", "plain"},
		{"\x1b[", "\x1b["},
		{"\x1b[200~a\x1b[Ab\x1b[201~\x1b[A", "\x1b[200~a\x1b[Ab\x1b[201~\x1bOA"}, // a paste stays as copied
	}
	for _, tt := range tests {
		var c cursorKeys
		if got := string(c.applicationCursorKeys([]byte(tt.in))); got != tt.want {
			t.Errorf("applicationCursorKeys(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestApplicationCursorKeysPasteAcrossReads splits a paste over two
// reads: the Up inside it stays as copied, and Up after it changes.
func TestApplicationCursorKeysPasteAcrossReads(t *testing.T) {
	var c cursorKeys
	first := string(c.applicationCursorKeys([]byte("\x1b[200~a\x1b[A")))
	second := string(c.applicationCursorKeys([]byte("b\x1b[201~\x1b[A")))
	if first != "\x1b[200~a\x1b[A" || second != "b\x1b[201~\x1bOA" {
		t.Errorf("reads gave %q and %q", first, second)
	}
}

// TestCursorKeysFollowDECCKM runs a program that requests application
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

// TestBracketedPasteOffOnStopAndKill checks the outer terminal's paste
// mode through a stop, a continue and a SIGKILL. The shell that takes
// over on the stop, and the one left after the kill, read pastes
// unmarked. The session gets its mode back when it continues.
func TestBracketedPasteOffOnStopAndKill(t *testing.T) {
	r := startOnTTY(t, "shell", "--display", "record:"+t.TempDir(), "--panel", testPanel,
		"--", "sh", "-c", `printf '\033[?2004h'; sleep 60`)
	// waitOutput waits until the terminal output after from contains
	// seq, and returns where it ends.
	waitOutput := func(what, seq string, from int) int {
		t.Helper()
		end := 0
		waitFor(t, what, 20*time.Second, func() bool {
			out := r.output.String()
			if from > len(out) {
				return false
			}
			i := strings.Index(out[from:], seq)
			end = from + i + len(seq)
			return i >= 0
		}, r.output.String)
		return end
	}
	at := waitOutput("paste mode on", "\x1b[?2004h", 0)
	r.cmd.Process.Signal(syscall.SIGTSTP)
	at = waitOutput("paste mode off on the stop", "\x1b[?2004l", at)
	r.cmd.Process.Signal(syscall.SIGCONT)
	at = waitOutput("paste mode on after the continue", "\x1b[?2004h", at)
	r.cmd.Process.Kill()
	waitOutput("paste mode off after the kill", "\x1b[?2004l", at)
}
