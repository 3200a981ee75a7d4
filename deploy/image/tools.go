package image

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Tools are the paths of the external programs Build runs. Empty fields
// are looked up in PATH, /usr/sbin and /sbin (debugfs and e2fsck live in
// /sbin on Debian, which is not in a normal user's PATH).
type Tools struct {
	Mcopy, Mattrib, Debugfs, E2fsck string
}

// find fills the empty paths and names the Debian package of a missing
// program.
func (t *Tools) find() error {
	for _, f := range []struct {
		path      *string
		name, pkg string
	}{
		{&t.Mcopy, "mcopy", "mtools"},
		{&t.Mattrib, "mattrib", "mtools"},
		{&t.Debugfs, "debugfs", "e2fsprogs"},
		{&t.E2fsck, "e2fsck", "e2fsprogs"},
	} {
		if *f.path != "" {
			continue
		}
		p, err := lookPath(f.name)
		if err != nil {
			return fmt.Errorf("image: %s not found: install the %s package", f.name, f.pkg)
		}
		*f.path = p
	}
	return nil
}

func lookPath(name string) (string, error) {
	for _, dir := range []string{"", "/usr/sbin/", "/sbin/"} {
		if p, err := exec.LookPath(dir + name); err == nil {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}

// run runs a program and returns its standard output and error.
func run(ctx context.Context, stdin []byte, prog string, args ...string) (stdout, stderr []byte, err error) {
	cmd := exec.CommandContext(ctx, prog, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	// mtools checks that the FAT geometry matches a real disk's; an
	// image partition at an offset does not, and that is fine.
	cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1")
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		err = fmt.Errorf("%s %s: %w: %s", prog, strings.Join(args, " "), err,
			strings.TrimSpace(errOut.String()))
	}
	return out.Bytes(), errOut.Bytes(), err
}

// tempFile writes data to a new temporary file and returns its path.
func tempFile(dir string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, "einkterm-image-*")
	if err != nil {
		return "", fmt.Errorf("image: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("image: %w", err)
	}
	return f.Name(), f.Close()
}
