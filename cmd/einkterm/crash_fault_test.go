package main

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestTerminalRestoredAfterCrash ends einkterm in ways that run none of
// its code, SIGABRT (Go's goroutine dump) and SIGKILL, mid-session: the
// terminal must still be put back in its old modes.
func TestTerminalRestoredAfterCrash(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGABRT, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			marker := filepath.Join(t.TempDir(), "started")
			r := startFault(t, "shell", "--display", "record:"+t.TempDir(), "--panel", testPanel,
				"--", "sh", "-c", "touch "+marker+"; exec sleep 60")
			waitFile(t, r, marker)
			r.cmd.Process.Signal(sig)
			if code := r.exitWithin(t, 10*time.Second); code == 0 {
				t.Errorf("exit status 0 after %v", sig)
			}
			waitFor(t, "the terminal restored", 5*time.Second, func() bool {
				now, err := unix.IoctlGetTermios(int(r.slave.Fd()), unix.TCGETS)
				return err == nil && now.Lflag == r.before.Lflag && now.Iflag == r.before.Iflag &&
					now.Oflag == r.before.Oflag
			}, r.stderr.String)
		})
	}
}
