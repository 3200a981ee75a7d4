package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// WriteFileAtomic replaces the file at path with what write produces.
// It writes a temporary file in the same folder, syncs it, renames it
// over path and syncs the folder, so that after a crash or a failed
// write path holds either its old contents or the new ones. The file
// keeps its permissions; a new file gets perm. When write fails, the
// temporary file is removed and path is left as it was. A symbolic link
// is followed, and a path that is not a regular file, such as a device,
// is rejected, because renaming over it would replace the node.
func WriteFileAtomic(path string, perm fs.FileMode, write func(io.Writer) error) (err error) {
	if resolved, linkErr := filepath.EvalSymlinks(path); linkErr == nil {
		path = resolved
	}
	if info, statErr := os.Stat(path); statErr == nil {
		if !info.Mode().IsRegular() {
			return fmt.Errorf("config: cannot save to %s: it is %s, not a regular file, so name a regular file instead", path, FileKind(info.Mode()))
		}
		perm = info.Mode().Perm()
	} else if !errors.Is(statErr, fs.ErrNotExist) {
		return fmt.Errorf("config: %w", statErr)
	}

	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("config: cannot save %s: %w%s", path, err, spaceHint(path, err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	if err := write(tmp); err != nil {
		return fmt.Errorf("config: writing %s failed, the old file is unchanged: %w%s", path, err, spaceHint(path, err))
	}
	if err := setMode(tmp, perm); err != nil {
		return fmt.Errorf("config: cannot save %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("config: syncing %s failed, the old file is unchanged: %w%s", tmp.Name(), err, spaceHint(path, err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return syncDir(dir)
}

// FileKind names the kind of file that mode describes, for messages
// about a path that is not a regular file.
func FileKind(mode fs.FileMode) string {
	switch {
	case mode.IsDir():
		return "a folder"
	case mode&fs.ModeSymlink != 0:
		return "a symbolic link"
	case mode&fs.ModeCharDevice != 0:
		return "a character device"
	case mode&fs.ModeDevice != 0:
		return "a block device"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode.IsRegular():
		return "a regular file"
	}
	return "a special file"
}

// spaceHint returns what to do when err says the file system of path is
// full, and "" for other errors.
func spaceHint(path string, err error) string {
	if !errors.Is(err, syscall.ENOSPC) && !errors.Is(err, syscall.EDQUOT) {
		return ""
	}
	return fmt.Sprintf("; free space on the file system of %s (see df %s) and save again", path, filepath.Dir(path))
}

// chmod is (*os.File).Chmod; tests replace it to act like a FAT file
// system.
var chmod = (*os.File).Chmod

// setMode gives f the mode perm. The FAT boot partition stores no
// permissions, and Linux rejects a chmod there with EPERM unless the
// mode matches the mount options. That is harmless for an ordinary
// file, but a file that must be private (no group or other bits) is
// not saved there.
func setMode(f *os.File, perm fs.FileMode) error {
	err := chmod(f, perm)
	if err == nil || !errors.Is(err, syscall.EPERM) {
		return err
	}
	if perm&0o077 == 0 {
		return fmt.Errorf("the file system cannot make it private (mode %04o): %w; "+
			"keep secrets on the root file system, not the FAT boot partition", perm, err)
	}
	return nil
}

// syncDir makes a rename in dir durable. File systems that cannot sync a
// folder (FAT on some kernels) return EINVAL, which is not an error here.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("config: syncing folder %s: %w", dir, err)
	}
	return nil
}

// Save writes data to path atomically, after checking that it parses
// without errors. A new file is created with mode 0644, or 0600 when it
// holds a password.
func Save(path string, data []byte) error {
	cfg, errs := Parse(path, data)
	if len(errs) > 0 {
		return fmt.Errorf("config: not saving %s because of %d problem(s):\n%w", path, len(errs), errs)
	}
	return writeConfig(path, data, cfg)
}

func writeConfig(path string, data []byte, cfg Config) error {
	perm := fs.FileMode(0o644)
	if cfg.Session.VNC.Password != "" {
		perm = 0o600
	}
	if info, err := os.Stat(path); err == nil {
		if e := checkSecret(path, info.Mode().Perm(), data); e != nil {
			return fmt.Errorf("%w; the password is not saved", e)
		}
	}
	return WriteFileAtomic(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
