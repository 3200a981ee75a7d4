// Package simtest runs the simulator window's tests on a private Xvfb
// server: it starts the server and takes screenshots with ImageMagick.
// Under CI=true a missing Xvfb, xdotool or ImageMagick fails the test.
package simtest

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
)

// StartXvfb starts Xvfb on a free display number from 100 up, so that
// no desktop's display is touched, and returns its name, such as ":117".
func StartXvfb(t *testing.T) string {
	t.Helper()
	bin := peertest.Require(t, "Xvfb", "xvfb")
	peertest.Require(t, "xdotool", "xdotool")
	peertest.Require(t, "import", "imagemagick")

	first := 100 + os.Getpid()%400
	for n := first; n < first+20; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		if disp, ok := tryXvfb(t, bin, n); ok {
			return disp
		}
	}
	t.Fatalf("Xvfb did not start on any display from :%d to :%d", first, first+19)
	return ""
}

// tryXvfb starts Xvfb on display n and waits until it is ready, which
// it reports by writing the display number to file descriptor 3.
func tryXvfb(t *testing.T, bin string, n int) (string, bool) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	// The read end stays open while Xvfb runs: Xvfb exits when it
	// cannot write the display number and its newline.
	t.Cleanup(func() { r.Close() })

	cmd := exec.Command(bin, fmt.Sprintf(":%d", n), "-displayfd", "3",
		"-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{w}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()

	ready := make(chan bool, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		ready <- strings.TrimSpace(line) == strconv.Itoa(n)
	}()
	ok := false
	select {
	case ok = <-ready:
	case <-time.After(10 * time.Second):
	}
	if !ok {
		cmd.Process.Kill()
		cmd.Wait()
		t.Logf("Xvfb :%d did not start:\n%s", n, stderr.String())
		return "", false
	}

	servers.Store(fmt.Sprintf(":%d", n), cmd)
	t.Cleanup(func() {
		servers.Delete(fmt.Sprintf(":%d", n))
		stopXvfb(cmd)
		if t.Failed() {
			t.Logf("Xvfb :%d output:\n%s", n, stderr.String())
		}
	})
	return fmt.Sprintf(":%d", n), true
}

// servers maps the display names of running Xvfb servers to their
// commands, for StopXvfb.
var servers sync.Map

// StopXvfb stops the Xvfb that StartXvfb started on display disp before
// the test ends, to test what happens when the X server goes away.
func StopXvfb(t *testing.T, disp string) {
	t.Helper()
	cmd, ok := servers.Load(disp)
	if !ok {
		t.Fatalf("no Xvfb started on display %s", disp)
	}
	stopXvfb(cmd.(*exec.Cmd))
}

// stopXvfb stops Xvfb with SIGTERM, which lets it remove its socket and
// lock file, and kills it when it still runs 5 s later.
func stopXvfb(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

// Screenshot takes a picture of the whole screen of $DISPLAY with
// ImageMagick.
func Screenshot(t *testing.T) image.Image {
	t.Helper()
	out, err := exec.Command("import", "-window", "root", "png:-").Output()
	if err != nil {
		t.Fatalf("import -window root: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	return img
}
