package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy"
)

func TestExampleEqualsDefaults(t *testing.T) {
	cfg, errs := Parse("einkterm.toml", deploy.ExampleConfig)
	for _, e := range errs {
		t.Errorf("example: %v", e)
	}
	if !reflect.DeepEqual(cfg, Default()) {
		t.Errorf("example differs from Default:\n got %+v\nwant %+v", cfg, Default())
	}
}

func TestExampleCommentsEverySetting(t *testing.T) {
	text := string(deploy.ExampleConfig)
	lines := strings.Split(text, "\n")
	entries := scanEntries(text)
	for _, key := range leafKeys(reflect.ValueOf(Default()), "") {
		line := 0
		for _, e := range entries {
			if e.key == key && !e.table {
				line = e.line
			}
		}
		if line == 0 {
			t.Errorf("example does not set %s", key)
			continue
		}
		if line < 2 || !strings.HasPrefix(strings.TrimSpace(lines[line-2]), "#") {
			t.Errorf("example line %d sets %s without a comment above it", line, key)
		}
	}
}

// leafKeys returns every dotted key of a Config value that holds a value
// rather than a table.
func leafKeys(v reflect.Value, prefix string) []string {
	var keys []string
	for i := range v.NumField() {
		key := joinKey(prefix, tomlName(v.Type().Field(i)))
		if isTable(v.Field(i)) {
			keys = append(keys, leafKeys(v.Field(i), key)...)
			continue
		}
		keys = append(keys, key)
	}
	return keys
}

func TestParseGoodFile(t *testing.T) {
	const text = `
panel = "7in5"
board = "pi-zero-2w"
rotation = 90
font = { name = "/usr/share/fonts/x.ttf", size = 20 }

[session]
start = "ssh"
ssh.host = "pi.example"

[session.ssh]
user = "ann"
port = 2222

[session.shell]
command = ["/bin/bash", "-l"]

[wifi]
ssid = "home"
country = "GB"

[refresh]
idle_clean = "750ms"
max_partials = 8
sleep_after = "0s"
merge_cap = 1.2

[keys]
full_refresh = "Ctrl+Shift+F5"
`
	cfg, errs := Parse("good.toml", []byte(text))
	for _, e := range errs {
		t.Errorf("unexpected problem: %v", e)
	}
	want := Default()
	want.Panel, want.Board, want.Rotation = "7in5", "pi-zero-2w", 90
	want.Font = Font{Name: "/usr/share/fonts/x.ttf", Size: 20}
	want.Session.Start = "ssh"
	want.Session.SSH = SSH{Host: "pi.example", User: "ann", Port: 2222}
	want.Session.Shell.Command = []string{"/bin/bash", "-l"}
	want.WiFi = WiFi{SSID: "home", Country: "GB"}
	want.Refresh = Refresh{
		IdleClean:   Duration{750 * time.Millisecond},
		MaxPartials: 8,
		SleepAfter:  Duration{0},
		MergeCap:    1.2,
	}
	want.Keys.FullRefresh = "Ctrl+Shift+F5"
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got  %+v\nwant %+v", cfg, want)
	}
}

// BenchmarkParseExample measures reading the shipped config, which runs
// once per start of einkterm.
func BenchmarkParseExample(b *testing.B) {
	b.SetBytes(int64(len(deploy.ExampleConfig)))
	for b.Loop() {
		if _, errs := Parse("einkterm.toml", deploy.ExampleConfig); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

func TestExampleForEveryKey(t *testing.T) {
	for _, key := range leafKeys(reflect.ValueOf(Default()), "") {
		ex, ok := example(key)
		if !ok {
			t.Errorf("no example for %s", key)
			continue
		}
		// The example must itself be a valid value of that key.
		table, name := parentKey(key), lastPart(key)
		text := ex + "\n"
		if table != "" {
			text = "[" + table + "]\n" + text
		}
		if _, errs := Parse("x", []byte(text)); len(errs) > 0 {
			t.Errorf("example %q for %s: %v", ex, name, errs)
		}
	}
}
