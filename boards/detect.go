package boards

import (
	"os"
	"path/filepath"
	"strings"
)

// Detection is the result of Detect: the board model and its devices.
type Detection struct {
	Model    string   // /proc/device-tree/model, empty when absent
	Board    string   // the known board that matches Model, or empty
	SPI      []string // /dev/spidev* files
	GPIOChip []string // /dev/gpiochip* files
}

// Detect reads the board model and lists SPI and GPIO devices. It opens
// no device, so it is safe to run with a panel attached.
func (h *Host) Detect() Detection {
	var d Detection
	if b, err := os.ReadFile(filepath.Join(h.Root, "/proc/device-tree/model")); err == nil {
		d.Model = strings.TrimRight(string(b), "\x00\n")
	}
	d.Board = MatchModel(d.Model)
	d.SPI = h.glob("/dev/spidev*")
	d.GPIOChip = h.glob("/dev/gpiochip*")
	return d
}

func (h *Host) glob(pattern string) []string {
	m, _ := filepath.Glob(filepath.Join(h.Root, pattern))
	for i := range m {
		m[i] = strings.TrimPrefix(m[i], h.Root)
	}
	return m
}

// MatchModel returns the name of the board whose model string starts
// model, preferring the longest match (Zero 2 W over Zero).
func MatchModel(model string) string {
	best := ""
	for name, b := range Boards {
		if strings.HasPrefix(model, b.Model) && len(b.Model) > len(Boards[best].Model) {
			best = name
		}
	}
	return best
}
