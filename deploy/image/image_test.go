package image

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/einkterm/einkterm/deploy"
	"github.com/einkterm/einkterm/deploy/peertest"
)

const piConfigTxt = "# For more options see the Raspberry Pi documentation\n" +
	"#dtparam=i2c_arm=on\n#dtparam=i2s=on\n#dtparam=spi=on\n" +
	"dtparam=audio=on\ncamera_auto_detect=1\n\n[cm4]\notg_mode=1\n\n[all]\narm_64bit=0\n"

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tLogWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tLogWriter struct{ t *testing.T }

func (w tLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// writeTemp writes data to a new file in a test folder.
func writeTemp(t testing.TB, name string, data []byte, perm fs.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, perm); err != nil {
		t.Fatal(err)
	}
	return p
}

func checkRootFile(t *testing.T, img synthImage, path string, want []byte, mode int) {
	t.Helper()
	s, ok := img.stat(t, path)
	if !ok {
		t.Errorf("%s missing", path)
		return
	}
	if s.typ != "regular" || s.mode != mode || s.uid != 0 || s.gid != 0 {
		t.Errorf("%s: type %s mode %04o owner %d:%d, want regular %04o 0:0", path, s.typ, s.mode, s.uid, s.gid, mode)
	}
	if got := img.cat(t, path); !bytes.Equal(got, want) {
		t.Errorf("%s: %d bytes differ from the %d expected", path, len(got), len(want))
	}
}

func checkUnitLink(t *testing.T, img synthImage) {
	t.Helper()
	s, ok := img.stat(t, UnitLinkPath)
	if !ok {
		t.Fatalf("%s missing: the unit is not enabled", UnitLinkPath)
	}
	if s.typ != "symlink" || s.linkTarget != UnitPath {
		t.Errorf("%s: type %s target %q, want a symlink to %s", UnitLinkPath, s.typ, s.linkTarget, UnitPath)
	}
}

func checkE2fsck(t *testing.T, img synthImage) {
	t.Helper()
	e2fsck := peertest.Require(t, "e2fsck", "e2fsprogs")
	mustRun(t, "", e2fsck, "-f", "-n", img.path+"?offset="+strconv.FormatInt(img.root, 10))
}

