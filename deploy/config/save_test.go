package config

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestWriteFileAtomicKeepsMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil { // undo the umask
		t.Fatal(err)
	}
	err := WriteFileAtomic(path, 0o600, func(w io.Writer) error {
		_, err := io.WriteString(w, "new")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, path, "new", 0o640)
	checkNoTemp(t, filepath.Dir(path))
}

func TestWriteFileAtomicNewFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	err := WriteFileAtomic(path, 0o600, func(w io.Writer) error {
		_, err := io.WriteString(w, "x")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, path, "x", 0o600)
}

func TestWriteFileAtomicFailedWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte("old contents\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	err := WriteFileAtomic(path, 0o644, func(w io.Writer) error {
		io.WriteString(w, "half of the new")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error = %v, want the write error", err)
	}
	if !strings.Contains(err.Error(), "old file is unchanged") {
		t.Errorf("error %q does not say the old file is kept", err)
	}
	checkFile(t, path, "old contents\n", 0o644)
	checkNoTemp(t, filepath.Dir(path))
}

func TestWriteFileAtomicMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", FileName)
	err := WriteFileAtomic(path, 0o644, func(io.Writer) error { return nil })
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error = %v, want not exist", err)
	}
}

func TestSaveRejectsInvalidData(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte("rotation = 90\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Save(path, []byte("rotation = 45\n"))
	var errs Errors
	if !errors.As(err, &errs) || errs[0].Key != "rotation" {
		t.Fatalf("error = %v, want the rotation problem", err)
	}
	checkFile(t, path, "rotation = 90\n", 0o644)
}

func TestSaveRejectsPasswordInReadableFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte("rotation = 90\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Save(path, []byte("[session.vnc]\npassword = \"s3cret\"\n"))
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("error = %v, want a chmod 600 hint", err)
	}
	checkFile(t, path, "rotation = 90\n", 0o644)

	fresh := filepath.Join(t.TempDir(), FileName)
	if err := Save(fresh, []byte("[session.vnc]\npassword = \"s3cret\"\n")); err != nil {
		t.Fatal(err)
	}
	checkFile(t, fresh, "[session.vnc]\npassword = \"s3cret\"\n", 0o600)
}

func TestLoadPasswordNeedsPrivateFile(t *testing.T) {
	const text = "panel = \"7in5\"\n[session.vnc]\nhost = \"h\"\npassword = \"s3cret\"\n"
	for _, tc := range []struct {
		mode    fs.FileMode
		wantErr bool
	}{
		{0o600, false},
		{0o400, false},
		{0o640, true},
		{0o644, true},
		{0o604, true},
	} {
		path := filepath.Join(t.TempDir(), FileName)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, tc.mode); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(path)
		if !tc.wantErr {
			if err != nil || cfg.Session.VNC.Password != "s3cret" || cfg.Panel != "7in5" {
				t.Errorf("mode %04o: cfg %+v, err %v; want the file used", tc.mode, cfg, err)
			}
			continue
		}
		var errs Errors
		if !errors.As(err, &errs) || len(errs) != 1 {
			t.Fatalf("mode %04o: err = %v, want one problem", tc.mode, err)
		}
		e := errs[0]
		if e.Key != "session.vnc.password" || e.Line != 4 || !strings.Contains(e.Fix, "chmod 600 "+path) {
			t.Errorf("mode %04o: problem %v", tc.mode, e)
		}
		if cfg.Session.VNC.Password != "" || cfg.Panel != Default().Panel {
			t.Errorf("mode %04o: rejected file still used: %+v", tc.mode, cfg)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	cfg, err := Load(filepath.Join(t.TempDir(), "none.toml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want not exist", err)
	}
	if cfg.Panel != Default().Panel {
		t.Errorf("cfg = %+v, want defaults", cfg)
	}
}

func checkFile(t *testing.T, path, want string, mode fs.FileMode) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s holds %q, want %q", path, got, want)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != mode {
		t.Errorf("%s mode %04o, want %04o", path, info.Mode().Perm(), mode)
	}
}

func checkNoTemp(t *testing.T, dir string) {
	t.Helper()
	names, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if strings.Contains(n.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", n.Name())
		}
	}
}

func TestWriteFileAtomicOnFAT(t *testing.T) {
	// Linux's vfat returns EPERM for a chmod to a mode that its mount
	// options do not give.
	chmod = func(*os.File, fs.FileMode) error { return &fs.PathError{Op: "chmod", Err: syscall.EPERM} }
	t.Cleanup(func() { chmod = (*os.File).Chmod })

	path := filepath.Join(t.TempDir(), FileName)
	write := func(w io.Writer) error {
		_, err := io.WriteString(w, "x")
		return err
	}
	if err := WriteFileAtomic(path, 0o644, write); err != nil {
		t.Errorf("ordinary file: %v, want it saved despite EPERM", err)
	}
	secret := filepath.Join(t.TempDir(), FileName)
	err := WriteFileAtomic(secret, 0o600, write)
	if err == nil || !strings.Contains(err.Error(), "cannot make it private") {
		t.Errorf("private file: err = %v, want a rejection", err)
	}
	if _, err := os.Stat(secret); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("private file saved after the chmod failed: %v", err)
	}
	checkNoTemp(t, filepath.Dir(secret))
}

func TestSaveErrorsNameConfigOnce(t *testing.T) {
	dir := t.TempDir()
	open := filepath.Join(dir, "open.toml")
	if err := os.WriteFile(open, []byte("panel = \"7in5\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	both := filepath.Join(dir, "both.toml")
	if err := os.WriteFile(both, []byte("[session.vnc]\npassword_file = \"/p\"\npassword = \"s\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	shell := NewMenu(Session{})
	shell.Input([]byte("2"))
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"Save invalid", Save(filepath.Join(dir, "bad.toml"), []byte("rotation = 45\npanel = \"9in9\"\n"))},
		{"Save password", Save(open, []byte("[session.vnc]\npassword = \"s3cret\"\n"))},
		{"SaveMenu", SaveMenu(both, shell)},
	} {
		if tc.err == nil {
			t.Errorf("%s succeeded", tc.name)
			continue
		}
		for _, line := range strings.Split(tc.err.Error(), "\n") {
			if n := strings.Count(line, "config: "); n != 1 {
				t.Errorf("%s: line %q names the package %d times", tc.name, line, n)
			}
		}
		if !strings.HasPrefix(tc.err.Error(), "config: ") {
			t.Errorf("%s: %q lacks the package prefix", tc.name, tc.err)
		}
	}
}

// TestWriteFileAtomicRejectsNamedPipe saves to a named pipe: renaming
// over it would replace the node, so the save fails and names it.
func TestWriteFileAtomicRejectsNamedPipe(t *testing.T) {
	pipe := filepath.Join(t.TempDir(), FileName)
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(pipe, 0o600, func(w io.Writer) error {
		_, err := io.WriteString(w, "x")
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "is a named pipe, not a regular file") {
		t.Errorf("error = %v, want one naming the named pipe", err)
	}
	st, statErr := os.Lstat(pipe)
	if statErr != nil {
		t.Fatal(statErr)
	}
	if st.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the pipe is now %v", st.Mode())
	}
	checkNoTemp(t, filepath.Dir(pipe))
}

// TestWriteFileAtomicFollowsSymlink saves through a symbolic link: the
// file it names gets the new contents and the link stays.
func TestWriteFileAtomicFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.toml")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, FileName)
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(link, 0o600, func(w io.Writer) error {
		_, err := io.WriteString(w, "new")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, target, "new", 0o600)
	st, err := os.Lstat(link)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link is now %v", st.Mode())
	}
}
