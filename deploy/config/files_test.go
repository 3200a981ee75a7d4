package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/image/font/gofont/gomono"
)

// writeFile writes data to name in dir with mode perm and returns its
// path.
func writeFile(t *testing.T, dir, name string, data []byte, perm os.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadMissingFiles(t *testing.T) {
	dir := t.TempDir()
	notFont := writeFile(t, dir, "notes.ttf", []byte("not a font"), 0o644)
	openPassword := writeFile(t, dir, "passwd", []byte("secret"), 0o644)
	tests := []struct {
		name    string
		setting string // the TOML lines after panel = "7in5"
		key     string
		err     string
		fix     string
		// fallback reports whether cfg holds the setting's default.
		fallback func(Config) bool
	}{{
		name:     "missing font",
		setting:  "[font]\nname = \"/nonexistent.ttf\"\n",
		key:      "font.name",
		err:      `font file "/nonexistent.ttf" not found`,
		fix:      `name = ""`,
		fallback: func(c Config) bool { return c.Font.Name == "" },
	}, {
		name:     "file that is no font",
		setting:  "[font]\nname = \"" + notFont + "\"\n",
		key:      "font.name",
		err:      "is not a TTF or OTF font",
		fix:      "TTF or OTF",
		fallback: func(c Config) bool { return c.Font.Name == "" },
	}, {
		name:     "missing identity",
		setting:  "[session.ssh]\nidentity = \"/nonexistent/id_ed25519\"\n",
		key:      "session.ssh.identity",
		err:      `private key file "/nonexistent/id_ed25519" not found`,
		fix:      `identity = ""`,
		fallback: func(c Config) bool { return c.Session.SSH.Identity == "" },
	}, {
		name:     "missing password file",
		setting:  "[session.vnc]\npassword_file = \"/nonexistent/passwd\"\n",
		key:      "session.vnc.password_file",
		err:      `password file "/nonexistent/passwd" not found`,
		fix:      "vncpasswd -f",
		fallback: func(c Config) bool { return c.Session.VNC.PasswordFile == "" },
	}, {
		name:     "password file others can read",
		setting:  "[session.vnc]\npassword_file = \"" + openPassword + "\"\n",
		key:      "session.vnc.password_file",
		err:      "readable by group or others (mode 0644)",
		fix:      "chmod 600 " + openPassword,
		fallback: func(c Config) bool { return c.Session.VNC.PasswordFile == "" },
	}, {
		name:     "missing shell program",
		setting:  "[session]\nstart = \"shell\"\n[session.shell]\ncommand = [\"/nonexistent/prog\", \"-l\"]\n",
		key:      "session.shell.command",
		err:      `program "/nonexistent/prog" not found`,
		fix:      "command = []",
		fallback: func(c Config) bool { return len(c.Session.Shell.Command) == 0 && c.Session.Start == "shell" },
	}, {
		name:     "shell program not on PATH",
		setting:  "[session.shell]\ncommand = [\"no-such-shell-here\"]\n",
		key:      "session.shell.command",
		err:      `program "no-such-shell-here" not found`,
		fix:      "full path",
		fallback: func(c Config) bool { return len(c.Session.Shell.Command) == 0 },
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), FileName, []byte("panel = \"7in5\"\n"+tc.setting), 0o644)
			cfg, err := Load(path)
			var errs Errors
			if !errors.As(err, &errs) || len(errs) != 1 {
				t.Fatalf("err = %v, want one problem", err)
			}
			e := errs[0]
			wantLine := strings.Count(tc.setting, "\n") + 1
			if e.Key != tc.key || e.Line != wantLine {
				t.Errorf("problem at %s line %d, want %s line %d", e.Key, e.Line, tc.key, wantLine)
			}
			if !strings.Contains(e.Err, tc.err) {
				t.Errorf("problem %q lacks %q", e.Err, tc.err)
			}
			if !strings.Contains(e.Fix, tc.fix) {
				t.Errorf("fix %q lacks %q", e.Fix, tc.fix)
			}
			if e.Whole || errs.WholeFile() != nil {
				t.Errorf("one missing file marks the whole file ignored")
			}
			if !tc.fallback(cfg) {
				t.Errorf("setting not reset to its default: %+v", cfg)
			}
			if cfg.Panel != "7in5" {
				t.Errorf("panel = %q: the valid setting beside the problem was lost", cfg.Panel)
			}
		})
	}
}

