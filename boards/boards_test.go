package boards

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
	"periph.io/x/conn/v3/spi"
	"periph.io/x/conn/v3/spi/spitest"
)

func TestLookup(t *testing.T) {
	cases := []struct {
		board, hat string
		over       map[string]string
		spi        string
		pins       map[string]string
	}{
		{"pi4", "waveshare-it8951", nil, "SPI0.0", map[string]string{"rst": "GPIO17", "hrdy": "GPIO24"}},
		{"pi5", "waveshare-2in13", nil, "SPI0.0",
			map[string]string{"rst": "GPIO17", "dc": "GPIO25", "busy": "GPIO24", "pwr": "GPIO18"}},
		{"pi-zero-w", "waveshare-7in5", map[string]string{"rst": "GPIO5", "pwr": "", "spi": "SPI1.0"}, "SPI1.0",
			map[string]string{"rst": "GPIO5", "dc": "GPIO25", "busy": "GPIO24"}},
		{"bbb", "waveshare-2in13", nil, "SPI0.0",
			map[string]string{"rst": "P9_12", "dc": "P9_15", "busy": "P9_23"}},
		{"bbg", "waveshare-it8951", map[string]string{"rst": "P9_25"}, "SPI0.0",
			map[string]string{"rst": "P9_25", "hrdy": "P9_23"}},
	}
	for _, c := range cases {
		p, err := Lookup(c.board, c.hat, c.over)
		if err != nil {
			t.Fatalf("%s/%s: %v", c.board, c.hat, err)
		}
		if p.SPI != c.spi {
			t.Errorf("%s/%s: SPI %s, expected %s", c.board, c.hat, p.SPI, c.spi)
		}
		if len(p.Pins) != len(c.pins) {
			t.Errorf("%s/%s: pins %v, expected %v", c.board, c.hat, p.Pins, c.pins)
		}
		for role, pin := range c.pins {
			if p.Pins[role] != pin {
				t.Errorf("%s/%s: %s pin %s, expected %s", c.board, c.hat, role, p.Pins[role], pin)
			}
		}
	}
}

func TestLookupErrors(t *testing.T) {
	cases := []struct {
		board, hat string
		over       map[string]string
		want       string
	}{
		{"pi9", "waveshare-2in13", nil, `unknown board "pi9": use one of bbb, bbg, pi-zero-2w`},
		{"pi4", "inky", nil, `unknown HAT "inky"`},
		{"pi4", "waveshare-2in13", map[string]string{"cs": "GPIO7"}, `unknown pin role "cs"`},
	}
	for _, c := range cases {
		_, err := Lookup(c.board, c.hat, c.over)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s/%s: error %v, expected %q", c.board, c.hat, err, c.want)
		}
	}
}

