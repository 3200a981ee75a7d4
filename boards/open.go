package boards

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/conn/v3/spi"
	"periph.io/x/conn/v3/spi/spireg"
	"periph.io/x/host/v3"
	"periph.io/x/host/v3/gpioioctl"
)

// Host is the system that Open and Detect look at. System returns the
// real one; tests fill in fakes.
type Host struct {
	Root    string // prefix of /proc and /dev; empty for the real root
	Init    func() error
	OpenSPI func(name string) (spi.PortCloser, error)
	Pin     func(name string) gpio.PinIO // by line name; nil when unknown

	// CharDevPin finds a line by name on the GPIO character devices.
	CharDevPin func(name string) gpio.PinIO
}

// System returns the host einkterm runs on, through periph.io.
func System() *Host {
	return &Host{
		Init: func() error {
			_, err := host.Init()
			return err
		},
		OpenSPI:    spireg.Open,
		Pin:        gpioreg.ByName,
		CharDevPin: charDevPin,
	}
}

// charDevPin returns the line called name on the first GPIO chip that
// has one, such as GPIO17 on the Raspberry Pi 5's pinctrl-rp1.
func charDevPin(name string) gpio.PinIO {
	for _, chip := range gpioioctl.Chips {
		if l := chip.ByName(name); l != nil {
			return l
		}
	}
	return nil
}

// Wiring is an open SPI port and the pins of a panel, by role.
type Wiring struct {
	Port spi.PortCloser
	Pins map[string]gpio.PinIO
}

// Pin returns the pin with role, or nil.
func (w *Wiring) Pin(role string) gpio.PinIO { return w.Pins[role] }

// Close closes the SPI port.
func (w *Wiring) Close() error { return w.Port.Close() }

var spiName = regexp.MustCompile(`^(?:SPI|/dev/spidev)(\d+)\.(\d+)$`)

// spidevPath returns the device file of periph's SPI port name.
func spidevPath(port string) (string, error) {
	m := spiName.FindStringSubmatch(port)
	if m == nil {
		return "", fmt.Errorf("boards: invalid SPI port %q: use SPIb.c, such as SPI0.0, or /dev/spidevb.c", port)
	}
	return fmt.Sprintf("/dev/spidev%s.%s", m[1], m[2]), nil
}

// Open initialises periph's host drivers and opens p's SPI port and pins.
// The power pin, when there is one, is driven high.
func (h *Host) Open(p Profile) (*Wiring, error) {
	dev, err := spidevPath(p.SPI)
	if err != nil {
		return nil, err
	}
	if err := h.checkDevice(p, dev); err != nil {
		return nil, err
	}
	if err := h.Init(); err != nil {
		return nil, fmt.Errorf("boards: periph host drivers: %w", err)
	}
	pins := map[string]gpio.PinIO{}
	for role, name := range p.Pins {
		var pin gpio.PinIO
		for _, n := range p.Board.Names(name) {
			if pin = h.lookup(p.Board, n); pin != nil {
				break
			}
		}
		if pin == nil {
			return nil, fmt.Errorf("boards: %s pin %q not found on %s through the %s: name a line that gpioinfo lists, as in %s=GPIO17",
				role, name, p.Board.Name, p.Board.GPIO, role)
		}
		pins[role] = pin
	}
	if pwr := pins["pwr"]; pwr != nil {
		if err := pwr.Out(gpio.High); err != nil {
			return nil, fmt.Errorf("boards: power pin %s: %w", pwr, err)
		}
	}
	port, err := h.OpenSPI(p.SPI)
	if err != nil {
		return nil, spiError(p, dev, err)
	}
	return &Wiring{Port: port, Pins: pins}, nil
}

// lookup finds a pin: through the character device on boards that need
// it, else by periph's registry name.
func (h *Host) lookup(b Board, name string) gpio.PinIO {
	if b.GPIO == GPIOCharDev && h.CharDevPin != nil {
		return h.CharDevPin(name)
	}
	if pin := h.Pin(name); pin != nil {
		return pin
	}
	if h.CharDevPin != nil {
		return h.CharDevPin(name)
	}
	return nil
}

// checkDevice reports a missing spidev file with the way to enable SPI.
func (h *Host) checkDevice(p Profile, dev string) error {
	_, err := os.Stat(filepath.Join(h.Root, dev))
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		others, _ := filepath.Glob(filepath.Join(h.Root, "/dev/spidev*"))
		if len(others) > 0 {
			for i := range others {
				others[i] = strings.TrimPrefix(others[i], h.Root)
			}
			return fmt.Errorf("boards: %s not found (there is %s): pick one with spi=, or %s",
				dev, strings.Join(others, ", "), p.Board.SPIHint)
		}
		return fmt.Errorf("boards: %s not found on %s: %s", dev, p.Board.Name, p.Board.SPIHint)
	}
	return spiError(p, dev, err)
}

func spiError(p Profile, dev string, err error) error {
	if errors.Is(err, fs.ErrPermission) || strings.Contains(err.Error(), "permission denied") {
		return fmt.Errorf("boards: %s: %w: run as root or add the user to the spi and gpio groups", dev, err)
	}
	return fmt.Errorf("boards: open %s: %w (%s)", dev, err, p.Board.SPIHint)
}
