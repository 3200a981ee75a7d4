package image

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/einkterm/einkterm/deploy/peertest"
)

// synthImage is a small disk image built the way the board images are:
// an MBR, an optional FAT32 boot partition and an ext4 root made with
// mkfs.ext4 -d.
type synthImage struct {
	path     string
	boot     int64 // byte offset of the FAT partition, or 0
	root     int64 // byte offset of the ext4 partition
	debugfs  string
	mtoolsOK bool
}

const (
	fatSectors  = 81920 // 40 MiB: FAT32 with 1 sector per cluster needs 65525 clusters
	rootSectors = 32768 // 16 MiB
)

// fakeELF returns a file that starts with an ELF header for machine
// (40 is ARM, 183 AArch64, 62 x86-64) followed by n bytes of pattern.
func fakeELF(machine uint16, n int) []byte {
	h := make([]byte, 52, 52+n)
	copy(h, "\x7fELF\x01\x01\x01")
	h[16] = 2 // ET_EXEC
	h[18], h[19] = byte(machine), byte(machine>>8)
	for i := range n {
		h = append(h, byte(i*7+i>>8))
	}
	return h
}

// rootTree writes the files of a small Debian root file system.
func rootTree(t testing.TB, machine uint16, extra map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"usr/bin/env":                     string(fakeELF(machine, 64)),
		"etc/systemd/system/.keep":        "",
		"etc/hostname":                    "raspberrypi\n",
		"usr/local/bin/.keep":             "",
		"root/.profile":                   "# root\n",
		"etc/NetworkManager/conf.d/.keep": "",
	}
	for k, v := range extra {
		files[k] = v
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type partSpec struct {
	typ     string // sfdisk type, such as "c" or "83"
	sectors int
}

// makeImage partitions a new image and formats its partitions: "c"
// partitions get FAT32 with a config.txt, "83" ones ext4 from tree.
func makeImage(t testing.TB, parts []partSpec, tree, configTxt string) synthImage {
	t.Helper()
	sfdisk := peertest.Require(t, "sfdisk", "fdisk")
	mkfsVfat := peertest.Require(t, "mkfs.vfat", "dosfstools")
	mkfsExt4 := peertest.Require(t, "mkfs.ext4", "e2fsprogs")
	mcopy := peertest.Require(t, "mcopy", "mtools")
	debugfs := peertest.Require(t, "debugfs", "e2fsprogs")

	img := synthImage{path: filepath.Join(t.TempDir(), "base.img"), debugfs: debugfs}
	start := 2048
	var script strings.Builder
	script.WriteString("label: dos\n")
	for _, p := range parts {
		fmt.Fprintf(&script, "start=%d, size=%d, type=%s\n", start, p.sectors, p.typ)
		start += p.sectors
	}
	if err := os.WriteFile(img.path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(img.path, int64(start+2048)*512); err != nil {
		t.Fatal(err)
	}
	mustRun(t, script.String(), sfdisk, "-q", img.path)

	start = 2048
	for _, p := range parts {
		off := int64(start) * 512
		switch p.typ {
		case "c":
			img.boot = off
			mustRun(t, "", mkfsVfat, "-F", "32", "-s", "1", "--offset", strconv.Itoa(start),
				img.path, strconv.Itoa(p.sectors/2))
			files := map[string]string{"cmdline.txt": piCmdline}
			if configTxt != "" {
				files["config.txt"] = configTxt
			}
			for name, data := range files {
				src := filepath.Join(t.TempDir(), name)
				if err := os.WriteFile(src, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
				mustRun(t, "", mcopy, "-i", fmt.Sprintf("%s@@%d", img.path, off), src, "::"+name)
			}
		case "83":
			img.root = off
			mustRun(t, "", mkfsExt4, "-q", "-F", "-E", fmt.Sprintf("offset=%d", off), "-d", tree,
				img.path, fmt.Sprintf("%dk", p.sectors/2))
		}
		start += p.sectors
	}
	return img
}

func mustRun(t testing.TB, stdin, prog string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", prog, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// piCmdline is the shape of Raspberry Pi OS's cmdline.txt.
const piCmdline = "console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes rootwait\n"

func rpiImage(t testing.TB, configTxt string) synthImage {
	tree := rootTree(t, 40, nil)
	return makeImage(t, []partSpec{{"c", fatSectors}, {"83", rootSectors}}, tree, configTxt)
}

// uEnvTxt is the shape of BeagleBone Debian's /boot/uEnv.txt, with the
// overlay lines commented out.
const uEnvTxt = `uname_r=5.10.168-ti-r72
#dtb=
###U-Boot Overlays###
###Master Enable
#enable_uboot_overlays=1
###Additional custom capes
#uboot_overlay_addr4=<file4>.dtbo
#uboot_overlay_addr5=<file5>.dtbo
###Disable auto loading of virtual capes (emmc/video/wireless/adc)
#disable_uboot_overlay_emmc=1
#disable_uboot_overlay_video=1
cmdline=coherent_pool=1M net.ifnames=0 quiet
`

func bbbImage(t testing.TB, withFAT bool) synthImage {
	tree := rootTree(t, 40, map[string]string{"boot/uEnv.txt": uEnvTxt})
	parts := []partSpec{{"83", rootSectors}}
	if withFAT {
		parts = []partSpec{{"c", fatSectors}, {"83", rootSectors}}
	}
	return makeImage(t, parts, tree, "")
}

// fileHash returns the SHA-256 of a file, to show it did not change.
func fileHash(t testing.TB, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// rootStat is what debugfs stat reports about one file.
type rootStat struct {
	typ        string
	mode       int
	uid, gid   int
	linkTarget string
}

var (
	statTypeRE = regexp.MustCompile(`Type: (\w+)\s+Mode:\s+(\d+)`)
	statUserRE = regexp.MustCompile(`User:\s+(\d+)\s+Group:\s+(\d+)`)
	statLinkRE = regexp.MustCompile(`Fast link dest: "([^"]*)"`)
)

func (img synthImage) stat(t testing.TB, path string) (rootStat, bool) {
	t.Helper()
	out, stderr := img.debugfsRun(t, "stat "+path)
	if strings.Contains(stderr, "File not found") {
		return rootStat{}, false
	}
	m := statTypeRE.FindStringSubmatch(out)
	u := statUserRE.FindStringSubmatch(out)
	if m == nil || u == nil {
		t.Fatalf("debugfs stat %s: unexpected output %q %q", path, out, stderr)
	}
	var s rootStat
	s.typ = m[1]
	mode, _ := strconv.ParseInt(m[2], 8, 32)
	s.mode = int(mode)
	s.uid, _ = strconv.Atoi(u[1])
	s.gid, _ = strconv.Atoi(u[2])
	if l := statLinkRE.FindStringSubmatch(out); l != nil {
		s.linkTarget = l[1]
	}
	return s, true
}

func (img synthImage) cat(t testing.TB, path string) []byte {
	t.Helper()
	out, stderr := img.debugfsRun(t, "cat "+path)
	if strings.Contains(stderr, "not found") {
		t.Fatalf("%s missing from the root file system", path)
	}
	return []byte(out)
}

func (img synthImage) debugfsRun(t testing.TB, request string) (string, string) {
	t.Helper()
	cmd := exec.Command(img.debugfs, "-R", request, fmt.Sprintf("%s?offset=%d", img.path, img.root))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("debugfs -R %q: %v\n%s", request, err, stderr.String())
	}
	return stdout.String(), stderr.String()
}

// fatFile reads a file from the FAT boot partition with mtools' mtype.
func (img synthImage) fatFile(t testing.TB, name string) []byte {
	t.Helper()
	mtype := peertest.Require(t, "mtype", "mtools")
	return mustRun(t, "", mtype, "-i", fmt.Sprintf("%s@@%d", img.path, img.boot), "::"+name)
}

// fatNames lists the root folder of the FAT boot partition.
func (img synthImage) fatNames(t testing.TB) []string {
	t.Helper()
	mdir := peertest.Require(t, "mdir", "mtools")
	out := mustRun(t, "", mdir, "-b", "-i", fmt.Sprintf("%s@@%d", img.path, img.boot), "::")
	var names []string
	for _, l := range strings.Fields(string(out)) {
		names = append(names, strings.TrimPrefix(l, "::/"))
	}
	return names
}
