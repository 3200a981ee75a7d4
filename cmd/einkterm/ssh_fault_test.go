package main

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/term"
)

// liveRun is einkterm running in-process with a keyboard the test types
// on while it runs.
type liveRun struct {
	keys   *io.PipeWriter
	stderr *lockedBuffer
	done   chan int
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startLive(t *testing.T, args ...string) *liveRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	r, w := io.Pipe()
	run := &liveRun{keys: w, stderr: &lockedBuffer{}, done: make(chan int, 1)}
	e := &env{
		stdin:  r,
		stdout: io.Discard,
		stderr: run.stderr,
		getenv: func(k string) string {
			if k == "DISPLAY" || k == "WAYLAND_DISPLAY" {
				return ""
			}
			return os.Getenv(k)
		},
	}
	go func() {
		run.done <- runMain(ctx, e, args)
		cancel()
	}()
	t.Cleanup(func() {
		cancel()
		w.Close()
		select {
		case <-run.done:
		case <-time.After(10 * time.Second):
			t.Error("einkterm did not stop within 10 s of the test's end")
		}
	})
	return run
}

func (r *liveRun) typeKeys(t *testing.T, s string) {
	t.Helper()
	if _, err := io.WriteString(r.keys, s); err != nil {
		t.Fatalf("typing %q: %v", s, err)
	}
}

func (r *liveRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case code := <-r.done:
		r.done <- code
		return code
	case <-time.After(60 * time.Second):
		t.Fatalf("einkterm did not exit within 60 s; stderr:\n%s", r.stderr.String())
	}
	return -1
}

// waitFor polls cond until it holds or the time runs out.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool, show func() string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v:\n%s", what, limit, show())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// logLine returns the first line of log that contains s.
func logLine(log, s string) string {
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, s) {
			return line
		}
	}
	return ""
}

func readFile(name string) string {
	b, _ := os.ReadFile(name)
	return string(b)
}

// tmuxServer is a tmux server of the test's own, on its own socket.
type tmuxServer struct {
	bin, socket string
}

func newTmux(t *testing.T) *tmuxServer {
	t.Helper()
	bin := peertest.Require(t, "tmux", "tmux")
	s := &tmuxServer{bin: bin, socket: fmt.Sprintf("einkterm-test-%d-%d", os.Getpid(), time.Now().UnixNano())}
	t.Cleanup(func() { exec.Command(bin, "-L", s.socket, "kill-server").Run() })
	return s
}

func (s *tmuxServer) command(session string) string {
	return fmt.Sprintf("%s -L %s new -A -s %s", s.bin, s.socket, session)
}

// pane returns what the session's pane shows, or "" when it has none.
func (s *tmuxServer) pane(session string) string {
	out, err := exec.Command(s.bin, "-L", s.socket, "capture-pane", "-p", "-t", session).Output()
	if err != nil {
		return ""
	}
	return string(out)
}

// panelGrid returns the terminal size einkterm uses on the test panel.
func panelGrid(t *testing.T) (cols, rows int, ref *term.Terminal, info display.Info) {
	t.Helper()
	info, err := display.LookupProfile(testPanel)
	if err != nil {
		t.Fatal(err)
	}
	ref, err = term.New(term.Options{Width: info.Width, Height: info.Height, Depth: info.Depth})
	if err != nil {
		t.Fatal(err)
	}
	cols, rows = ref.Size()
	return cols, rows, ref, info
}

// framesShowing returns the recorded frames whose cells at row, col
// hold s drawn in reverse video, pixel for pixel as the emulator draws
// it.
func framesShowing(t *testing.T, dir string, row, col int, s string) []string {
	t.Helper()
	return framesWithText(t, dir, row, col, "\x1b[7m"+s, len(s))
}

// framesWithText returns the recorded frames whose n cells at row, col
// are what the emulator draws for text (which may start with SGR
// sequences).
func framesWithText(t *testing.T, dir string, row, col int, text string, n int) []string {
	t.Helper()
	_, _, ref, info := panelGrid(t)
	ref.Write([]byte("\x1b[?25l" + cup(row, col) + text))
	frame := display.NewFrame(info.Width, info.Height, info.Depth)
	ref.Render(frame)
	want := frame.Gray()
	cell := ref.CellSize()
	r := image.Rect(col*cell.X, row*cell.Y, (col+n)*cell.X, (row+1)*cell.Y)

	names, _ := filepath.Glob(filepath.Join(dir, "frame-*.png"))
	sort.Strings(names)
	var match []string
	for _, name := range names {
		if sameCells(t, name, want, r) {
			match = append(match, name)
		}
	}
	return match
}