func TestLoadPresentFilesKept(t *testing.T) {
	dir := t.TempDir()
	font := writeFile(t, dir, "mono.ttf", gomono.TTF, 0o644)
	key := writeFile(t, dir, "id_ed25519", []byte("key"), 0o600)
	passwd := writeFile(t, dir, "passwd", []byte("secret"), 0o600)
	text := "[font]\nname = \"" + font + "\"\n" +
		"[session.ssh]\nidentity = \"" + key + "\"\n" +
		"[session.vnc]\npassword_file = \"" + passwd + "\"\n" +
		"[session.shell]\ncommand = [\"sh\", \"-l\"]\n"
	path := writeFile(t, dir, FileName, []byte(text), 0o644)
	cfg, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := Default()
	want.Font.Name = font
	want.Session.SSH.Identity = key
	want.Session.VNC.PasswordFile = passwd
	want.Session.Shell.Command = []string{"sh", "-l"}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got  %+v\nwant %+v", cfg, want)
	}
}

func TestParseSkipsFileChecks(t *testing.T) {
	// A file may be written on a desktop for the appliance, so Parse
	// and Save do not look for the files it names.
	text := "[font]\nname = \"/nonexistent.ttf\"\n[session.shell]\ncommand = [\"/nonexistent/prog\"]\n"
	cfg, errs := Parse(FileName, []byte(text))
	if len(errs) != 0 {
		t.Errorf("Parse reported %v", errs)
	}
	if cfg.Font.Name != "/nonexistent.ttf" {
		t.Errorf("font name = %q", cfg.Font.Name)
	}
}

func TestLoadOpenPasswordListsEveryProblem(t *testing.T) {
	text := "panel = \"9in9\"\nrotation = 45\n[font]\nname = \"/nonexistent.ttf\"\n" +
		"[session.vnc]\nhost = \"h\"\npassword = \"s3cret\"\n[refresh]\nmax_partials = 0\n"
	path := writeFile(t, t.TempDir(), FileName, []byte(text), 0o644)
	cfg, err := Load(path)
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v, want Errors", err)
	}
	wantKeys := []string{"session.vnc.password", "panel", "rotation", "font.name", "refresh.max_partials"}
	var keys []string
	for _, e := range errs {
		keys = append(keys, e.Key)
	}
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Errorf("problems %v, want %v (the mode problem first)", keys, wantKeys)
	}
	whole := errs.WholeFile()
	if whole == nil || whole != errs[0] {
		t.Fatalf("WholeFile = %v, want the mode problem", whole)
	}
	if !strings.Contains(whole.Err, "ignores the whole file") || !strings.Contains(whole.Fix, "chmod 600 "+path) {
		t.Errorf("mode problem %q does not say the file is ignored until chmod 600", whole)
	}
	if !reflect.DeepEqual(cfg, Default()) {
		t.Errorf("ignored file still used: %+v", cfg)
	}
}

func TestLoadOpenPasswordWithPasswordFile(t *testing.T) {
	// Validation drops the password when password_file is also set, but
	// the password is still written in a file others can read.
	dir := t.TempDir()
	passwd := writeFile(t, dir, "passwd", []byte("secret"), 0o600)
	text := "[session.vnc]\npassword_file = \"" + passwd + "\"\npassword = \"s3cret\"\n"
	path := writeFile(t, dir, FileName, []byte(text), 0o644)
	_, err := Load(path)
	var errs Errors
	if !errors.As(err, &errs) || errs.WholeFile() == nil {
		t.Fatalf("err = %v, want the whole file ignored", err)
	}
}

func TestSyntaxErrorIgnoresWholeFile(t *testing.T) {
	_, errs := Parse(FileName, []byte("panel = \"7in5\nrotation = 90\n"))
	if errs.WholeFile() == nil {
		t.Errorf("syntax error %v does not mark the whole file ignored", errs)
	}
}