// fakeHost has a root with the given device files and gpiotest pins.
func fakeHost(t *testing.T, files ...string) (*Host, map[string]*gpiotest.Pin, *[]string) {
	root := t.TempDir()
	for _, f := range files {
		p := filepath.Join(root, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("Raspberry Pi 5 Model B Rev 1.0\x00"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pins := map[string]*gpiotest.Pin{}
	var opened []string
	h := &Host{
		Root: root,
		Init: func() error { return nil },
		OpenSPI: func(name string) (spi.PortCloser, error) {
			opened = append(opened, name)
			return &spitest.Record{}, nil
		},
		Pin: func(name string) gpio.PinIO {
			if !strings.HasPrefix(name, "GPIO") {
				return nil
			}
			p := &gpiotest.Pin{N: name}
			pins[name] = p
			return p
		},
	}
	return h, pins, &opened
}

func TestOpenMissingSPI(t *testing.T) {
	h, _, _ := fakeHost(t)
	p, _ := Lookup("pi4", "waveshare-it8951", nil)
	_, err := h.Open(p)
	if err == nil || !strings.Contains(err.Error(), "/dev/spidev0.0 not found") ||
		!strings.Contains(err.Error(), "dtparam=spi=on") {
		t.Errorf("error %v, expected the missing device and dtparam=spi=on", err)
	}
	b, _ := Lookup("bbb", "waveshare-it8951", nil)
	_, err = h.Open(b)
	if err == nil || !strings.Contains(err.Error(), "BB-SPIDEV0") {
		t.Errorf("error %v, expected the BeagleBone overlay", err)
	}
}

func TestOpenOtherSPI(t *testing.T) {
	h, _, _ := fakeHost(t, "/dev/spidev1.0")
	p, _ := Lookup("pi4", "waveshare-it8951", nil)
	_, err := h.Open(p)
	if err == nil || !strings.Contains(err.Error(), "there is /dev/spidev1.0") {
		t.Errorf("error %v, expected a hint at /dev/spidev1.0", err)
	}
}

func TestOpen(t *testing.T) {
	h, pins, opened := fakeHost(t, "/dev/spidev0.0")
	p, _ := Lookup("pi4", "waveshare-2in13", nil)
	w, err := h.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(*opened) != 1 || (*opened)[0] != "SPI0.0" {
		t.Errorf("opened %v, expected SPI0.0", *opened)
	}
	for _, role := range []string{"rst", "dc", "busy", "pwr"} {
		if w.Pin(role) == nil {
			t.Errorf("no %s pin", role)
		}
	}
	if pins["GPIO18"].Read() != gpio.High {
		t.Error("power pin GPIO18 not driven high")
	}
}

func TestOpenPi5UsesCharDev(t *testing.T) {
	h, _, _ := fakeHost(t, "/dev/spidev0.0")
	var asked []string
	h.CharDevPin = func(name string) gpio.PinIO {
		asked = append(asked, name)
		return &gpiotest.Pin{N: name}
	}
	h.Pin = func(name string) gpio.PinIO {
		t.Errorf("pin %s looked up in the register driver's names on a Pi 5", name)
		return nil
	}
	p, _ := Lookup("pi5", "waveshare-it8951", nil)
	if _, err := h.Open(p); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 2 {
		t.Errorf("character device lookups %v, expected rst and hrdy", asked)
	}
}

func TestOpenMissingPin(t *testing.T) {
	h, _, _ := fakeHost(t, "/dev/spidev0.0")
	p, _ := Lookup("pi4", "waveshare-2in13", map[string]string{"busy": "LINE9"})
	_, err := h.Open(p)
	if err == nil || !strings.Contains(err.Error(), `busy pin "LINE9" not found`) {
		t.Errorf("error %v, expected the missing busy pin", err)
	}
}

func TestOpenPermission(t *testing.T) {
	h, _, _ := fakeHost(t, "/dev/spidev0.0")
	h.OpenSPI = func(string) (spi.PortCloser, error) {
		return nil, errors.New("sysfs-spi: open /dev/spidev0.0: permission denied")
	}
	p, _ := Lookup("pi3", "waveshare-7in5", nil)
	_, err := h.Open(p)
	if err == nil || !strings.Contains(err.Error(), "spi and gpio groups") {
		t.Errorf("error %v, expected the group hint", err)
	}
}

func TestDetect(t *testing.T) {
	h, _, _ := fakeHost(t, "/proc/device-tree/model", "/dev/spidev0.0", "/dev/spidev0.1", "/dev/gpiochip0")
	d := h.Detect()
	if d.Board != "pi5" || d.Model != "Raspberry Pi 5 Model B Rev 1.0" {
		t.Errorf("detected %q from %q, expected pi5", d.Board, d.Model)
	}
	if len(d.SPI) != 2 || d.SPI[0] != "/dev/spidev0.0" || len(d.GPIOChip) != 1 {
		t.Errorf("devices %v %v, expected two spidev and one gpiochip", d.SPI, d.GPIOChip)
	}
}

func TestMatchModel(t *testing.T) {
	cases := map[string]string{
		"Raspberry Pi Zero W Rev 1.1":         "pi-zero-w",
		"Raspberry Pi Zero 2 W Rev 1.0":       "pi-zero-2w",
		"Raspberry Pi 3 Model B Plus Rev 1.3": "pi3",
		"Raspberry Pi 4 Model B Rev 1.4":      "pi4",
		"TI AM335x BeagleBone Green":          "bbg",
		"TI AM335x BeagleBone Black":          "bbb",
		"QEMU Virtual Machine":                "",
	}
	for model, want := range cases {
		if got := MatchModel(model); got != want {
			t.Errorf("%q: %q, expected %q", model, got, want)
		}
	}
}

func TestBoneHeaderNames(t *testing.T) {
	b := Boards["bbb"]
	if got := b.Names("P9_12"); len(got) != 2 || got[0] != "P9_12" || got[1] != "GPIO60" {
		t.Errorf("names of P9_12: %v, expected P9_12 then GPIO60", got)
	}
	if got := b.Names("GPIO5"); len(got) != 1 {
		t.Errorf("names of GPIO5: %v, expected only GPIO5", got)
	}
	// Through sysfs the header position is unknown and GPIO60 is found.
	h, pins, _ := fakeHost(t, "/dev/spidev0.0")
	p, _ := Lookup("bbb", "waveshare-2in13", nil)
	w, err := h.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if w.Pin("rst") == nil || pins["GPIO60"] == nil {
		t.Error("rst not opened as GPIO60")
	}
}
