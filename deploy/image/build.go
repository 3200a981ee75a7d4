package image

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/einkterm/einkterm/deploy"
	"github.com/einkterm/einkterm/deploy/config"
)

// Paths that Build writes in the root file system.
const (
	BinaryPath   = "/usr/local/bin/einkterm"
	UnitPath     = "/etc/systemd/system/" + deploy.UnitName
	UnitLinkPath = "/etc/systemd/system/multi-user.target.wants/" + deploy.UnitName
	WiFiPath     = "/etc/NetworkManager/system-connections/einkterm-wifi.nmconnection"
	KeysPath     = "/root/.ssh/authorized_keys"
)

// Options are the inputs of Build: the images, the board and the files
// to install.
type Options struct {
	Base  string // the board's image, which is never modified
	Out   string // the image to write; replaced only when Build succeeds
	Board string // "rpi" or "bbb"

	// Binary is the einkterm executable for the image's CPU. Empty means
	// this program when it matches, else dist/einkterm-linux-ARCH from
	// make dist.
	Binary string
	// Config is an einkterm.toml to install; empty means the shipped
	// example. It must parse without problems.
	Config string

	WiFiSSID    string // network name; empty writes no Wi-Fi setup
	WiFiPSKFile string // file holding the WPA passphrase (8 to 63 characters)
	// WiFiCountry is the ISO 3166 country code of the Wi-Fi channels,
	// such as "GB". Raspberry Pi OS keeps Wi-Fi blocked until one is set,
	// so it is required with WiFiSSID on the Pi.
	WiFiCountry string
	SSHKey      string // public key file for root's authorized_keys; empty writes none

	Tools  Tools
	Logger *slog.Logger // nil logs nothing
}

// Build copies o.Base to o.Out and writes einkterm into the copy. It
// installs the binary, the systemd unit and the link that enables it,
// turns SPI on in the boot configuration and puts the config file on the
// boot partition. The Wi-Fi network and SSH key are optional.
func Build(ctx context.Context, o Options) (err error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := o.check(); err != nil {
		return err
	}
	if err := o.Tools.find(); err != nil {
		return err
	}
	cfgData, err := o.configData()
	if err != nil {
		return err
	}

	layout, err := detect(o.Base, o.Board)
	if err != nil {
		return err
	}
	log.Info("image layout", "boot", layout.Boot, "root", layout.Root)

	tmpDir, err := os.MkdirTemp(filepath.Dir(o.Out), ".einkterm-image-")
	if err != nil {
		return fmt.Errorf("image: %w", err)
	}
	defer os.RemoveAll(tmpDir)
	if err := checkPath(tmpDir); err != nil {
		return err
	}
	work := filepath.Join(tmpDir, "out.img")
	if err := copyFile(o.Base, work); err != nil {
		return err
	}

	w := &writer{o: o, log: log, layout: layout, tmp: tmpDir,
		root: &extFS{tools: &o.Tools, image: work, offset: layout.Root.Offset(), tmp: tmpDir}}
	if layout.Boot != nil {
		w.boot = &fatFS{tools: &o.Tools, image: work, offset: layout.Boot.Offset(), tmp: tmpDir}
	}
	if err := w.writeAll(ctx, cfgData); err != nil {
		return err
	}
	if err := os.Rename(work, o.Out); err != nil {
		return fmt.Errorf("image: %w", err)
	}
	log.Info("image written", "out", o.Out)
	return nil
}

