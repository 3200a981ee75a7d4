package main

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/einkterm/einkterm/boards"
	"github.com/einkterm/einkterm/display"
)

func runCmd(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut,
		getenv: func(string) string { return "" }}
	code := runMain(context.Background(), e, args)
	return out.String(), errOut.String(), code
}

// withRoot makes the SPI kinds see a fake root with the given files.
func withRoot(t *testing.T, files map[string]string) {
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	old := spiHost
	spiHost = func() *boards.Host {
		h := boards.System()
		h.Root = root
		return h
	}
	t.Cleanup(func() { spiHost = old })
}

func TestPanelsLists(t *testing.T) {
	withRoot(t, map[string]string{"/proc/device-tree/model": "Raspberry Pi 4 Model B Rev 1.4\x00"})
	out, _, code := runCmd(t, "panels")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"it8951", "2in13v4", "7in5", "SSD1680", "UC8179",
		"pi5", "bbb", "waveshare-it8951", "board: pi4", "SPI devices: none", "dtparam=spi=on"} {
		if !strings.Contains(out, want) {
			t.Errorf("panels output lacks %q", want)
		}
	}
}

func TestPanelsReadiness(t *testing.T) {
	withRoot(t, map[string]string{
		"/proc/device-tree/model": "Raspberry Pi Zero 2 W Rev 1.0\x00",
		"/dev/spidev0.0":          "",
	})
	out, _, code := runCmd(t, "panels")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	want := "it8951: can open --display it8951:pi-zero-2w on /dev/spidev0.0, pins hrdy=GPIO24 rst=GPIO17"
	if !strings.Contains(out, want) {
		t.Errorf("panels output lacks %q:\n%s", want, out)
	}
}

func TestPanelTestEmulated(t *testing.T) {
	cases := []struct {
		args  []string
		modes []string
	}{
		{[]string{"--panel", "2in13v4"}, []string{"partial", "full"}},
		{[]string{"--panel", "2in13v2", "--rotate", "90"}, []string{"partial", "full"}},
		{[]string{"--panel", "7in5"}, []string{"partial", "full"}},
		{[]string{"--panel", "it8951", "--size", "800x600", "--lut", "M641", "--opts", "vcom=1500"},
			[]string{"A2", "DU", "GL16", "GC16", "INIT"}},
	}
	for _, c := range cases {
		out, errOut, code := runCmd(t, append([]string{"panel-test", "--emulate"}, c.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, errOut)
		}
		if !strings.Contains(out, "times are emulated") || strings.Contains(out, "failed") {
			t.Errorf("%v: output\n%s", c.args, out)
		}
		for _, m := range c.modes {
			if !strings.Contains(out, "whole panel               "+m) && !strings.Contains(out, " "+m+" ") {
				t.Errorf("%v: no %s row in\n%s", c.args, m, out)
			}
		}
	}
}

func TestPanelTestUnknown(t *testing.T) {
	_, errOut, code := runCmd(t, "panel-test", "--panel", "9in7")
	if code != 1 || !strings.Contains(errOut, "use one of it8951") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestSPIDisplayWithoutSPI(t *testing.T) {
	withRoot(t, map[string]string{"/proc/device-tree/model": "Raspberry Pi 5 Model B Rev 1.0\x00"})
	k, _ := lookupSPIKind("it8951")
	_, err := openSPIDisplay(k, "", url.Values{}, displayOptions{Panel: display.Profiles["it8951-10in3"]})
	if err == nil || !strings.Contains(err.Error(), "/dev/spidev0.0 not found on pi5") ||
		!strings.Contains(err.Error(), "dtparam=spi=on") {
		t.Errorf("error %v, expected the missing spidev on pi5 and how to enable SPI", err)
	}
}

func TestSPIDisplayNoBoard(t *testing.T) {
	withRoot(t, nil)
	k, _ := lookupSPIKind("7in5")
	_, err := openSPIDisplay(k, "", url.Values{}, displayOptions{})
	if err == nil || !strings.Contains(err.Error(), "as in --display 7in5:pi4") {
		t.Errorf("error %v, expected a request to name the board", err)
	}
}

func TestSPIQuery(t *testing.T) {
	q, _ := url.ParseQuery("rst=GPIO5&hz=8MHz&vcom=1500&depth=8&bw=full&spi=SPI1.0&mirror=1")
	s, over, err := parseSPIQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	if s.Hz.String() != "8MHz" || s.VCOM != 1500 || s.Depth != 8 || !s.FullDepthBW || !s.Mirror {
		t.Errorf("settings %+v", s)
	}
	if over["rst"] != "GPIO5" || over["spi"] != "SPI1.0" {
		t.Errorf("overrides %v", over)
	}
	for _, bad := range []string{"cs=GPIO8", "hz=fast", "vcom=-2", "vcom=99999", "mirror=yes"} {
		q, _ := url.ParseQuery(bad)
		if _, _, err := parseSPIQuery(q); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// TestPanelTestMisplacedFlags gives --size and --lut where they do not
// apply: the run fails and names them instead of ignoring them.
func TestPanelTestMisplacedFlags(t *testing.T) {
	for _, args := range [][]string{
		{"panel-test", "--panel", "7in5", "--emulate", "--size", "100x100"},
		{"panel-test", "--panel", "2in13v3", "--emulate", "--lut", "M641"},
		{"panel-test", "--panel", "it8951", "--size", "800x600"},
	} {
		_, errOut, code := runCmd(t, args...)
		if code != 1 || !strings.Contains(errOut, "applies only to --panel it8951 with --emulate") {
			t.Errorf("%v: status %d, stderr %q; want the misplaced flag named", args, code, errOut)
		}
	}
}
