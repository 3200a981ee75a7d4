package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func TestChordBytes(t *testing.T) {
	tests := []struct {
		chord string
		want  string
	}{
		{"ctrl+alt+r", "\x1b\x12"},
		{"alt+f5", "\x1b[15;3~"},
		{"ctrl+space", "\x00"},
	}
	for _, tt := range tests {
		got, err := chordBytes(tt.chord)
		if err != nil {
			t.Errorf("%s: %v", tt.chord, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("%s = %q, want %q", tt.chord, got, tt.want)
		}
	}
	for _, bad := range []string{"r", "super+r", "ctrl+alt+nokey"} {
		if _, err := chordBytes(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestShellFullRefreshChord(t *testing.T) {
	dir := t.TempDir()
	in, keys := io.Pipe()
	e := &env{stdin: in, stdout: io.Discard, stderr: &bytes.Buffer{}, getenv: func(k string) string {
		if k == "DISPLAY" || k == "WAYLAND_DISPLAY" {
			return ""
		}
		return os.Getenv(k)
	}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- runMain(ctx, e, []string{"shell", "--display", "record:" + dir, "--panel", testPanel,
			"--", "sh", "-c", "printf 'before\\n'; read line; printf 'read %s\\n' \"$line\""})
	}()
	time.Sleep(500 * time.Millisecond)
	keys.Write([]byte("\x1b\x12")) // ctrl+alt+r
	time.Sleep(500 * time.Millisecond)
	keys.Write([]byte("after\n"))
	keys.Close()
	if code := <-done; code != 0 {
		t.Fatalf("exit status %d: %s", code, e.stderr)
	}
	rec := readRecording(t, dir)
	flashes := 0
	for _, ev := range rec.events {
		if ev.Kind == "refresh" && ev.Flash {
			flashes++
			if ev.Rect() != rec.image.Rect {
				t.Errorf("full refresh covered %v, want the whole panel %v", ev.Rect(), rec.image.Rect)
			}
		}
	}
	if flashes != 1 {
		t.Errorf("%d flashing refreshes, want 1 for the chord", flashes)
	}
	// The chord did not reach the program: it read only "after".
	if _, _, ok := rec.findLine("read after"); !ok {
		t.Errorf("the program did not read the line typed after the chord:\n%q", rec.screen)
	}
}

func TestShellFontChordResizes(t *testing.T) {
	dir := t.TempDir()
	in, keys := io.Pipe()
	e := &env{stdin: in, stdout: io.Discard, stderr: &bytes.Buffer{}, getenv: func(k string) string {
		if k == "DISPLAY" || k == "WAYLAND_DISPLAY" {
			return ""
		}
		return os.Getenv(k)
	}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- runMain(ctx, e, []string{"shell", "--display", "record:" + dir, "--panel", testPanel,
			"--", "sh", "-c", "printf 'before %s\\n' \"$(stty size)\"; read line; printf 'after %s\\n' \"$(stty size)\""})
	}()
	time.Sleep(500 * time.Millisecond)
	larger, err := chordBytes("ctrl+alt+up")
	if err != nil {
		t.Fatal(err)
	}
	keys.Write(larger)
	time.Sleep(500 * time.Millisecond)
	keys.Write([]byte("\n"))
	keys.Close()
	if code := <-done; code != 0 {
		t.Fatalf("exit status %d: %s", code, e.stderr)
	}
	rec := readRecording(t, dir)
	var before, after [2]int
	for _, line := range rec.screen {
		fmt.Sscanf(line, "before %d %d", &before[0], &before[1])
		fmt.Sscanf(line, "after %d %d", &after[0], &after[1])
	}
	if before[0] == 0 || after[0] == 0 {
		t.Fatalf("stty sizes not found on screen:\n%s", strings.Join(rec.screen, "\n"))
	}
	if after[0] >= before[0] || after[1] >= before[1] {
		t.Errorf("after a larger font the pty is %dx%d, before %dx%d: want fewer rows and columns",
			after[1], after[0], before[1], before[0])
	}
}