func TestBuildRaspberryPi(t *testing.T) {
	img := rpiImage(t, piConfigTxt)
	before := fileHash(t, img.path)
	bin := fakeELF(40, 300_000)
	binPath := writeTemp(t, "einkterm", bin, 0o755)
	psk := writeTemp(t, "psk", []byte("correct horse battery\n"), 0o600)
	key := writeTemp(t, "id.pub", []byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE1 ann@laptop\n"), 0o644)
	out := filepath.Join(t.TempDir(), "out.img")

	err := Build(context.Background(), Options{
		Base: img.path, Out: out, Board: "rpi", Binary: binPath,
		WiFiSSID: "home net", WiFiPSKFile: psk, WiFiCountry: "GB", SSHKey: key,
		Logger: testLogger(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	if fileHash(t, img.path) != before {
		t.Fatal("the base image changed")
	}

	res := img
	res.path = out
	checkRootFile(t, res, BinaryPath, bin, 0o755)
	checkRootFile(t, res, UnitPath, deploy.SystemdUnit, 0o644)
	checkUnitLink(t, res)
	wifi := res.cat(t, WiFiPath)
	for _, want := range []string{"ssid=home net\n", "psk=correct horse battery\n", "key-mgmt=wpa-psk\n"} {
		if !bytes.Contains(wifi, []byte(want)) {
			t.Errorf("Wi-Fi keyfile lacks %q:\n%s", want, wifi)
		}
	}
	if s, _ := res.stat(t, WiFiPath); s.mode != 0o600 {
		t.Errorf("Wi-Fi keyfile mode %04o, want 0600", s.mode)
	}
	for _, p := range piRfkillStates {
		checkRootFile(t, res, p, []byte("0\n"), 0o644)
	}
	if got, want := string(res.fatFile(t, "cmdline.txt")), strings.TrimSuffix(piCmdline, "\n")+" cfg80211.ieee80211_regdom=GB\n"; got != want {
		t.Errorf("cmdline.txt = %q, want %q", got, want)
	}
	checkRootFile(t, res, KeysPath, []byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE1 ann@laptop\n"), 0o600)
	if s, _ := res.stat(t, "/root/.ssh"); s.typ != "directory" || s.mode != 0o700 {
		t.Errorf("/root/.ssh: %s %04o, want directory 0700", s.typ, s.mode)
	}

	configTxt := string(res.fatFile(t, "config.txt"))
	if !strings.Contains(configTxt, "\ndtparam=spi=on\n") || strings.Contains(configTxt, "#dtparam=spi=on") {
		t.Errorf("config.txt does not enable SPI:\n%s", configTxt)
	}
	for _, keep := range []string{"#dtparam=i2c_arm=on\n", "dtparam=audio=on\n", "[cm4]\notg_mode=1\n", "[all]\narm_64bit=0\n"} {
		if !strings.Contains(configTxt, keep) {
			t.Errorf("config.txt lost %q:\n%s", keep, configTxt)
		}
	}
	toml := res.fatFile(t, "einkterm.toml")
	if !bytes.Contains(toml, []byte("ssid = \"home net\"")) {
		t.Errorf("einkterm.toml lacks the Wi-Fi hint")
	}
	wantToml := bytes.Replace(deploy.ExampleConfig, []byte("ssid = \"\""), []byte("ssid = \"home net\""), 1)
	wantToml = bytes.Replace(wantToml, []byte("country = \"\""), []byte("country = \"GB\""), 1)
	if !bytes.Equal(toml, wantToml) {
		t.Errorf("einkterm.toml on the boot partition differs from the example with the Wi-Fi hint:\n%s", toml)
	}
	names := res.fatNames(t)
	for _, want := range []string{"cmdline.txt", "config.txt", "einkterm.toml", "ssh"} {
		if !slices.Contains(names, want) {
			t.Errorf("boot partition lacks %s: %v", want, names)
		}
	}
	checkE2fsck(t, res)
}

func TestBuildBeagleBoneRootOnly(t *testing.T) {
	img := bbbImage(t, false)
	before := fileHash(t, img.path)
	// With no --binary, Build takes dist/einkterm-linux-armv7 from make
	// dist, relative to the working folder.
	work := t.TempDir()
	bin := fakeELF(40, 1000)
	if err := os.MkdirAll(filepath.Join(work, "dist"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "dist", "einkterm-linux-armv7"), bin, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	out := filepath.Join(t.TempDir(), "bbb.img")

	if err := Build(context.Background(), Options{Base: img.path, Out: out, Board: "bbb", Logger: testLogger(t)}); err != nil {
		t.Fatal(err)
	}
	if fileHash(t, img.path) != before {
		t.Fatal("the base image changed")
	}
	res := img
	res.path = out
	checkRootFile(t, res, BinaryPath, bin, 0o755)
	checkRootFile(t, res, UnitPath, deploy.SystemdUnit, 0o644)
	checkUnitLink(t, res)
	checkRootFile(t, res, "/boot/einkterm.toml", deploy.ExampleConfig, 0o644)

	uEnv := string(res.cat(t, "/boot/uEnv.txt"))
	for _, want := range []string{
		"\nenable_uboot_overlays=1\n",
		"\nuboot_overlay_addr4=/lib/firmware/BB-SPIDEV0-00A0.dtbo\n",
		"\ndisable_uboot_overlay_video=1\n",
		"\n#uboot_overlay_addr5=<file5>.dtbo\n",
		"\n#disable_uboot_overlay_emmc=1\n",
		"uname_r=5.10.168-ti-r72\n",
	} {
		if !strings.Contains(uEnv, want) {
			t.Errorf("uEnv.txt lacks %q:\n%s", want, uEnv)
		}
	}
	if _, ok := res.stat(t, WiFiPath); ok {
		t.Error("Wi-Fi keyfile written without --wifi-ssid")
	}
	if _, ok := res.stat(t, KeysPath); ok {
		t.Error("authorized_keys written without --ssh-key")
	}
	checkE2fsck(t, res)
}

func TestBuildBeagleBoneWithBootPartition(t *testing.T) {
	img := bbbImage(t, true)
	cfg := writeTemp(t, "my.toml", []byte("panel = \"7in5\"\nboard = \"bbb\"\n"), 0o644)
	out := filepath.Join(t.TempDir(), "bbb.img")
	err := Build(context.Background(), Options{
		Base: img.path, Out: out, Board: "bbb", Config: cfg,
		Binary: writeTemp(t, "einkterm", fakeELF(40, 10), 0o755),
	})
	if err != nil {
		t.Fatal(err)
	}
	res := img
	res.path = out
	if got := string(res.fatFile(t, "einkterm.toml")); got != "panel = \"7in5\"\nboard = \"bbb\"\n" {
		t.Errorf("einkterm.toml on the boot partition = %q", got)
	}
	if _, ok := res.stat(t, "/boot/einkterm.toml"); ok {
		t.Error("einkterm.toml also written to the root file system")
	}
	checkUnitLink(t, res)
}

func TestBuildRejects(t *testing.T) {
	armBin := func(t *testing.T) string { return writeTemp(t, "einkterm", fakeELF(40, 10), 0o755) }
	tests := []struct {
		name  string
		image func(t *testing.T) string
		board string
		opts  func(t *testing.T, o *Options)
		want  string
	}{{
		name:  "zeros",
		image: func(t *testing.T) string { return writeTemp(t, "z.img", make([]byte, 1<<20), 0o644) },
		board: "rpi",
		want:  "no MBR partition table",
	}, {
		name: "xz compressed",
		image: func(t *testing.T) string {
			return writeTemp(t, "a.img.xz", append([]byte("\xfd7zXZ\x00"), make([]byte, 600)...), 0o644)
		},
		board: "rpi",
		want:  "xz -dk",
	}, {
		name:  "too short to hold a table",
		image: func(t *testing.T) string { return writeTemp(t, "s.img", []byte("MBR?"), 0o644) },
		board: "rpi",
		want:  "cannot read the partition table",
	}, {
		name: "truncated",
		image: func(t *testing.T) string {
			img := rpiImage(t, piConfigTxt)
			if err := os.Truncate(img.path, img.root+4096); err != nil {
				t.Fatal(err)
			}
			return img.path
		},
		board: "rpi",
		want:  "the image is truncated",
	}, {
		name: "gpt",
		image: func(t *testing.T) string {
			data := make([]byte, 1<<20)
			data[446+4], data[446+8], data[446+12] = 0xee, 1, 0xff
			data[510], data[511] = 0x55, 0xaa
			return writeTemp(t, "gpt.img", data, 0o644)
		},
		board: "rpi",
		want:  "GPT",
	}, {
		name:  "beaglebone image as pi",
		image: func(t *testing.T) string { return bbbImage(t, false).path },
		board: "rpi",
		want:  "expected partition 1 FAT (type 0x0c) and partition 2 Linux ext4",
	}, {
		name:  "pi image as beaglebone",
		image: func(t *testing.T) string { return rpiImage(t, piConfigTxt).path },
		board: "bbb",
		opts:  func(t *testing.T, o *Options) { o.Binary = armBin(t) },
		want:  "no /boot/uEnv.txt in the root file system",
	}, {
		name:  "pi without config.txt",
		image: func(t *testing.T) string { return rpiImage(t, "").path },
		board: "rpi",
		opts:  func(t *testing.T, o *Options) { o.Binary = armBin(t) },
		want:  "no config.txt on the boot partition",
	}, {
		name: "partition without file system",
		image: func(t *testing.T) string {
			img := rpiImage(t, piConfigTxt)
			f, err := os.OpenFile(img.path, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteAt(make([]byte, 4096), img.root); err != nil {
				t.Fatal(err)
			}
			return img.path
		},
		board: "rpi",
		want:  "contains no ext2/3/4 file system",
	}, {
		name:  "binary for another CPU",
		image: func(t *testing.T) string { return rpiImage(t, piConfigTxt).path },
		board: "rpi",
		opts: func(t *testing.T, o *Options) {
			o.Binary = writeTemp(t, "einkterm", fakeELF(62, 10), 0o755)
		},
		want: "is for amd64 but the image runs arm",
	}, {
		name:  "broken config",
		image: func(t *testing.T) string { return rpiImage(t, piConfigTxt).path },
		board: "rpi",
		opts: func(t *testing.T, o *Options) {
			o.Binary = armBin(t)
			o.Config = writeTemp(t, "bad.toml", []byte("panel = \"9in9\"\n"), 0o644)
		},
		want: "bad.toml:1: panel: unknown panel",
	}, {
		name:  "unknown board",
		image: func(t *testing.T) string { return writeTemp(t, "z.img", make([]byte, 1024), 0o644) },
		board: "pine64",
		want:  "unknown board \"pine64\": use rpi or bbb",
	}, {
		name:  "wifi without passphrase",
		image: func(t *testing.T) string { return writeTemp(t, "z.img", make([]byte, 1024), 0o644) },
		board: "rpi",
		opts:  func(t *testing.T, o *Options) { o.WiFiSSID = "x" },
		want:  "--wifi-ssid and --wifi-psk-file go together",
	}, {
		name:  "pi wifi without country",
		image: func(t *testing.T) string { return writeTemp(t, "z.img", make([]byte, 1024), 0o644) },
		board: "rpi",
		opts:  func(t *testing.T, o *Options) { o.WiFiSSID, o.WiFiPSKFile = "x", "psk" },
		want:  "--wifi-country is needed with --wifi-ssid on the Pi",
	}, {
		name:  "invalid country",
		image: func(t *testing.T) string { return writeTemp(t, "z.img", make([]byte, 1024), 0o644) },
		board: "bbb",
		opts:  func(t *testing.T, o *Options) { o.WiFiCountry = "uk" },
		want:  "invalid --wifi-country \"uk\"",
	}, {
		name:  "short passphrase",
		image: func(t *testing.T) string { return rpiImage(t, piConfigTxt).path },
		board: "rpi",
		opts: func(t *testing.T, o *Options) {
			o.Binary = armBin(t)
			o.WiFiSSID, o.WiFiCountry = "x", "GB"
			o.WiFiPSKFile = writeTemp(t, "psk", []byte("short\n"), 0o600)
		},
		want: "WPA needs 8 to 63",
	}, {
		name:  "private key as ssh key",
		image: func(t *testing.T) string { return rpiImage(t, piConfigTxt).path },
		board: "rpi",
		opts: func(t *testing.T, o *Options) {
			o.Binary = armBin(t)
			o.SSHKey = writeTemp(t, "id", []byte("-----BEGIN OPENSSH PRIVATE KEY-----\n"), 0o600)
		},
		want: "is a private key",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := tc.image(t)
			before := fileHash(t, base)
			o := Options{Base: base, Out: filepath.Join(t.TempDir(), "out.img"), Board: tc.board}
			if tc.opts != nil {
				tc.opts(t, &o)
			}
			err := Build(context.Background(), o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
			if fileHash(t, base) != before {
				t.Error("the base image changed")
			}
			if _, err := os.Stat(o.Out); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("output written after a failure: %v", err)
			}
			leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(o.Out), ".einkterm-image-*"))
			if len(leftovers) > 0 {
				t.Errorf("temporary files left: %v", leftovers)
			}
		})
	}
}

func TestBuildRejectsOutputSameAsBase(t *testing.T) {
	base := writeTemp(t, "base.img", make([]byte, 1024), 0o644)
	link := filepath.Join(t.TempDir(), "link.img")
	if err := os.Symlink(base, link); err != nil {
		t.Fatal(err)
	}
	err := Build(context.Background(), Options{Base: base, Out: link, Board: "rpi"})
	if err == nil || !strings.Contains(err.Error(), "is the base image") {
		t.Errorf("error = %v, want a same-file error", err)
	}
}

// BenchmarkBuildRaspberryPi measures einkterm image on the synthetic
// 57 MiB Raspberry Pi image with a 2 MB binary: the copy plus about 30
// mtools and debugfs runs.
func BenchmarkBuildRaspberryPi(b *testing.B) {
	img := rpiImage(b, piConfigTxt)
	bin := writeTemp(b, "einkterm", fakeELF(40, 2_000_000), 0o755)
	info, err := os.Stat(img.path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	dir := b.TempDir()
	i := 0
	for b.Loop() {
		i++
		out := filepath.Join(dir, "out"+strconv.Itoa(i)+".img")
		if err := Build(context.Background(), Options{Base: img.path, Out: out, Board: "rpi", Binary: bin}); err != nil {
			b.Fatal(err)
		}
		os.Remove(out)
	}
}

// TestBuildRejectsSpecialOutput names a named pipe, standing in for a
// card's block device, as --out: the image would be renamed over it,
// so Build fails before copying and leaves the pipe in place.
func TestBuildRejectsSpecialOutput(t *testing.T) {
	base := writeTemp(t, "base.img", make([]byte, 1024), 0o644)
	out := filepath.Join(t.TempDir(), "card")
	if err := syscall.Mkfifo(out, 0o600); err != nil {
		t.Fatal(err)
	}
	err := Build(context.Background(), Options{Base: base, Out: out, Board: "rpi"})
	if err == nil || !strings.Contains(err.Error(), "is a named pipe, not a regular file") {
		t.Errorf("error = %v, want one naming the named pipe", err)
	}
	st, statErr := os.Lstat(out)
	if statErr != nil {
		t.Fatal(statErr)
	}
	if st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("--out is now %v, want the named pipe kept", st.Mode())
	}
}

// TestBuildRejectsBadOutputPath names an --out in a missing folder and
// an --out that is a folder: both fail before the base image is copied,
// naming --out.
func TestBuildRejectsBadOutputPath(t *testing.T) {
	base := writeTemp(t, "base.img", make([]byte, 1024), 0o644)
	folder := t.TempDir()
	tests := []struct{ out, want string }{
		{filepath.Join(folder, "missing", "out.img"), "the folder of --out"},
		{folder, "is a folder, not a regular file"},
	}
	for _, tt := range tests {
		err := Build(context.Background(), Options{Base: base, Out: tt.out, Board: "rpi"})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "--out "+tt.out) {
			t.Errorf("--out %s: error %v, want one naming --out with %q", tt.out, err, tt.want)
		}
	}
}