func (o *Options) check() error {
	if !slices.Contains(Boards, o.Board) {
		return fmt.Errorf("image: unknown board %q: use %s", o.Board, strings.Join(Boards, " or "))
	}
	if o.Base == "" || o.Out == "" {
		return errors.New("image: --base and --out are both needed")
	}
	base, err := os.Stat(o.Base)
	if err != nil {
		return fmt.Errorf("image: base image: %w", err)
	}
	if out, err := os.Stat(o.Out); err == nil && os.SameFile(base, out) {
		return fmt.Errorf("image: --out %s is the base image: name a new file, the base is never modified", o.Out)
	}
	if st, err := os.Stat(filepath.Dir(o.Out)); err != nil || !st.IsDir() {
		return fmt.Errorf("image: the folder of --out %s does not exist: create it, or name a file in an existing folder", o.Out)
	}
	if out, err := os.Lstat(o.Out); err == nil && !out.Mode().IsRegular() {
		// The finished image is renamed over --out, which would
		// replace a device node or a link with a plain file.
		return fmt.Errorf("image: --out %s is %s, not a regular file: write the image to a file, then copy it to the card, for example with dd", o.Out, config.FileKind(out.Mode()))
	}
	if (o.WiFiSSID == "") != (o.WiFiPSKFile == "") {
		return errors.New("image: --wifi-ssid and --wifi-psk-file go together: give both or neither")
	}
	if o.WiFiSSID != "" && o.Board == "rpi" && o.WiFiCountry == "" {
		return errors.New("image: --wifi-country is needed with --wifi-ssid on the Pi, whose Wi-Fi stays blocked until a country is set: pass the two-letter code, such as --wifi-country GB")
	}
	if c := o.WiFiCountry; c != "" && !isCountryCode(c) {
		return fmt.Errorf("image: invalid --wifi-country %q: use the two capital letters of ISO 3166, such as GB or US", c)
	}
	return nil
}

// configData returns the config file to install, checked.
func (o *Options) configData() ([]byte, error) {
	data := deploy.ExampleConfig
	name := "the shipped example"
	if o.Config != "" {
		var err error
		if data, err = os.ReadFile(o.Config); err != nil {
			return nil, fmt.Errorf("image: %w", err)
		}
		name = o.Config
	}
	if o.WiFiSSID != "" || o.WiFiCountry != "" {
		var err error
		data, err = setWiFiHint(data, o.WiFiSSID, o.WiFiCountry)
		if err != nil {
			return nil, err
		}
	}
	if _, errs := config.Parse(name, data); len(errs) > 0 {
		return nil, fmt.Errorf("image: the config to install has problems, fix them first:\n%w", errs)
	}
	return data, nil
}

// setWiFiHint records the network in the config's [wifi] table, which
// einkterm shows on the panel while it is offline.
func setWiFiHint(data []byte, ssid, country string) ([]byte, error) {
	var set []config.Assignment
	if ssid != "" {
		set = append(set, config.Assignment{Key: "wifi.ssid", Value: ssid})
	}
	if country != "" {
		set = append(set, config.Assignment{Key: "wifi.country", Value: country})
	}
	text, err := config.SetValues(string(data), set...)
	return []byte(text), err
}

func isCountryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

func detect(path, board string) (Layout, error) {
	f, err := os.Open(path)
	if err != nil {
		return Layout{}, fmt.Errorf("image: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return Layout{}, fmt.Errorf("image: %w", err)
	}
	return DetectLayout(f, info.Size(), board)
}

// copyFile copies src to the new file dst, leaving holes where src
// has runs of zero bytes, so the copy of a mostly empty image is small
// and quick. The contents are the same either way.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("image: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("image: %w", err)
	}
	size, err := copySparse(out, in)
	if err == nil {
		err = out.Truncate(size) // sets the length after a final hole
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("image: copying %s: %w", src, err)
	}
	return nil
}

func copySparse(out *os.File, in io.Reader) (int64, error) {
	buf := make([]byte, 1<<20)
	var size int64
	for {
		n, err := io.ReadFull(in, buf)
		if n > 0 {
			chunk := buf[:n]
			if isZero(chunk) {
				_, serr := out.Seek(int64(n), io.SeekCurrent)
				if serr != nil {
					return size, serr
				}
			} else if _, werr := out.Write(chunk); werr != nil {
				return size, werr
			}
			size += int64(n)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return size, nil
		}
		if err != nil {
			return size, err
		}
	}
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// binaryFor returns the einkterm binary for the image's CPU.
func (o *Options) binaryFor(arch string) ([]byte, string, error) {
	path := o.Binary
	if path == "" {
		path = filepath.Join("dist", distName(arch, o.Board))
		if self, err := os.Executable(); err == nil && runtime.GOARCH == arch && runtime.GOOS == "linux" {
			path = self
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, path, fmt.Errorf("image: einkterm binary for %s: %w: run make dist or pass --binary", arch, err)
	}
	got, err := elfArch(data)
	if err != nil {
		return nil, path, fmt.Errorf("image: --binary %s: %v: pass an einkterm built for linux/%s", path, err, arch)
	}
	if got != arch {
		return nil, path, fmt.Errorf("image: --binary %s is for %s but the image runs %s: use dist/%s", path, got, arch, distName(arch, o.Board))
	}
	return data, path, nil
}
