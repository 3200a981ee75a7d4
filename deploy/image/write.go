package image

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/einkterm/einkterm/deploy"
	"github.com/einkterm/einkterm/deploy/config"
)

// writer writes einkterm's files into the working copy of the image.
type writer struct {
	o      Options
	log    *slog.Logger
	layout Layout
	tmp    string
	boot   *fatFS // nil when the image has no FAT boot partition
	root   *extFS
}

func (w *writer) writeAll(ctx context.Context, cfg []byte) error {
	arch, err := w.imageArch(ctx)
	if err != nil {
		return err
	}
	bin, binPath, err := w.o.binaryFor(arch)
	if err != nil {
		return err
	}
	w.log.Info("installing einkterm", "binary", binPath, "arch", arch)

	steps := []struct {
		name string
		do   func() error
	}{
		{"binary", func() error { return w.root.writeFile(ctx, BinaryPath, bin, 0o755) }},
		{"unit", func() error { return w.root.writeFile(ctx, UnitPath, deploy.SystemdUnit, 0o644) }},
		{"unit link", func() error { return w.root.symlink(ctx, UnitLinkPath, UnitPath) }},
		{"spi", func() error { return w.enableSPI(ctx) }},
		{"config", func() error { return w.writeConfig(ctx, cfg) }},
		{"wifi", func() error { return w.writeWiFi(ctx) }},
		{"ssh key", func() error { return w.writeSSHKey(ctx) }},
		{"check", func() error { return w.checkRoot(ctx) }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			return err
		}
		w.log.Debug("image step done", "step", s.name)
	}
	return nil
}

// imageArch returns the GOARCH of the programs in the root file system.
func (w *writer) imageArch(ctx context.Context) (string, error) {
	for _, p := range archProbes {
		data, ok, err := w.root.readFile(ctx, p)
		if err != nil {
			return "", err
		}
		if !ok {
			continue
		}
		arch, err := elfArch(data)
		if err != nil {
			return "", fmt.Errorf("image: %s in the root file system: %v", p, err)
		}
		return arch, nil
	}
	return "", fmt.Errorf("image: none of %s found in the root file system: expected a Debian root file system",
		strings.Join(archProbes, ", "))
}

func (w *writer) enableSPI(ctx context.Context) error {
	if w.o.Board == "rpi" {
		text, ok, err := w.boot.readFile(ctx, "config.txt")
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("image: no config.txt on the boot partition: expected a Raspberry Pi OS image")
		}
		return w.boot.writeFile(ctx, "config.txt", []byte(enableSPIPi(string(text))))
	}

	const uEnv = "/boot/uEnv.txt"
	text, ok, err := w.root.readFile(ctx, uEnv)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("image: no %s in the root file system: expected a BeagleBone Debian image, whose U-Boot reads it", uEnv)
	}
	return w.root.writeFile(ctx, uEnv, []byte(enableSPIBeagleBone(string(text))), 0o644)
}

// writeConfig puts einkterm.toml on the boot partition, where any
// computer can edit it. Images without one get it in /boot of the root
// file system. config.BootPaths lists both places.
func (w *writer) writeConfig(ctx context.Context, cfg []byte) error {
	if w.boot != nil {
		return w.boot.writeFile(ctx, config.FileName, cfg)
	}
	return w.root.writeFile(ctx, "/boot/"+config.FileName, cfg, 0o644)
}

func (w *writer) writeWiFi(ctx context.Context) error {
	if w.o.WiFiSSID == "" {
		return nil
	}
	psk, err := readPSK(w.o.WiFiPSKFile)
	if err != nil {
		return err
	}
	conn, err := nmConnection(w.o.WiFiSSID, psk)
	if err != nil {
		return err
	}
	// NetworkManager ignores keyfiles that others can read.
	if err := w.root.writeFile(ctx, WiFiPath, conn, 0o600); err != nil {
		return err
	}
	if w.o.Board == "rpi" {
		return w.unblockPiWiFi(ctx)
	}
	return nil
}

