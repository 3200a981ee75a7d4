package config

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// problem is one expected Error: its line, key, and text that the
// message and the fix must contain.
type problem struct {
	line    int
	key     string
	err     string
	fixHave []string
}

func TestParseBrokenFiles(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []problem
		// keep checks that a valid setting beside the broken one is used.
		keep func(Config) bool
	}{{
		name: "unterminated string",
		text: "rotation = 90\npanel = \"7in5\n",
		want: []problem{{line: 2, err: "invalid TOML", fixHave: []string{""}}},
	}, {
		name: "missing equals",
		text: "[font]\nsize 12\n",
		want: []problem{{line: 2, err: "invalid TOML", fixHave: []string{""}}},
	}, {
		name: "unknown top-level key",
		text: "rotation = 90\npannel = \"7in5\"\n",
		want: []problem{{line: 2, key: "pannel", err: "unknown key",
			fixHave: []string{"did you mean panel", "panel, board, rotation, [font]"}}},
		keep: func(c Config) bool { return c.Rotation == 90 },
	}, {
		name: "unknown key in table",
		text: "[refresh]\nmax_partial = 3\nidle_clean = \"1s\"\n",
		want: []problem{{line: 2, key: "refresh.max_partial", err: "unknown key",
			fixHave: []string{"did you mean max_partials", "accepted keys in [refresh]: idle_clean, max_partials, sleep_after"}}},
		keep: func(c Config) bool { return c.Refresh.IdleClean.Seconds() == 1 },
	}, {
		name: "unknown table reported once",
		text: "panel = \"2in13\"\n\n[screen]\nwidth = 3\nheight = 4\n",
		want: []problem{{line: 3, key: "screen", err: "unknown key",
			fixHave: []string{"[session]", "[keys]"}}},
		keep: func(c Config) bool { return c.Panel == "2in13" },
	}, {
		name: "string for integer",
		text: "panel = \"7in5\"\nrotation = \"90\"\n",
		want: []problem{{line: 2, key: "rotation", err: "wrong type",
			fixHave: []string{"rotation = 0"}}},
		keep: func(c Config) bool { return c.Panel == "7in5" },
	}, {
		name: "two wrong types",
		text: "rotation = true\n[font]\nsize = \"big\"\nname = \"a.ttf\"\n",
		want: []problem{
			{line: 1, key: "rotation", err: "wrong type", fixHave: []string{"rotation = 0"}},
			{line: 3, key: "font.size", err: "wrong type", fixHave: []string{"size = 0"}},
		},
		keep: func(c Config) bool { return c.Font.Name == "a.ttf" },
	}, {
		name: "duration without unit",
		text: "[refresh]\nmax_partials = 9\nidle_clean = \"2\"\n",
		want: []problem{{line: 3, key: "refresh.idle_clean", err: "invalid duration",
			fixHave: []string{`idle_clean = "3s"`}}},
		keep: func(c Config) bool { return c.Refresh.MaxPartials == 9 },
	}, {
		name: "duration as number",
		text: "[refresh]\nsleep_after = 300\n",
		want: []problem{{line: 2, key: "refresh.sleep_after", err: "invalid duration",
			fixHave: []string{`sleep_after = "2m0s"`}}},
	}, {
		name: "unknown panel",
		text: "board = \"bbb\"\npanel = \"9in9\"\n",
		want: []problem{{line: 2, key: "panel", err: `unknown panel "9in9"`,
			fixHave: []string{"2in13", "7in5", "it8951-10in3", "WxH"}}},
		keep: func(c Config) bool { return c.Board == "bbb" },
	}, {
		name: "panel size out of range",
		text: "panel = \"8x9000\"\n",
		want: []problem{{line: 1, key: "panel", err: "unknown panel", fixHave: []string{"16x16 to 8192x8192"}}},
	}, {
		name: "display kind with bad characters",
		text: "display = \"It 8951\"\n",
		want: []problem{{line: 1, key: "display", err: `unknown display "It 8951"`, fixHave: []string{"it8951:pi4"}}},
	}, {
		name: "table for a value",
		text: "[display]\nwidth = 3\n[font]\nsize = 20\n",
		want: []problem{{line: 1, key: "display", err: "wrong type: a table where a string is expected",
			fixHave: []string{`display = "it8951:pi4"`}}},
		keep: func(c Config) bool { return c.Font.Size == 20 },
	}, {
		name: "unknown board",
		text: "board = \"pi\"\n",
		want: []problem{{line: 1, key: "board", err: "unknown board", fixHave: []string{"auto, none, bbb, bbg, pi-zero-2w, pi-zero-w, pi3, pi4, pi5"}}},
	}, {
		name: "rotation not a right angle",
		text: "\n\nrotation = 45\n",
		want: []problem{{line: 3, key: "rotation", err: "invalid rotation 45", fixHave: []string{"0, 90, 180 or 270"}}},
	}, {
		name: "font size too small",
		text: "[font]\nsize = 2\n",
		want: []problem{{line: 2, key: "font.size", err: "out of range", fixHave: []string{"6 to 48"}}},
	}, {
		name: "ssh start without host",
		text: "[session]\nstart = \"ssh\"\n",
		want: []problem{{line: 2, key: "session.start", err: "session.ssh.host is empty", fixHave: []string{`start = "menu"`}}},
	}, {
		name: "unknown session",
		text: "[session]\nstart = \"telnet\"\n",
		want: []problem{{line: 2, key: "session.start", err: `unknown session "telnet"`, fixHave: []string{"menu, ssh, shell, vnc"}}},
	}, {
		name: "port out of range",
		text: "[session.vnc]\nhost = \"h\"\nport = 70000\n",
		want: []problem{{line: 3, key: "session.vnc.port", err: "port 70000", fixHave: []string{"1 to 65535"}}},
	}, {
		name: "chord without modifier",
		text: "[keys]\nmenu = \"m\"\n",
		want: []problem{{line: 2, key: "keys.menu", err: "no ctrl, alt or super", fixHave: []string{"ctrl+alt+r"}}},
	}, {
		name: "chord unknown key",
		text: "[keys]\nfull_refresh = \"ctrl+pause\"\n",
		want: []problem{{line: 2, key: "keys.full_refresh", err: `unknown key "pause"`, fixHave: []string{"modifiers are ctrl"}}},
	}, {
		name: "same chord twice",
		text: "[keys]\nfull_refresh = \"ctrl+alt+m\"\nmenu = \"Ctrl+Alt+M\"\n",
		want: []problem{{line: 3, key: "keys.menu", err: "also keys.full_refresh", fixHave: []string{"different"}}},
	}, {
		name: "lowercase country",
		text: "[wifi]\ncountry = \"gb\"\n",
		want: []problem{{line: 2, key: "wifi.country", err: `invalid country code "gb"`, fixHave: []string{"ISO 3166"}}},
	}, {
		name: "max partials zero",
		text: "[refresh]\nmax_partials = 0\n",
		want: []problem{{line: 2, key: "refresh.max_partials", err: "out of range", fixHave: []string{"1 to 10000"}}},
	}, {
		name: "sleep delay under a second",
		text: "[refresh]\nsleep_after = \"500ms\"\n",
		want: []problem{{line: 2, key: "refresh.sleep_after", err: "sleep delay 500ms out of range", fixHave: []string{`"1s" to "24h"`}}},
		keep: func(c Config) bool { return c.Refresh.SleepAfter.Duration == 2*time.Minute },
	}, {
		name: "merge cap below one",
		text: "[refresh]\nmax_partials = 9\nmerge_cap = 0.5\n",
		want: []problem{{line: 3, key: "refresh.merge_cap", err: "merge cap 0.5 out of range", fixHave: []string{"1 to 10"}}},
		keep: func(c Config) bool { return c.Refresh.MaxPartials == 9 && c.Refresh.MergeCap == 0 },
	}, {
		name: "inline table key",
		text: "font = { size = \"x\" }\n",
		want: []problem{{line: 1, key: "font.size", err: "wrong type", fixHave: []string{"size = 0"}}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, errs := Parse("/boot/einkterm.toml", []byte(tc.text))
			if len(errs) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(errs), len(tc.want), errs)
			}
			for i, w := range tc.want {
				checkProblem(t, errs[i], w)
			}
			if tc.keep != nil && !tc.keep(cfg) {
				t.Errorf("a valid setting beside the broken one was dropped: %+v", cfg)
			}
			if again := validate("x", &cfg, nil); len(again) > 0 {
				t.Errorf("returned config is itself invalid: %v", again)
			}
		})
	}
}

