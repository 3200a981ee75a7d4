package evdev

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

// TestExitHelper is the child process of the exit tests; it does nothing
// unless EVDEV_EXIT_HELPER is set. It opens a keyboard, reports "ready"
// and then dies as asked.
func TestExitHelper(t *testing.T) {
	exit := os.Getenv("EVDEV_EXIT_HELPER")
	if exit == "" {
		t.Skip("helper process for the exit tests")
	}
	ready := os.Getenv("EVDEV_EXIT_READY")
	// The command's own shutdown: SIGTERM cancels the context and the
	// deferred Close runs.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	opts := Options{}
	path := os.Getenv("EVDEV_EXIT_DEVICE")
	if path == "" {
		d := newFakeDevice(true)
		d.log = os.Getenv("EVDEV_EXIT_LOG")
		path = "/fake/event0"
		opts.openDevice = (&fakeOpener{devices: map[string]*fakeDevice{path: d}}).open
	}
	k, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	os.WriteFile(ready, []byte("ready\n"), 0o600)
	switch exit {
	case "panic":
		panic("helper panics with the keyboard grabbed")
	case "panic-goroutine":
		// No deferred call runs; only the kernel's release on exit.
		go panic("helper panics in another goroutine")
		select {}
	case "sigterm":
		<-ctx.Done()
	}
}

// runExitHelper starts the helper, sends SIGTERM when exit is
// "sigterm", and waits for it to end.
func runExitHelper(t *testing.T, exit string, env ...string) {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "ready")
	cmd := exec.Command(os.Args[0], "-test.run=^TestExitHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), append(env, "EVDEV_EXIT_HELPER="+exit, "EVDEV_EXIT_READY="+ready)...)
	if err := cmd.Start(); err != nil {
		if errors.Is(err, syscall.ENOEXEC) {
			t.Skipf("cannot run the test binary as a child (qemu-user without binfmt_misc): %v", err)
		}
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("helper never became ready")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if exit == "sigterm" {
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
	}
	err := cmd.Wait()
	if exit != "sigterm" && err == nil {
		t.Errorf("helper exited cleanly after %s", exit)
	}
}

func TestGrabReleasedOnPanicAndSIGTERM(t *testing.T) {
	for _, exit := range []string{"panic", "sigterm"} {
		t.Run(exit, func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "grab.log")
			runExitHelper(t, exit, "EVDEV_EXIT_LOG="+log)
			b, err := os.ReadFile(log)
			if err != nil {
				t.Fatal(err)
			}
			calls := strings.Fields(string(b))
			if len(calls) < 2 || calls[0] != "grab" || calls[1] != "release" {
				t.Errorf("device calls %q, want grab then release", calls)
			}
		})
	}
}
