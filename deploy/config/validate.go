package config

import (
	"github.com/einkterm/einkterm/term"

	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/einkterm/einkterm/boards"
	"github.com/einkterm/einkterm/display"
)

// Accepted values of the settings that take a name.
var (
	SessionStarts = []string{"menu", "ssh", "shell", "vnc"}
	Rotations     = []int{0, 90, 180, 270}
)

// BoardNames returns the accepted values of board: "auto" (detect from
// the device tree), "none" (no SPI panel), and the names of package
// boards, such as "pi4" and "bbb".
func BoardNames() []string {
	return append([]string{"auto", "none"}, boards.Names(boards.Boards)...)
}

// checker collects the problems of one file and puts back the default
// of every setting found invalid.
type checker struct {
	file    string
	entries []entry
	errs    Errors
}

func (c *checker) fail(key, problem, fix string) {
	c.errs = append(c.errs, &Error{
		File: c.file, Line: lineOf(c.entries, key), Key: key, Err: problem, Fix: fix,
	})
}

func validate(file string, cfg *Config, entries []entry) Errors {
	c := &checker{file: file, entries: entries}
	def := Default()
	c.checkDisplay(cfg, def)
	c.checkSession(cfg, def)
	c.checkRefresh(cfg, def)
	c.checkKeys(cfg, def)
	if cc := cfg.WiFi.Country; cc != "" && !isCountryCode(cc) {
		c.fail("wifi.country", fmt.Sprintf("invalid country code %q", cc),
			`use the two capital letters of ISO 3166, such as "GB" or "US"`)
		cfg.WiFi.Country = def.WiFi.Country
	}
	return c.errs
}

// DisplayKinds returns the accepted kinds of the display setting, such
// as "it8951" and "fb". The command sets it, because the kinds are
// registered there; nil accepts any kind.
var DisplayKinds func() []string

// DisplayCheck checks the argument and options of a display setting of
// a known kind for a panel profile, as --display takes them, without
// opening the display. The command sets it; nil checks the kind alone.
var DisplayCheck func(spec, panel string) error

var displayKindRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

func (c *checker) checkDisplay(cfg *Config, def Config) {
	if cfg.Display != "" {
		kind, _, _ := strings.Cut(cfg.Display, ":")
		kind, _, _ = strings.Cut(kind, "?")
		var kinds []string
		if DisplayKinds != nil {
			kinds = DisplayKinds()
		}
		if !displayKindRE.MatchString(kind) || (kinds != nil && !slices.Contains(kinds, kind)) {
			fix := `write KIND[:ARGUMENT][?OPTIONS] as for --display, such as "it8951:pi4"`
			if kinds != nil {
				fix += "; kinds are " + strings.Join(kinds, ", ")
			}
			c.fail("display", fmt.Sprintf("unknown display %q", cfg.Display), fix)
			cfg.Display = def.Display
		} else if DisplayCheck != nil {
			if err := DisplayCheck(cfg.Display, cfg.Panel); err != nil {
				c.fail("display", fmt.Sprintf("invalid display %q: %v", cfg.Display, err),
					`write KIND[:ARGUMENT][?OPTIONS] as for --display, such as "record:/var/lib/einkterm/rec"`)
				cfg.Display = def.Display
			}
		}
	}
	if _, err := display.LookupProfile(cfg.Panel); err != nil {
		c.fail("panel", fmt.Sprintf("unknown panel %q", cfg.Panel),
			"use one of "+strings.Join(display.ProfileNames(), ", ")+
				", or WxH from 16x16 to 8192x8192")
		cfg.Panel = def.Panel
	}
	if !slices.Contains(BoardNames(), cfg.Board) {
		c.fail("board", fmt.Sprintf("unknown board %q", cfg.Board),
			"use one of "+strings.Join(BoardNames(), ", "))
		cfg.Board = def.Board
	}
	if !slices.Contains(Rotations, cfg.Rotation) {
		c.fail("rotation", fmt.Sprintf("invalid rotation %d", cfg.Rotation),
			"use 0, 90, 180 or 270 (degrees clockwise)")
		cfg.Rotation = def.Rotation
	}
	if s := cfg.Font.Size; s != 0 && (s < term.MinFontSize || s > term.MaxFontSize) {
		c.fail("font.size", fmt.Sprintf("font size %d out of range", s),
			fmt.Sprintf("use %d to %d pixels, or 0 to pick the size from the panel's resolution",
				term.MinFontSize, term.MaxFontSize))
		cfg.Font.Size = def.Font.Size
	}
}