func checkProblem(t *testing.T, e *Error, w problem) {
	t.Helper()
	if e.File != "/boot/einkterm.toml" {
		t.Errorf("File = %q, want the file's path", e.File)
	}
	if e.Line != w.line {
		t.Errorf("%v: Line = %d, want %d", e, e.Line, w.line)
	}
	if e.Key != w.key {
		t.Errorf("%v: Key = %q, want %q", e, e.Key, w.key)
	}
	if !strings.Contains(e.Err, w.err) {
		t.Errorf("%v: Err lacks %q", e, w.err)
	}
	if e.Fix == "" {
		t.Errorf("%v: no fix", e)
	}
	for _, s := range w.fixHave {
		if !strings.Contains(e.Fix, s) {
			t.Errorf("%v: Fix lacks %q", e, s)
		}
	}
	msg := e.Error()
	if w.line > 0 && !strings.Contains(msg, "/boot/einkterm.toml:"+strconv.Itoa(w.line)+": ") {
		t.Errorf("message %q lacks file:line", msg)
	}
}

func TestParseSyntaxErrorGivesDefaults(t *testing.T) {
	cfg, errs := Parse("f.toml", []byte("rotation = 90\n[font\n"))
	if len(errs) != 1 {
		t.Fatalf("got %v", errs)
	}
	if !reflect.DeepEqual(cfg, Default()) {
		t.Errorf("config after a syntax error = %+v, want the defaults", cfg)
	}
}

