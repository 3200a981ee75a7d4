package config

import (
	"time"

	"github.com/einkterm/einkterm/display"
)

// Config is the whole of einkterm.toml. The zero value of a field never
// means "unset": Default fills every field, and Load starts from it.
type Config struct {
	// Display is the output of sessions, written as einkterm's
	// --display flag: an SPI HAT driver such as "it8951" or "2in13v4"
	// (optionally with ":BOARD" and "?options"), "fb:/dev/fb0", "sim",
	// or "record:DIR". "" is the command's default.
	Display string `toml:"display"`
	// Panel is a profile name from display.ProfileNames, or WxH.
	Panel string `toml:"panel"`
	// Board is the single-board computer the panel is wired to: "auto"
	// (detect), a name from BoardNames such as "pi4" or "bbb", or "none"
	// for desktops and e-readers.
	Board string `toml:"board"`
	// Rotation is in degrees clockwise: 0, 90, 180 or 270.
	Rotation int `toml:"rotation"`

	Font    Font    `toml:"font"`
	Session Session `toml:"session"`
	WiFi    WiFi    `toml:"wifi"`
	Refresh Refresh `toml:"refresh"`
	Keys    Keys    `toml:"keys"`
}

// Font is the terminal font.
type Font struct {
	// Name is a font file path, or "" for the built-in font.
	Name string `toml:"name"`
	// Size is the font size (cell height) in pixels, term.MinFontSize
	// to term.MaxFontSize; 0 picks it from the panel's DPI.
	Size int `toml:"size"`
}

// Session is the session that einkterm opens at start.
type Session struct {
	// Start is "menu", "ssh", "shell" or "vnc". The menu lets the user
	// pick one of the others on the panel and saves the choice here.
	Start string `toml:"start"`
	SSH   SSH    `toml:"ssh"`
	Shell Shell  `toml:"shell"`
	VNC   VNC    `toml:"vnc"`
}

// SSH is the default SSH session.
type SSH struct {
	Host string `toml:"host"`
	// User is the remote login name; "" means the local user's name.
	User string `toml:"user"`
	Port int    `toml:"port"`
	// Identity is a private key file; "" means the SSH agent and the
	// usual ~/.ssh/id_* files.
	Identity string `toml:"identity"`
}

// Shell is the default local shell session.
type Shell struct {
	// Command is the program and its arguments; empty means $SHELL, or
	// /bin/sh when SHELL is not set.
	Command []string `toml:"command"`
}

// VNC is the default VNC session.
type VNC struct {
	Host string `toml:"host"`
	Port int    `toml:"port"`
	// PasswordFile names a file that holds the VNC password.
	PasswordFile string `toml:"password_file"`
	// Password is the VNC password itself. Load rejects a file that
	// holds one and is readable by group or others.
	Password string `toml:"password"`
}

// WiFi is a hint shown on the panel when the network is down: which
// network the appliance expects. The image builder writes the real
// network setup; this file never holds the Wi-Fi passphrase.
type WiFi struct {
	SSID string `toml:"ssid"`
	// Country is the ISO 3166 two-letter regulatory domain, such as "GB".
	Country string `toml:"country"`
}

// Refresh holds the refresh policy settings of the display scheduler.
type Refresh struct {
	// IdleClean is the idle pause after typing before a cleaning full
	// refresh may run.
	IdleClean Duration `toml:"idle_clean"`
	// MaxPartials is the number of partial refreshes of one region after
	// which a cleaning full refresh runs even while the user types.
	MaxPartials int `toml:"max_partials"`
	// SleepAfter is the idle time after which the panel sleeps; 0 means
	// never.
	SleepAfter Duration `toml:"sleep_after"`
	// MergeCap is the maximum number of pixels a refresh may cover per
	// changed pixel when regions merge, such as 1.2. Zero means no cap.
	MergeCap float64 `toml:"merge_cap"`
}

// Keys are the key chords einkterm handles itself, written as
// modifiers and one key joined by "+", such as "ctrl+alt+r".
type Keys struct {
	FullRefresh string `toml:"full_refresh"`
	Menu        string `toml:"menu"`
}

// Default returns the configuration used for every setting that the
// file does not set or sets wrongly. Its refresh settings equal the
// defaults of display.SchedulerOptions.
func Default() Config {
	return Config{
		Panel:    display.DefaultProfile,
		Board:    "auto",
		Rotation: 0,
		Font:     Font{Name: "", Size: 0},
		Session: Session{
			Start: "menu",
			SSH:   SSH{Port: 22},
			Shell: Shell{Command: []string{}},
			VNC:   VNC{Port: 5900},
		},
		Refresh: Refresh{
			IdleClean:   Duration{3 * time.Second},
			MaxPartials: 100,
			SleepAfter:  Duration{2 * time.Minute},
		},
		Keys: Keys{
			FullRefresh: "ctrl+alt+r",
			Menu:        "ctrl+alt+m",
		},
	}
}