func (c *checker) checkSession(cfg *Config, def Config) {
	s := &cfg.Session
	c.checkPort("session.ssh.port", &s.SSH.Port, def.Session.SSH.Port)
	c.checkPort("session.vnc.port", &s.VNC.Port, def.Session.VNC.Port)
	if s.VNC.Password != "" && s.VNC.PasswordFile != "" {
		c.fail("session.vnc.password", "both password and password_file are set",
			"keep one of them; password_file is used")
		s.VNC.Password = ""
	}

	switch {
	case !slices.Contains(SessionStarts, s.Start):
		c.fail("session.start", fmt.Sprintf("unknown session %q", s.Start),
			"use one of "+strings.Join(SessionStarts, ", "))
		s.Start = def.Session.Start
	case s.Start == "ssh" && s.SSH.Host == "":
		c.fail("session.start", `start is "ssh" but session.ssh.host is empty`,
			`set host in [session.ssh], or start = "menu"`)
		s.Start = def.Session.Start
	case s.Start == "vnc" && s.VNC.Host == "":
		c.fail("session.start", `start is "vnc" but session.vnc.host is empty`,
			`set host in [session.vnc], or start = "menu"`)
		s.Start = def.Session.Start
	}
}

func (c *checker) checkPort(key string, port *int, def int) {
	if *port < 1 || *port > 65535 {
		c.fail(key, fmt.Sprintf("port %d out of range", *port), "use 1 to 65535")
		*port = def
	}
}

// Accepted ranges of the refresh settings. The --idle-clean,
// --max-partials, --sleep-after and --merge-cap flags accept the same
// ranges.
const (
	IdleCleanMin   = 100 * time.Millisecond
	IdleCleanMax   = time.Hour
	MaxPartialsMin = 1
	MaxPartialsMax = 10000
	// SleepAfterMin and SleepAfterMax bound sleep_after, where 0 means
	// never sleep. Below a second the panel would sleep and wake between
	// keystrokes.
	SleepAfterMin = time.Second
	SleepAfterMax = 24 * time.Hour
	// MergeCapMin and MergeCapMax bound merge_cap, where 0 means no cap.
	MergeCapMin = 1.0
	MergeCapMax = 10.0
)

// MergeCapOK reports whether v is an accepted merge_cap: 0, or 1 to 10.
func MergeCapOK(v float64) bool {
	return v == 0 || v >= MergeCapMin && v <= MergeCapMax
}

func (c *checker) checkRefresh(cfg *Config, def Config) {
	r := &cfg.Refresh
	if d := r.IdleClean.Duration; d < IdleCleanMin || d > IdleCleanMax {
		c.fail("refresh.idle_clean", fmt.Sprintf("idle pause %v out of range", d),
			`use "100ms" to "1h"`)
		r.IdleClean = def.Refresh.IdleClean
	}
	if n := r.MaxPartials; n < MaxPartialsMin || n > MaxPartialsMax {
		c.fail("refresh.max_partials", fmt.Sprintf("%d partial refreshes out of range", n),
			fmt.Sprintf("use %d to %d", MaxPartialsMin, MaxPartialsMax))
		r.MaxPartials = def.Refresh.MaxPartials
	}
	if d := r.SleepAfter.Duration; d != 0 && (d < SleepAfterMin || d > SleepAfterMax) {
		c.fail("refresh.sleep_after", fmt.Sprintf("sleep delay %v out of range", d),
			`use "0s" (never sleep) or "1s" to "24h"`)
		r.SleepAfter = def.Refresh.SleepAfter
	}
	if !MergeCapOK(r.MergeCap) {
		c.fail("refresh.merge_cap", fmt.Sprintf("merge cap %g out of range", r.MergeCap),
			"use 0 (no cap) or 1 to 10, such as 1.2")
		r.MergeCap = def.Refresh.MergeCap
	}
}

func (c *checker) checkKeys(cfg *Config, def Config) {
	k := &cfg.Keys
	for _, f := range []struct {
		key      string
		val      *string
		fallback string
	}{
		{"keys.full_refresh", &k.FullRefresh, def.Keys.FullRefresh},
		{"keys.menu", &k.Menu, def.Keys.Menu},
	} {
		if _, err := ParseChord(*f.val); err != nil {
			c.fail(f.key, err.Error(), chordFix)
			*f.val = f.fallback
		}
	}
	if strings.EqualFold(k.FullRefresh, k.Menu) {
		c.fail("keys.menu", fmt.Sprintf("chord %q is also keys.full_refresh", k.Menu),
			"give each chord different keys; both are reset to their defaults")
		k.FullRefresh, k.Menu = def.Keys.FullRefresh, def.Keys.Menu
	}
	for _, font := range FontChords {
		if sameChord(k.FullRefresh, font) {
			c.fail("keys.full_refresh", fmt.Sprintf("chord %q is also the chord that changes the font size, %s", k.FullRefresh, font),
				"give it other keys; it is reset to its default")
			k.FullRefresh = def.Keys.FullRefresh
		}
	}
}

// FontChords are the chords that make a session's font larger and
// smaller, which the config does not set.
var FontChords = []string{"ctrl+alt+up", "ctrl+alt+down"}

// sameChord reports whether a and b parse to the same chord.
func sameChord(a, b string) bool {
	ca, errA := ParseChord(a)
	cb, errB := ParseChord(b)
	return errA == nil && errB == nil && ca == cb
}

func isCountryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}