func TestParseDisplayKinds(t *testing.T) {
	DisplayKinds = func() []string { return []string{"fb", "it8951", "record"} }
	t.Cleanup(func() { DisplayKinds = nil })
	for _, tc := range []struct {
		value string
		ok    bool
	}{
		{"it8951", true},
		{"it8951:pi4?vcom=1500", true},
		{"record:/tmp/rec", true},
		{"fb?x=1", true},
		{"2in13v9", false},
		{":pi4", false},
	} {
		cfg, errs := Parse("f.toml", []byte("display = \""+tc.value+"\"\n"))
		if tc.ok {
			if len(errs) > 0 || cfg.Display != tc.value {
				t.Errorf("%q: cfg.Display %q, problems %v; want it accepted", tc.value, cfg.Display, errs)
			}
			continue
		}
		if len(errs) != 1 || !strings.Contains(errs[0].Fix, "kinds are fb, it8951, record") || cfg.Display != "" {
			t.Errorf("%q: cfg.Display %q, problems %v; want it rejected with the kinds", tc.value, cfg.Display, errs)
		}
	}
}

// TestParseFullRefreshOnFontChord sets keys.full_refresh to the chord
// that makes the font larger: the problem is reported and the default
// chord used, so the session still starts with both commands.
func TestParseFullRefreshOnFontChord(t *testing.T) {
	cfg, errs := Parse("f.toml", []byte("[keys]\nfull_refresh = \"alt+ctrl+UP\"\n"))
	if len(errs) != 1 || errs[0].Key != "keys.full_refresh" || !strings.Contains(errs[0].Err, "changes the font size") {
		t.Errorf("problems %v, want one naming the font chord", errs)
	}
	if cfg.Keys.FullRefresh != Default().Keys.FullRefresh {
		t.Errorf("full_refresh %q, want the default", cfg.Keys.FullRefresh)
	}
}
