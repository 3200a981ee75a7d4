package boards

import (
	"fmt"
	"sort"
	"strings"
)

// GPIO access methods.
const (
	GPIORegisters = "bcm283x registers or the GPIO character device"
	GPIOCharDev   = "GPIO character device (/dev/gpiochipN)"
	GPIOSysfs     = "GPIO character device or sysfs"
)

// Board is a single-board computer.
type Board struct {
	Name  string // short name, as in --display it8951:?board=pi4
	Model string // the start of /proc/device-tree/model
	GPIO  string // GPIO access method

	// SPIHint is the instruction to enable the SPI device on this board.
	SPIHint string

	// Pins maps a header position or other alias to the GPIO line name
	// that periph registers, such as P9_12 to GPIO60.
	Pins map[string]string

	// Wiring is the default pins of a panel that is not on a HAT, by
	// role. Nil means the board takes Raspberry Pi HATs as they are.
	Wiring map[string]string

	// SPI is the default SPI port when the HAT's does not apply.
	SPI string
}

const piHint = "enable SPI: add dtparam=spi=on to config.txt (/boot/firmware/config.txt on current Raspberry Pi OS, /boot/config.txt on older ones) or run raspi-config, then reboot"

const bbHint = "enable SPI0: add uboot_overlay_addr4=/lib/firmware/BB-SPIDEV0-00A0.dtbo to /boot/uEnv.txt (or run config-pin for P9_17, P9_18, P9_21, P9_22 with mode spi), then reboot"

// bonePins maps the P9 header positions used here to GPIO numbers
// (BeagleBone System Reference Manual, P9 table).
var bonePins = map[string]string{
	"P9_12": "GPIO60", "P9_15": "GPIO48", "P9_23": "GPIO49",
	"P9_25": "GPIO117", "P9_27": "GPIO115", "P9_17": "GPIO5",
}

// boneWiring is the default wiring of a panel on the P9 header, with SPI0
// on P9_17 (CS0), P9_18 (D1), P9_21 (D0) and P9_22 (SCLK) as the
// BB-SPIDEV0 overlay sets them up.
var boneWiring = map[string]string{
	"rst": "P9_12", "dc": "P9_15", "busy": "P9_23", "hrdy": "P9_23",
}

// Boards are the known boards, by name.
var Boards = map[string]Board{
	"pi-zero-w":  {Name: "pi-zero-w", Model: "Raspberry Pi Zero W", GPIO: GPIORegisters, SPIHint: piHint},
	"pi-zero-2w": {Name: "pi-zero-2w", Model: "Raspberry Pi Zero 2 W", GPIO: GPIORegisters, SPIHint: piHint},
	"pi3":        {Name: "pi3", Model: "Raspberry Pi 3", GPIO: GPIORegisters, SPIHint: piHint},
	"pi4":        {Name: "pi4", Model: "Raspberry Pi 4", GPIO: GPIORegisters, SPIHint: piHint},
	"pi5":        {Name: "pi5", Model: "Raspberry Pi 5", GPIO: GPIOCharDev, SPIHint: piHint},
	"bbb": {Name: "bbb", Model: "TI AM335x BeagleBone Black", GPIO: GPIOSysfs, SPIHint: bbHint,
		Pins: bonePins, Wiring: boneWiring, SPI: "SPI0.0"},
	"bbg": {Name: "bbg", Model: "TI AM335x BeagleBone Green", GPIO: GPIOSysfs, SPIHint: bbHint,
		Pins: bonePins, Wiring: boneWiring, SPI: "SPI0.0"},
}

// HAT is an e-paper HAT and the pins it uses on a Raspberry Pi header,
// by role: rst, dc, busy (SSD1680, UC8179), hrdy (IT8951) and pwr, the
// panel power switch of newer Waveshare HATs, driven high at open.
type HAT struct {
	Name   string
	Driver string // the --display kind: 2in13, 7in5 or it8951
	SPI    string // periph's SPI port name, such as SPI0.0
	Pins   map[string]string
}

// HATs are the known HATs, by name. The pins are BCM numbers from
// Waveshare's epdconfig.py and IT8951 DEV_Config.c.
var HATs = map[string]HAT{
	"waveshare-2in13": {Name: "waveshare-2in13", Driver: "2in13", SPI: "SPI0.0",
		Pins: map[string]string{"rst": "GPIO17", "dc": "GPIO25", "busy": "GPIO24", "pwr": "GPIO18"}},
	"waveshare-7in5": {Name: "waveshare-7in5", Driver: "7in5", SPI: "SPI0.0",
		Pins: map[string]string{"rst": "GPIO17", "dc": "GPIO25", "busy": "GPIO24", "pwr": "GPIO18"}},
	"waveshare-it8951": {Name: "waveshare-it8951", Driver: "it8951", SPI: "SPI0.0",
		Pins: map[string]string{"rst": "GPIO17", "hrdy": "GPIO24"}},
}

// Names returns the sorted keys of m.
func Names[V any](m map[string]V) []string {
	n := make([]string, 0, len(m))
	for k := range m {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// Profile is a HAT on a board with the pins resolved.
type Profile struct {
	Board Board
	HAT   HAT
	SPI   string            // periph's SPI port name
	Pins  map[string]string // role to GPIO line name
}

// Lookup returns the wiring of hat on board. overrides replaces pins by
// role ("rst", "dc", "busy", "hrdy", "pwr"; an empty value drops the pin)
// and the SPI port ("spi"). Pin names may be header positions in the
// board's Pins, such as P9_12.
func Lookup(board, hat string, overrides map[string]string) (Profile, error) {
	b, ok := Boards[strings.ToLower(board)]
	if !ok {
		return Profile{}, fmt.Errorf("boards: unknown board %q: use one of %s", board, strings.Join(Names(Boards), ", "))
	}
	h, ok := HATs[strings.ToLower(hat)]
	if !ok {
		return Profile{}, fmt.Errorf("boards: unknown HAT %q: use one of %s", hat, strings.Join(Names(HATs), ", "))
	}
	p := Profile{Board: b, HAT: h, SPI: h.SPI, Pins: map[string]string{}}
	for role, pin := range h.Pins {
		p.Pins[role] = pin
	}
	if b.Wiring != nil {
		p.SPI = b.SPI
		for role := range p.Pins {
			if pin, ok := b.Wiring[role]; ok {
				p.Pins[role] = pin
			} else {
				delete(p.Pins, role)
			}
		}
	}
	for role, pin := range overrides {
		if err := p.override(role, pin); err != nil {
			return Profile{}, err
		}
	}
	return p, nil
}

// Names returns the line names to try for pin name on board b: the name
// itself, then the GPIO name of a header position such as P9_12. Newer
// BeagleBone kernels name their character-device lines after the header
// position, older ones are reached through sysfs as GPIOn.
func (b Board) Names(pin string) []string {
	names := []string{pin}
	if alias, ok := b.Pins[strings.ToUpper(pin)]; ok {
		names = append(names, alias)
	}
	return names
}

var roles = map[string]bool{"rst": true, "dc": true, "busy": true, "hrdy": true, "pwr": true}

func (p *Profile) override(role, pin string) error {
	role = strings.ToLower(role)
	switch {
	case role == "spi":
		p.SPI = pin
	case !roles[role]:
		return fmt.Errorf("boards: unknown pin role %q: use rst, dc, busy, hrdy, pwr or spi", role)
	case pin == "":
		delete(p.Pins, role)
	default:
		p.Pins[role] = pin
	}
	return nil
}
