package image

import (
	"regexp"
	"strings"
)

// setConfigLine returns text with the setting key=value active: a line
// that sets key (or the same line commented out with #) is replaced,
// and otherwise the line is appended. Raspberry Pi config.txt and
// BeagleBone uEnv.txt both use this key=value form.
func setConfigLine(text, key, value string) string {
	want := key + "=" + value
	re := regexp.MustCompile(`^\s*#*\s*` + regexp.QuoteMeta(key) + `\s*=`)
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	done := false
	for i, line := range lines {
		if !re.MatchString(line) {
			continue
		}
		active := !strings.HasPrefix(strings.TrimSpace(line), "#")
		switch {
		case !done:
			lines[i], done = want, true
		case active:
			lines[i] = "#" + line // a later duplicate would win
		}
	}
	if !done {
		lines = append(lines, want)
	}
	return strings.Join(lines, "\n") + "\n"
}

// enableSPIPi turns on the SPI0 bus in a Raspberry Pi config.txt. The
// line goes in the [all] section, because in a conditional section such
// as [cm4] it would apply to one model only.
func enableSPIPi(configTxt string) string {
	if regexp.MustCompile(`(?m)^[ \t]*dtparam=spi=on[ \t]*$`).MatchString(sectionAll(configTxt)) {
		return configTxt
	}
	re := regexp.MustCompile(`(?m)^[ \t]*#[ \t]*dtparam=spi=on[ \t]*$`)
	if loc := re.FindStringIndex(configTxt); loc != nil && !inFilteredSection(configTxt, loc[0]) {
		return configTxt[:loc[0]] + "dtparam=spi=on" + configTxt[loc[1]:]
	}
	return strings.TrimRight(configTxt, "\n") + "\n\n[all]\n# einkterm: the e-paper HAT is on SPI0.\ndtparam=spi=on\n"
}

// sectionAll returns the lines of config.txt that apply to every Pi:
// those before the first [filter] and those after an [all].
func sectionAll(text string) string {
	var b strings.Builder
	all := true
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") {
			all = t == "[all]"
			continue
		}
		if all {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

func inFilteredSection(text string, at int) bool {
	before := text[:at]
	i := strings.LastIndex(before, "\n[")
	if i < 0 {
		return strings.HasPrefix(before, "[") && !strings.HasPrefix(before, "[all]")
	}
	header, _, _ := strings.Cut(before[i+1:], "\n")
	return strings.TrimSpace(header) != "[all]"
}

// setKernelArg returns the one-line kernel command line with key=value,
// replacing an earlier value of key.
func setKernelArg(cmdline, key, value string) string {
	var args []string
	for _, a := range strings.Fields(cmdline) {
		if !strings.HasPrefix(a, key+"=") {
			args = append(args, a)
		}
	}
	return strings.Join(append(args, key+"="+value), " ") + "\n"
}

// BeagleBone uEnv.txt settings for the SPI0 bus on header P9 (pins 17,
// 18, 21 and 22): U-Boot applies the BB-SPIDEV0 overlay from
// /lib/firmware at boot, in slot 4, the first one for custom capes. The
// panel replaces the HDMI screen, so the HDMI overlay is disabled.
// NOTE: users report that /dev/spidev0.0 can be missing while the HDMI
// overlay loads; this was not checked on a board here.
var bbbSPI = []struct{ key, value string }{
	{"enable_uboot_overlays", "1"},
	{"uboot_overlay_addr4", "/lib/firmware/BB-SPIDEV0-00A0.dtbo"},
	{"disable_uboot_overlay_video", "1"},
}

func enableSPIBeagleBone(uEnv string) string {
	for _, s := range bbbSPI {
		uEnv = setConfigLine(uEnv, s.key, s.value)
	}
	return uEnv
}
