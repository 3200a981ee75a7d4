package fb

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fileConsole appends each console call to a file, so a parent process
// can see what its child did before it died.
type fileConsole struct{ path string }

func (c fileConsole) add(s string) error {
	f, err := os.OpenFile(c.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString(s + "\n")
	return err
}

func (c fileConsole) Graphics() error { return c.add("graphics") }
func (c fileConsole) Restore() error  { return c.add("restore") }

// TestExitHelper is the child process of TestConsoleRestoredOnExit; it
// does nothing unless FB_EXIT_HELPER is set.
func TestExitHelper(t *testing.T) {
	exit := os.Getenv("FB_EXIT_HELPER")
	if exit == "" {
		t.Skip("helper process for TestConsoleRestoredOnExit")
	}
	log := os.Getenv("FB_EXIT_LOG")
	// The same shutdown the command uses: SIGTERM cancels the context
	// and the deferred Close runs.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	geo := Geometry{Width: 8, Height: 8, Stride: 8, Format: Gray8}
	var con Console = fileConsole{log}
	if path := os.Getenv("FB_EXIT_CONSOLE"); path != "" {
		// A VT on a plain file: KDSETMODE fails there, but the cursor
		// escapes and the console guard run as on a real console.
		f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		con = &VT{file: f, saved: kdText}
	}
	p, err := New(newFileDevice(t, geo, false), con, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	switch exit {
	case "panic":
		panic("helper panics with the panel open")
	case "sigterm":
		fileConsole{log}.add("ready")
		<-ctx.Done()
	case "panic-goroutine":
		// No deferred call runs; only the console guard restores.
		go panic("helper panics in another goroutine")
		select {}
	}
}

// skipUnderQemu skips tests that start the test binary again as a
// child: under qemu-user (deploy/armtest.sh sets EINKTERM_UNDER_QEMU)
// such a child has been seen to hang after its panic, which says
// nothing about the code on a real ARM board.
func skipUnderQemu(t *testing.T) {
	t.Helper()
	if os.Getenv("EINKTERM_UNDER_QEMU") != "" {
		t.Skip("starts the test binary as a child process, which hangs at times under qemu-user")
	}
}

// waitChild waits for cmd, killing it and failing the test after 60 s.
func waitChild(t *testing.T, cmd *exec.Cmd) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatal("the helper process did not exit within 60 s")
		return nil
	}
}

func TestConsoleRestoredOnExit(t *testing.T) {
	skipUnderQemu(t)
	for _, exit := range []string{"panic", "sigterm"} {
		t.Run(exit, func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "console.log")
			cmd := exec.Command(os.Args[0], "-test.run=^TestExitHelper$", "-test.count=1")
			cmd.Env = append(os.Environ(), "FB_EXIT_HELPER="+exit, "FB_EXIT_LOG="+log)
			if err := cmd.Start(); err != nil {
				if errors.Is(err, syscall.ENOEXEC) {
					// Under qemu-user without binfmt_misc the
					// test binary cannot start itself.
					t.Skipf("cannot run the test binary as a child: %v", err)
				}
				t.Fatal(err)
			}
			if exit == "sigterm" {
				waitForLine(t, log, "ready\n")
				if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
					t.Fatal(err)
				}
			}
			err := waitChild(t, cmd)
			if exit == "panic" && err == nil {
				t.Error("helper did not fail after its panic")
			}
			b, _ := os.ReadFile(log)
			lines := strings.Fields(string(b))
			if len(lines) == 0 || lines[len(lines)-1] != "restore" {
				t.Errorf("console calls %q, want the last to be restore", lines)
			}
		})
	}
}

// waitForLine polls path until it holds text, failing after 10 s.
func waitForLine(t *testing.T, path, text string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(path)
		if strings.Contains(string(b), text) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	b, _ := os.ReadFile(path)
	t.Fatalf("%s holds %q, never %q", path, b, text)
}

func TestConsoleGuardRestoresAfterCrash(t *testing.T) {
	skipUnderQemu(t)
	console := filepath.Join(t.TempDir(), "tty")
	if err := os.WriteFile(console, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestExitHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "FB_EXIT_HELPER=panic-goroutine",
		"FB_EXIT_LOG="+filepath.Join(t.TempDir(), "log"), "FB_EXIT_CONSOLE="+console)
	if err := cmd.Start(); err != nil {
		if errors.Is(err, syscall.ENOEXEC) {
			t.Skipf("cannot run the test binary as a child: %v", err)
		}
		t.Fatal(err)
	}
	if err := waitChild(t, cmd); err == nil {
		t.Fatal("helper exited cleanly after its panic")
	}
	// The guard writes after the helper is gone; wait for it.
	waitForLine(t, console, hideCursor+showCursor)
}
