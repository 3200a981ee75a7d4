package fb

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// guardEnv names the environment variable that starts a console guard:
// its value is the KD mode to restore.
const guardEnv = "EINKTERM_FB_CONSOLE_GUARD"

// A console guard is a child process that restores the console when
// einkterm ends in a way that runs no Go code: an unrecovered panic in
// any goroutine, SIGKILL, or the out-of-memory killer. It holds the
// console (descriptor 3) and the read end of a pipe (descriptor 4) whose
// write end only einkterm holds. When the pipe reads end of file,
// einkterm is gone, and the guard sets the saved KD mode and shows the
// cursor. The guard is the same executable, started with guardEnv set,
// and this init function turns it into the guard before main runs.
func init() {
	if v := os.Getenv(guardEnv); v != "" {
		os.Exit(runGuard(v))
	}
}

// runGuard waits for the parent to end and restores the console.
func runGuard(modeText string) int {
	signal.Ignore(syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	mode, err := strconv.Atoi(modeText)
	if err != nil {
		fmt.Fprintf(os.Stderr, "einkterm console guard: invalid mode %q\n", modeText)
		return 2
	}
	console := os.NewFile(3, "console")
	pipe := os.NewFile(4, "guard pipe")
	io.Copy(io.Discard, pipe)
	unix.IoctlSetInt(int(console.Fd()), ioctlKDSetMode, mode)
	console.WriteString(showCursor)
	return 0
}

// guard is the running console guard of a VT.
type guard struct {
	cmd  *exec.Cmd
	pipe *os.File // the write end, whose closing ends the guard
}

// startGuard starts a console guard for console, which is to be put
// back in KD mode saved.
func startGuard(console *os.File, saved int) (*guard, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("fb: console guard: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("fb: console guard: %w", err)
	}
	defer r.Close()
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), guardEnv+"="+strconv.Itoa(saved))
	cmd.ExtraFiles = []*os.File{console, r}
	cmd.Stderr = os.Stderr
	// A session of its own keeps terminal signals such as Ctrl-C away
	// from the guard.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("fb: console guard: %w", err)
	}
	return &guard{cmd: cmd, pipe: w}, nil
}

// stop ends the guard, which restores the console once more, and waits
// for it.
func (g *guard) stop() error {
	g.pipe.Close()
	return g.cmd.Wait()
}
