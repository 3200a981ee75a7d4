package main

import (
	"bufio"
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestVNCViewerShowsServedSession(t *testing.T) {
	script := "printf 'viewer meets server\\nline two 0123456789\\n'"
	port := startServe(t, "shell", "--", "sh", "-c", script+"; sleep 60")

	dir := t.TempDir()
	if code, stderr := runCommand(t, "", "shell", "--display", "record:"+dir, "--panel", testPanel,
		"--", "sh", "-c", script); code != 0 {
		t.Fatalf("recorded session failed: %s", stderr)
	}
	want := readRecording(t, dir).image

	viewDir := filepath.Join(t.TempDir(), "view")
	viewer := exec.Command(buildEinkterm(t), "vnc", "--display", "record:"+viewDir, "--panel", testPanel,
		"--scale", "1:1", "--dither", "none", "127.0.0.1::"+strconv.Itoa(port))
	var stderr bytes.Buffer
	viewer.Stderr = &stderr
	viewer.Env = append(os.Environ(), "DISPLAY=", "WAYLAND_DISPLAY=")
	if err := viewer.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { viewer.Process.Kill() })

	// Wait until the viewer has refreshed its panel, then stop it so it
	// writes its final frame.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && countRefreshes(filepath.Join(viewDir, "refresh.jsonl")) == 0 {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second)
	viewer.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- viewer.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("einkterm vnc did not exit after SIGTERM; stderr:\n%s", stderr.String())
	}

	f, err := os.Open(filepath.Join(viewDir, "final.png"))
	if err != nil {
		t.Fatalf("viewer wrote no final frame: %v\nstderr:\n%s", err, stderr.String())
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := img.(*image.Gray)
	if !ok {
		t.Fatalf("final.png is %T", img)
	}
	diff, ink := inkDifference(got, want)
	if ink == 0 {
		t.Fatal("the recorded frame has no text")
	}
	if diff != 0 {
		t.Errorf("the viewer's panel differs from the served frame in %d of %d text pixels", diff, ink)
	}
}

// countRefreshes returns the refresh lines in a refresh log so far.
func countRefreshes(name string) int {
	f, err := os.Open(name)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.Contains(sc.Text(), `"kind":"refresh"`) {
			n++
		}
	}
	return n
}
