package image

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"regexp"
	"strings"
)

// extFS is an ext2/3/4 file system inside an image file, read and
// written with debugfs.
type extFS struct {
	tools  *Tools
	image  string
	offset int64
	tmp    string // folder for temporary files
}

// spec is debugfs' name for the file system at an offset in a file.
func (e *extFS) spec() string { return fmt.Sprintf("%s?offset=%d", e.image, e.offset) }

// debugfsBanner is the version line debugfs prints to standard error
// before anything else.
var debugfsBanner = regexp.MustCompile(`^debugfs \d+\.\d+`)

// problems returns what debugfs reported on standard error. debugfs
// exits with status 0 even when a command fails, so its messages are
// the only sign of failure.
func problems(stderr []byte) string {
	var out []string
	for _, line := range strings.Split(string(stderr), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !debugfsBanner.MatchString(line) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "; ")
}

// request runs one read-only debugfs command and returns its output.
func (e *extFS) request(ctx context.Context, command string) ([]byte, error) {
	out, stderr, err := run(ctx, nil, e.tools.Debugfs, "-R", command, e.spec())
	if err != nil {
		return nil, fmt.Errorf("image: debugfs %q: %w", command, err)
	}
	if p := problems(stderr); p != "" {
		return nil, fmt.Errorf("image: debugfs %q: %s", command, p)
	}
	return out, nil
}

// apply runs debugfs commands with write access, in order, and fails if
// any of them reported an error.
func (e *extFS) apply(ctx context.Context, commands ...string) error {
	script := []byte(strings.Join(commands, "\n") + "\n")
	_, stderr, err := run(ctx, script, e.tools.Debugfs, "-w", "-f", "-", e.spec())
	if err != nil {
		return fmt.Errorf("image: debugfs: %w", err)
	}
	if p := problems(stderr); p != "" {
		return fmt.Errorf("image: debugfs on the root file system failed: %s (commands: %s)",
			p, strings.Join(commands, "; "))
	}
	return nil
}

// exists reports whether p exists (as any kind of file).
func (e *extFS) exists(ctx context.Context, p string) (bool, error) {
	_, err := e.request(ctx, "stat "+quote(p))
	if err == nil {
		return true, nil
	}
	if strings.Contains(err.Error(), "File not found") {
		return false, nil
	}
	return false, err
}

// readFile returns the contents of p, and false when it does not exist.
func (e *extFS) readFile(ctx context.Context, p string) ([]byte, bool, error) {
	ok, err := e.exists(ctx, p)
	if err != nil || !ok {
		return nil, false, err
	}
	out, err := e.request(ctx, "cat "+quote(p))
	return out, err == nil, err
}

// mkdirAll creates p and its missing parents, owned by root, mode 0755.
func (e *extFS) mkdirAll(ctx context.Context, p string) error {
	var missing []string
	for dir := path.Clean(p); dir != "/"; dir = path.Dir(dir) {
		ok, err := e.exists(ctx, dir)
		if err != nil {
			return err
		}
		if ok {
			break
		}
		missing = append(missing, dir)
	}
	var cmds []string
	for i := len(missing) - 1; i >= 0; i-- {
		d := quote(missing[i])
		cmds = append(cmds, "mkdir "+d, "sif "+d+" mode 040755", "sif "+d+" uid 0", "sif "+d+" gid 0")
	}
	if len(cmds) == 0 {
		return nil
	}
	return e.apply(ctx, cmds...)
}

// writeFile creates or replaces the regular file p, owned by root.
func (e *extFS) writeFile(ctx context.Context, p string, data []byte, mode os.FileMode) error {
	if err := e.mkdirAll(ctx, path.Dir(p)); err != nil {
		return err
	}
	src, err := tempFile(e.tmp, data)
	if err != nil {
		return err
	}
	defer os.Remove(src)

	cmds, err := e.removeIfExists(ctx, p)
	if err != nil {
		return err
	}
	q := quote(p)
	cmds = append(cmds,
		"write "+quote(src)+" "+q,
		fmt.Sprintf("sif %s mode 0%o", q, 0o100000|mode.Perm()),
		"sif "+q+" uid 0",
		"sif "+q+" gid 0")
	return e.apply(ctx, cmds...)
}

// symlink creates or replaces the symbolic link link pointing to target.
func (e *extFS) symlink(ctx context.Context, link, target string) error {
	if err := e.mkdirAll(ctx, path.Dir(link)); err != nil {
		return err
	}
	cmds, err := e.removeIfExists(ctx, link)
	if err != nil {
		return err
	}
	return e.apply(ctx, append(cmds, "symlink "+quote(link)+" "+quote(target))...)
}

func (e *extFS) removeIfExists(ctx context.Context, p string) ([]string, error) {
	ok, err := e.exists(ctx, p)
	if err != nil || !ok {
		return nil, err
	}
	return []string{"rm " + quote(p)}, nil
}

// quote writes a path for debugfs' command parser, which takes double
// quotes around arguments with spaces.
func quote(p string) string {
	if !strings.ContainsAny(p, " \t") {
		return p
	}
	return `"` + p + `"`
}

// checkPath rejects paths that debugfs' parser cannot take.
func checkPath(p string) error {
	if strings.ContainsAny(p, "\"\n") || bytes.ContainsRune([]byte(p), 0) {
		return fmt.Errorf("image: path %q contains a quote, newline or NUL, which debugfs cannot take", p)
	}
	return nil
}
