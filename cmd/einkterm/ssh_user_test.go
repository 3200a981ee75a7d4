package main

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/einkterm/einkterm/deploy/peertest"
)

// TestSSHUserWithoutEnv logs in with no user name on the command line
// and no $USER, as under a systemd unit that sets only HOME and TERM:
// the name comes from the user database. The binary is built with
// CGO_ENABLED=0, so os/user reads /etc/passwd itself.
func TestSSHUserWithoutEnv(t *testing.T) {
	me, err := user.Current()
	if err != nil {
		t.Fatalf("the current user is not in the user database: %v", err)
	}
	s := peertest.StartSSHD(t, peertest.SSHDOptions{})
	bin := filepath.Join(t.TempDir(), "einkterm")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	dir := t.TempDir()
	cmd := exec.Command(bin, "ssh", "--display", "record:"+dir, "--panel", testPanel,
		"-F", "none", "--known-hosts", s.KnownHosts, "--no-agent", "-i", s.ClientKey,
		"-p", strconv.Itoa(s.Port), "127.0.0.1", "echo logged-in-as-$(id -un)")
	cmd.Env = []string{"HOME=" + os.Getenv("HOME"), "TERM=linux"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("einkterm ssh without $USER: %v\n%s", err, out)
	}
	screen := readFile(filepath.Join(dir, "screen.txt"))
	if !strings.Contains(screen, "logged-in-as-"+me.Username) {
		t.Errorf("the screen does not show the login as %s:\n%s", me.Username, screen)
	}
}
