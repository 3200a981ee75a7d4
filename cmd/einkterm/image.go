package main

import (
	"context"
	"fmt"

	"github.com/einkterm/einkterm/deploy/image"
)

func init() {
	register(command{
		name:    "image",
		summary: "write einkterm into a Raspberry Pi OS or BeagleBone Debian SD card image",
		run:     runImage,
	})
}

func runImage(ctx context.Context, e *env, args []string) error {
	var o image.Options
	fs := newFlagSet(e, "image", "")
	fs.StringVar(&o.Base, "base", "", "the board's image (.img, decompressed); never modified")
	fs.StringVar(&o.Board, "board", "", "board of the image: rpi (Raspberry Pi OS Lite) or bbb (BeagleBone Debian)")
	fs.StringVar(&o.Out, "out", "", "image file to write")
	fs.StringVar(&o.Binary, "binary", "", "einkterm executable for the board (default: this one if the CPU matches, else dist/einkterm-linux-ARCH from make dist)")
	fs.StringVar(&o.Config, "config", "", "einkterm.toml to install on the boot partition (default: the example with every default)")
	fs.StringVar(&o.WiFiSSID, "wifi-ssid", "", "Wi-Fi network to join at boot (needs --wifi-psk-file)")
	fs.StringVar(&o.WiFiPSKFile, "wifi-psk-file", "", "file holding the Wi-Fi passphrase, 8 to 63 characters")
	fs.StringVar(&o.WiFiCountry, "wifi-country", "", "two-letter Wi-Fi country code, such as GB (needed with --wifi-ssid on the Pi)")
	fs.StringVar(&o.SSHKey, "ssh-key", "", "OpenSSH public key file allowed to log in as root")
	var sf sessionFlags
	fs.StringVar(&sf.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "einkterm image: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	if o.Base == "" || o.Out == "" || o.Board == "" {
		fmt.Fprintln(e.stderr, "einkterm image: --base, --board and --out are needed")
		fs.Usage()
		return errUsage
	}
	log, closeLog, err := sf.logger(e)
	if err != nil {
		return err
	}
	defer closeLog()
	o.Logger = log

	if err := image.Build(ctx, o); err != nil {
		return withoutPrefix(err, "image: ")
	}
	fmt.Fprintf(e.stdout, "wrote %s: flash it to an SD card, for example with dd or Raspberry Pi Imager\n", o.Out)
	return nil
}
