package main

import (
	"strings"
	"testing"
)

func TestShellRotatedRecorder(t *testing.T) {
	dir := t.TempDir()
	code, stderr := runCommand(t, "",
		"shell", "--display", "record:"+dir, "--panel", testPanel, "--rotate", "90",
		"--", "sh", "-c", "printf 'turned\\n'")
	if code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
	}
	rec := readRecording(t, dir)
	if _, _, ok := rec.findLine("turned"); !ok {
		t.Fatalf("screen.txt lacks the output:\n%s", strings.Join(rec.screen, "\n"))
	}
	// The panel stays 640x384; the logical screen is 384 wide and 640
	// tall, and its top rows land on the panel's right-hand columns.
	if b := rec.image.Rect; b.Dx() != 640 || b.Dy() != 384 {
		t.Fatalf("final.png is %v, want the native 640x384", b)
	}
	left, right := 0, 0
	for y := 0; y < 384; y++ {
		for x := 0; x < 640; x++ {
			if rec.image.GrayAt(x, y).Y >= 128 {
				continue
			}
			if x >= 600 {
				right++
			} else {
				left++
			}
		}
	}
	if right == 0 {
		t.Error("no ink in the panel's right-hand columns, where the first rows go at 90 degrees")
	}
	if left > right {
		t.Errorf("more ink on the left (%d) than on the right (%d): rotation not applied", left, right)
	}
	checkRefreshes(t, rec, 10)
}
