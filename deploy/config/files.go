package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/image/font/opentype"
)

// checkFiles reports each setting that names a file or program missing
// on this machine, and puts back its default, so that einkterm still
// starts. Relative paths are taken from the working folder, as the
// sessions take them. Parse does not run these checks, because a file
// may be written on one machine for another.
func checkFiles(file string, cfg *Config, entries []entry) Errors {
	c := &checker{file: file, entries: entries}
	def := Default()
	if name := cfg.Font.Name; name != "" {
		if err := checkFont(name); err != nil {
			c.fail("font.name", err.Error(),
				`name a TTF or OTF file on this device, or write name = "" for the built-in font`)
			cfg.Font.Name = def.Font.Name
		}
	}
	if id := cfg.Session.SSH.Identity; id != "" {
		if err := checkReadable(expandHome(id)); err != nil {
			c.fail("session.ssh.identity", fileProblem("private key file", id, err),
				`name a private key file on this device, or write identity = "" for the SSH agent and ~/.ssh/id_*`)
			cfg.Session.SSH.Identity = def.Session.SSH.Identity
		}
	}
	if pf := cfg.Session.VNC.PasswordFile; pf != "" {
		if problem, fix := checkPasswordFile(pf); problem != "" {
			c.fail("session.vnc.password_file", problem, fix)
			cfg.Session.VNC.PasswordFile = def.Session.VNC.PasswordFile
		}
	}
	if cmd := cfg.Session.Shell.Command; len(cmd) > 0 {
		if _, err := exec.LookPath(cmd[0]); err != nil {
			c.fail("session.shell.command", fmt.Sprintf("program %q not found", cmd[0]),
				"give the full path of an installed program, such as [\"/bin/bash\", \"-l\"], "+
					"or write command = [] for $SHELL")
			cfg.Session.Shell.Command = def.Session.Shell.Command
		}
	}
	return c.errs
}

// checkReadable returns an error when path is not a regular file that
// this process can open.
func checkReadable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	return nil
}

// checkFont returns an error when path is not a TrueType or OpenType
// font file that opentype.Parse accepts. The terminal may still reject
// a font that lacks Latin letters.
func checkFont(path string) error {
	if err := checkReadable(path); err != nil {
		return errors.New(fileProblem("font file", path, err))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return errors.New(fileProblem("font file", path, err))
	}
	if _, err := opentype.Parse(data); err != nil {
		return fmt.Errorf("font file %q is not a TTF or OTF font: %v", path, err)
	}
	return nil
}

// checkPasswordFile returns the problem and its fix when the VNC
// password file at path is missing, or readable by group or others,
// which the vnc command rejects. It returns "" for a usable file.
func checkPasswordFile(path string) (problem, fix string) {
	info, err := os.Stat(path)
	if err == nil {
		err = checkReadable(path)
	}
	if err != nil {
		return fileProblem("password file", path, err),
			`make the file with vncpasswd -f and run chmod 600 on it, or write password_file = ""`
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Sprintf("password file %q is readable by group or others (mode %04o)", path, perm),
			"run chmod 600 " + path + ", and keep the file off the FAT boot partition, which cannot make it private"
	}
	return "", ""
}

// fileProblem describes why the file at path cannot be used; what is
// its kind, such as "font file".
func fileProblem(what, path string, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("%s %q not found", what, path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("%s %q is not readable by this user", what, path)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Sprintf("%s %q cannot be used: %v", what, path, err)
}

// expandHome replaces a leading "~/" with the home folder, as the ssh
// command does for identity files.
func expandHome(path string) string {
	rest, ok := strings.CutPrefix(path, "~/")
	if !ok {
		return path
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return path
	}
	return filepath.Join(home, rest)
}