func sameCells(t *testing.T, name string, want *image.Gray, r image.Rectangle) bool {
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			g, _, _, _ := img.At(x, y).RGBA()
			if uint8(g>>8) != want.GrayAt(x, y).Y {
				return false
			}
		}
	}
	return true
}

// TestSSHReconnectAfterServerKilled kills sshd mid-session, types while
// it is down, starts it again on the same port with the same keys, and
// checks that einkterm showed the outage, reattached tmux with the
// resume command and delivered every byte typed during the outage.
func TestSSHReconnectAfterServerKilled(t *testing.T) {
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	tmux := newTmux(t)
	dir := t.TempDir()
	logFile := filepath.Join(t.TempDir(), "einkterm.log")
	args := []string{"ssh", "--display", "record:" + dir + "?frames=1", "--panel", testPanel,
		"-F", "none", "--known-hosts", s.KnownHosts, "--no-agent", "-i", s.ClientKey,
		"--log", logFile, "--log-level", "debug",
		"--resume", tmux.command("main"), "root@" + s.Addr()}
	run := startLive(t, args...)
	pane := func() string { return tmux.pane("main") }
	log := func() string { return readFile(logFile) + "\nstderr:\n" + run.stderr.String() }

	waitFor(t, "tmux session", 20*time.Second, func() bool { return strings.Contains(pane(), "#") || strings.Contains(pane(), "$") }, func() string { return pane() + log() + readFile(dir+"/refresh.jsonl") })
	run.typeKeys(t, "echo before-$((1+1))\r")
	waitFor(t, "output before the outage", 10*time.Second, func() bool { return strings.Contains(pane(), "before-2") }, pane)

	s.Stop()
	waitFor(t, "link down in the log", 20*time.Second, func() bool { return strings.Contains(readFile(logFile), "link down") }, log)
	typed := "echo during-$((2+3))\r"
	run.typeKeys(t, typed)
	waitFor(t, "queued input in the log", 10*time.Second, func() bool {
		return strings.Contains(readFile(logFile), fmt.Sprintf(`msg="input queued while the link is down" bytes=%d`, len(typed)))
	}, log)

	s2 := peertest.StartSSHD(t, peertest.SSHDOptions{Port: s.Port, HostKey: s.HostKey, ClientKey: s.ClientKey})
	waitFor(t, "reconnect", 40*time.Second, func() bool { return strings.Contains(readFile(logFile), "msg=reconnected") }, log)
	waitFor(t, "output of the input typed while down", 20*time.Second, func() bool { return strings.Contains(pane(), "during-5") }, pane)
	if !strings.Contains(pane(), "before-2") {
		t.Errorf("the reattached pane lost the output from before the outage:\n%s", pane())
	}

	run.typeKeys(t, "exit\r")
	if code := run.wait(t); code != 0 {
		t.Errorf("exit status %d, want 0; stderr:\n%s\nsshd:\n%s", code, run.stderr.String(), s2.Log())
	}

	line := logLine(readFile(logFile), "msg=reconnected")
	if want := fmt.Sprintf("queued_bytes=%d ", len(typed)); !strings.Contains(line, want) {
		t.Errorf("reconnect sent %q, want %s (every byte typed while down)", line, want)
	}
	if !strings.Contains(line, "rejected_bytes=0 ") {
		t.Errorf("reconnect line %q: input was rejected", line)
	}
	if n := strings.Count(readFile(logFile), "msg=reconnected"); n != 1 {
		t.Errorf("reconnected %d times, want 1", n)
	}
	_, rows, _, _ := panelGrid(t)
	if frames := framesShowing(t, dir, rows-1, 0, "link down, retry 1 in 1 s at "); len(frames) == 0 {
		t.Error("no recorded frame shows the link-down status line on the last row")
		if d := os.Getenv("EINKTERM_KEEP_FRAMES"); d != "" {
			exec.Command("cp", "-r", dir, d).Run()
		}
	}
	if frames := framesShowing(t, dir, rows-1, 0, "link down, retry 1 in 1 s at "); len(frames) > 0 {
		last := frames[len(frames)-1]
		all, _ := filepath.Glob(filepath.Join(dir, "frame-*.png"))
		sort.Strings(all)
		if last == all[len(all)-1] {
			t.Error("the status line is still on the panel after the reconnect")
		}
	}
	if !strings.Contains(readFile(logFile), "msg=reconnecting attempt=1") {
		t.Errorf("no reconnect attempt logged:\n%s", log())
	}
}
