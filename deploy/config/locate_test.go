package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocate(t *testing.T) {
	dir := t.TempDir()
	touch := func(p string) string {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	flagFile := touch(filepath.Join(dir, "flag.toml"))
	envFile := touch(filepath.Join(dir, "env.toml"))
	firmware := filepath.Join(dir, "boot/firmware", FileName)
	boot := touch(filepath.Join(dir, "boot", FileName))
	userDir := filepath.Join(dir, "home/.config")

	tests := []struct {
		name  string
		flag  string
		env   string
		boot  []string
		want  Place
		isErr bool
	}{
		{"flag wins", flagFile, envFile, []string{boot}, Place{flagFile, true, "flag"}, false},
		{"env next", "", envFile, []string{boot}, Place{envFile, true, "env"}, false},
		{"first boot path found", "", "", []string{firmware, boot}, Place{boot, true, "boot"}, false},
		{"user folder last", "", "", []string{firmware}, Place{filepath.Join(userDir, "einkterm", FileName), false, "user"}, false},
		{"missing flag file", filepath.Join(dir, "nope.toml"), envFile, nil, Place{}, true},
		{"missing env file", "", filepath.Join(dir, "nope.toml"), nil, Place{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := Locator{
				Getenv: func(k string) string {
					if k == EnvVar {
						return tc.env
					}
					return ""
				},
				UserConfigDir: func() (string, error) { return userDir, nil },
				BootPaths:     tc.boot,
			}
			if tc.boot == nil {
				l.BootPaths = []string{}
			}
			got, err := l.Locate(tc.flag)
			if tc.isErr {
				if err == nil || !strings.Contains(err.Error(), "nope.toml") {
					t.Errorf("err = %v, want one naming the missing file", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestLocateNoUserFolder(t *testing.T) {
	l := Locator{
		Getenv:        func(string) string { return "" },
		UserConfigDir: func() (string, error) { return "", errors.New("no $HOME") },
		BootPaths:     []string{},
	}
	if _, err := l.Locate(""); err == nil || !strings.Contains(err.Error(), EnvVar) {
		t.Errorf("err = %v, want a hint naming %s", err, EnvVar)
	}
}

func TestLoadFound(t *testing.T) {
	dir := t.TempDir()
	l := Locator{
		Getenv:        func(string) string { return "" },
		UserConfigDir: func() (string, error) { return dir, nil },
		BootPaths:     []string{},
	}
	cfg, place, err := LoadFound(l, "")
	if err != nil || place.Found || cfg.Panel != Default().Panel {
		t.Fatalf("no file: cfg %+v place %+v err %v; want defaults", cfg, place, err)
	}
	if err := os.MkdirAll(filepath.Dir(place.Path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(place.Path, []byte("panel = \"2in13\"\nrotation = 7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, place, err = LoadFound(l, "")
	var errs Errors
	if !place.Found || cfg.Panel != "2in13" || !errors.As(err, &errs) || errs[0].Key != "rotation" {
		t.Errorf("file: cfg %+v place %+v err %v; want the panel used and the rotation reported", cfg, place, err)
	}
}
