package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/einkterm/einkterm/deploy"
)

func TestMenuInput(t *testing.T) {
	tests := []struct {
		name    string
		current Session
		keys    string
		want    []Assignment
	}{{
		name: "ssh by number",
		keys: "1pi.lan\rann\r\r",
		want: []Assignment{
			{"session.start", "ssh"},
			{"session.ssh.host", "pi.lan"},
			{"session.ssh.user", "ann"},
			{"session.ssh.port", 22},
		},
	}, {
		name: "shell with arrow keys",
		keys: "\x1b[B\r",
		want: []Assignment{{"session.start", "shell"}},
	}, {
		name: "vnc with SS3 arrows and a corrected port",
		keys: "\x1bOA\rdesk\x1b[C\x1b[3~\t\x7f\x7f\x7f\x7f5901\r",
		want: []Assignment{
			{"session.start", "vnc"},
			{"session.vnc.host", "desk"},
			{"session.vnc.port", 5901},
		},
	}, {
		name:    "prefilled from the current session",
		current: Session{Start: "ssh", SSH: SSH{Host: "old", User: "bo", Port: 2222}},
		keys:    "\r\x7f\x7f\x7fnew\r\r\r",
		want: []Assignment{
			{"session.start", "ssh"},
			{"session.ssh.host", "new"},
			{"session.ssh.user", "bo"},
			{"session.ssh.port", 2222},
		},
	}, {
		name: "esc goes back to the list",
		keys: "1\x1b3",
		want: []Assignment{
			{"session.start", "vnc"},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMenu(tc.current)
			done := m.Input([]byte(tc.keys))
			if tc.name == "esc goes back to the list" {
				// 3 opens the VNC form, which needs a host.
				if done || !strings.Contains(strings.Join(m.Lines(), "\n"), "VNC viewer") {
					t.Fatalf("done=%v lines=%q", done, m.Lines())
				}
				return
			}
			if !done {
				t.Fatalf("menu not done; lines:\n%s", strings.Join(m.Lines(), "\n"))
			}
			if got := m.Assignments(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMenuCtrlCQuits(t *testing.T) {
	for _, keys := range []string{"\x03", "1pi\x03", "\x1b[B\x032"} {
		m := NewMenu(Session{})
		if done := m.Input([]byte(keys)); done {
			t.Errorf("%q: menu done, want quit without a choice", keys)
		}
		if !m.Quit() {
			t.Errorf("%q: Quit is false after Ctrl-C", keys)
		}
		if m.Assignments() != nil {
			t.Errorf("%q: assignments %v after Ctrl-C", keys, m.Assignments())
		}
	}
}

func TestMenuListIgnoresEscAndQ(t *testing.T) {
	m := NewMenu(Session{Start: "shell"})
	before := m.Lines()
	for _, keys := range []string{"\x1b", "q", "\x1b\x1b", "Q"} {
		if done := m.Input([]byte(keys)); done || m.Quit() {
			t.Fatalf("%q: done=%v quit=%v, want the list unchanged", keys, done, m.Quit())
		}
	}
	if after := m.Lines(); !reflect.DeepEqual(after, before) {
		t.Errorf("Esc and q changed the list:\n%q\nwant\n%q", after, before)
	}
	// The list still works afterwards.
	if !m.Input([]byte("\r")) {
		t.Errorf("Enter after Esc did not choose the shell")
	}
}

func TestMenuRejectsBadFields(t *testing.T) {
	m := NewMenu(Session{})
	m.Input([]byte("1\r\r\r")) // SSH with an empty host
	if m.Done() {
		t.Fatal("menu finished with an empty host")
	}
	if text := strings.Join(m.Lines(), "\n"); !strings.Contains(text, "Host is empty") ||
		!strings.Contains(text, "> Host: _") {
		t.Errorf("lines do not show the host problem and focus:\n%s", text)
	}
	m.Input([]byte("h\r\r\x7f\x7f99999\r"))
	if m.Done() {
		t.Fatal("menu finished with port 99999")
	}
	if text := strings.Join(m.Lines(), "\n"); !strings.Contains(text, "Port must be a number from 1 to 65535") {
		t.Errorf("lines do not show the port problem:\n%s", text)
	}
	if m.Assignments() != nil {
		t.Error("assignments before the menu is done")
	}
}

func TestMenuListLines(t *testing.T) {
	m := NewMenu(Session{Start: "shell"})
	want := []string{
		"einkterm: choose what to start",
		"",
		"  1  SSH to another computer",
		"> 2  Shell on this device",
		"  3  VNC viewer",
		"",
		"Up/Down and Enter, or press 1, 2 or 3. Ctrl-C quits.",
	}
	if got := m.Lines(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestSaveMenuKeepsComments(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, deploy.ExampleConfig, 0o644); err != nil {
		t.Fatal(err)
	}
	m := NewMenu(Session{})
	m.Input([]byte("1pi.lan\rann\r\x7f\x7f2200\x1b"))
	m.Input([]byte("\r\r\r\r")) // back in, keep the values, save
	if !m.Done() {
		t.Fatalf("menu not done:\n%s", strings.Join(m.Lines(), "\n"))
	}
	if err := SaveMenu(path, m); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Session.Start = "ssh"
	want.Session.SSH = SSH{Host: "pi.lan", User: "ann", Port: 2200}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("saved config %+v, want %+v", cfg, want)
	}
	saved, _ := os.ReadFile(path)
	exampleComments := strings.Count(string(deploy.ExampleConfig), "\n#")
	if got := strings.Count(string(saved), "\n#"); got != exampleComments {
		t.Errorf("saved file has %d comment lines, the example %d", got, exampleComments)
	}
	checkFile(t, path, string(saved), 0o644)
}

func TestSaveMenuNewFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	m := NewMenu(Session{})
	m.Input([]byte("2"))
	if err := SaveMenu(path, m); err != nil {
		t.Fatal(err)
	}
	checkFile(t, path, "\n[session]\nstart = \"shell\"\n", 0o644)
}

func TestSetValues(t *testing.T) {
	const base = "# top\npanel = \"7in5\"\n\n[session]\n# how\nstart = \"menu\" # comment\n\n[keys]\nmenu = \"ctrl+alt+m\"\n"
	tests := []struct {
		name string
		set  []Assignment
		want string
	}{
		{"replace", []Assignment{{"session.start", "shell"}},
			"# top\npanel = \"7in5\"\n\n[session]\n# how\nstart = \"shell\"\n\n[keys]\nmenu = \"ctrl+alt+m\"\n"},
		{"add to table", []Assignment{{"keys.full_refresh", "ctrl+f"}},
			"# top\npanel = \"7in5\"\n\n[session]\n# how\nstart = \"menu\" # comment\n\n[keys]\nmenu = \"ctrl+alt+m\"\nfull_refresh = \"ctrl+f\"\n"},
		{"add top level", []Assignment{{"rotation", 90}},
			"# top\npanel = \"7in5\"\nrotation = 90\n\n[session]\n# how\nstart = \"menu\" # comment\n\n[keys]\nmenu = \"ctrl+alt+m\"\n"},
		{"new table", []Assignment{{"session.shell.command", []string{"sh", "-c", "a\"b"}}},
			base[:len(base)-1] + "\n\n[session.shell]\ncommand = [\"sh\", \"-c\", \"a\\\"b\"]\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SetValues(base, tc.set...)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
			if _, errs := Parse("x", []byte(got)); len(errs) > 0 {
				t.Errorf("result does not parse: %v", errs)
			}
		})
	}
}

func TestSetValuesInlineTable(t *testing.T) {
	_, err := SetValues("font = { size = 12 }\n", Assignment{"font.size", 14})
	if err == nil || !strings.Contains(err.Error(), "inline table") {
		t.Errorf("err = %v, want an inline table error", err)
	}
}

func TestParseChord(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  bool
	}{
		{"ctrl+alt+r", "ctrl+alt+r", false},
		{"Alt+Ctrl+R", "ctrl+alt+r", false},
		{"super+f5", "super+f5", false},
		{"ctrl + shift + pgdn", "ctrl+shift+pgdn", false},
		{"shift+a", "", true},
		{"r", "", true},
		{"", "", true},
		{"hyper+x", "", true},
		{"ctrl+", "", true},
	}
	for _, tc := range tests {
		c, err := ParseChord(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("ParseChord(%q) err = %v, want error %v", tc.in, err, tc.err)
			continue
		}
		if !tc.err && c.String() != tc.want {
			t.Errorf("ParseChord(%q) = %q, want %q", tc.in, c, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(deploy.ExampleConfig)
	f.Add([]byte("rotation = \"90\"\n[font]\nsize = true\n"))
	f.Add([]byte("a = \"\"\"\n[x]\n\"\"\"\n[refresh]\nidle_clean = 3\n"))
	f.Add([]byte("font = { size = \"x\" }\n[[keys]]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, _ := Parse("fuzz.toml", data)
		if errs := validate("fuzz.toml", &cfg, nil); len(errs) > 0 {
			t.Errorf("Parse returned an invalid config: %v", errs)
		}
	})
}

func TestMenuANSI(t *testing.T) {
	got := string(NewMenu(Session{}).ANSI())
	if !strings.HasPrefix(got, "\x1b[H\x1b[2Jeinkterm: choose what to start\r\n\r\n> 1  SSH") {
		t.Errorf("ANSI() = %q", got)
	}
}

func TestSetValuesKeepsCRLF(t *testing.T) {
	got, err := SetValues("panel = \"7in5\"\r\n[session]\r\nstart = \"menu\"\r\n",
		Assignment{"session.start", "shell"}, Assignment{"session.ssh.host", "h"})
	if err != nil {
		t.Fatal(err)
	}
	want := "panel = \"7in5\"\r\n[session]\r\nstart = \"shell\"\r\n\r\n[session.ssh]\r\nhost = \"h\"\r\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestParseWindowsFile(t *testing.T) {
	cfg, errs := Parse("f", []byte("\ufeffpanel = \"7in5\"\r\n[font]\r\nsize = 99\r\n"))
	if cfg.Panel != "7in5" {
		t.Errorf("panel %q after a byte order mark, want 7in5", cfg.Panel)
	}
	if len(errs) != 1 || errs[0].Line != 3 || errs[0].Key != "font.size" {
		t.Errorf("problems %v, want font.size on line 3", errs)
	}
}