// piRfkillStates are the saved rfkill states of the Wi-Fi devices of
// the Pi 3 and Zero (3f300000), Pi 4 (fe300000) and Pi 5 (1001100000).
// Raspberry Pi OS images are built (pi-gen, stage 2 net-tweaks) with them
// set to 1, blocked, unless a country is given, and systemd-rfkill
// restores them at boot.
var piRfkillStates = []string{
	"/var/lib/systemd/rfkill/platform-3f300000.mmcnr:wlan",
	"/var/lib/systemd/rfkill/platform-fe300000.mmcnr:wlan",
	"/var/lib/systemd/rfkill/platform-1001100000.mmc:wlan",
}

// unblockPiWiFi sets the Wi-Fi country on the kernel command line,
// where the cfg80211 module reads it, and unblocks the Wi-Fi devices.
func (w *writer) unblockPiWiFi(ctx context.Context) error {
	for _, p := range piRfkillStates {
		if err := w.root.writeFile(ctx, p, []byte("0\n"), 0o644); err != nil {
			return err
		}
	}
	cmdline, ok, err := w.boot.readFile(ctx, "cmdline.txt")
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("image: no cmdline.txt on the boot partition: expected a Raspberry Pi OS image")
	}
	line := setKernelArg(string(cmdline), "cfg80211.ieee80211_regdom", w.o.WiFiCountry)
	return w.boot.writeFile(ctx, "cmdline.txt", []byte(line))
}

func (w *writer) writeSSHKey(ctx context.Context) error {
	if w.o.SSHKey == "" {
		return nil
	}
	key, err := readPublicKey(w.o.SSHKey)
	if err != nil {
		return err
	}
	if err := w.root.mkdirAll(ctx, "/root/.ssh"); err != nil {
		return err
	}
	if err := w.root.apply(ctx, "sif /root/.ssh mode 040700"); err != nil {
		return err
	}
	if err := w.root.writeFile(ctx, KeysPath, key, 0o600); err != nil {
		return err
	}
	if w.o.Board == "rpi" {
		// Raspberry Pi OS starts sshd on the first boot when a file
		// named ssh is on the boot partition.
		return w.boot.writeFile(ctx, "ssh", nil)
	}
	return nil
}

// checkRoot runs e2fsck read-only on the root file system, so that an
// image that debugfs left inconsistent is never written out.
func (w *writer) checkRoot(ctx context.Context) error {
	_, _, err := run(ctx, nil, w.o.Tools.E2fsck, "-f", "-n", w.root.spec())
	if err != nil {
		return fmt.Errorf("image: the root file system fails e2fsck after writing: %w", err)
	}
	return nil
}

func readPSK(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("image: Wi-Fi passphrase: %w", err)
	}
	psk := strings.TrimRight(string(data), "\r\n")
	if n := len(psk); n < 8 || n > 63 || strings.ContainsAny(psk, "\n\r") {
		return "", fmt.Errorf("image: the Wi-Fi passphrase in %s has %d characters: WPA needs 8 to 63 on one line", path, len(psk))
	}
	return psk, nil
}

func readPublicKey(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("image: SSH key: %w", err)
	}
	text := strings.TrimSpace(string(data))
	if strings.Contains(text, "PRIVATE KEY") {
		return nil, fmt.Errorf("image: %s is a private key: pass the public key, such as ~/.ssh/id_ed25519.pub", path)
	}
	if !strings.HasPrefix(text, "ssh-") && !strings.HasPrefix(text, "ecdsa-") && !strings.HasPrefix(text, "sk-") {
		return nil, fmt.Errorf("image: %s is not an OpenSSH public key (ssh-ed25519 AAAA... or ssh-rsa AAAA...)", path)
	}
	return []byte(text + "\n"), nil
}

// nmConnection returns a NetworkManager keyfile for a WPA-PSK network
// that connects at boot.
func nmConnection(ssid, psk string) ([]byte, error) {
	if strings.ContainsAny(ssid, "\n\r") || len(ssid) > 32 {
		return nil, fmt.Errorf("image: Wi-Fi network name %q is invalid: use at most 32 bytes on one line", ssid)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "[connection]\nid=einkterm-wifi\ntype=wifi\nautoconnect=true\n\n")
	fmt.Fprintf(&b, "[wifi]\nmode=infrastructure\nssid=%s\n\n", ssid)
	fmt.Fprintf(&b, "[wifi-security]\nkey-mgmt=wpa-psk\npsk=%s\n\n", psk)
	fmt.Fprintf(&b, "[ipv4]\nmethod=auto\n\n[ipv6]\nmethod=auto\n")
	return []byte(b.String()), nil
}
