package deploy

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
)

// TestCrossBinariesUnderQemu builds einkterm as make dist does for each
// ARM target and runs it under qemu-user: the version command, and a
// headless shell session on the recorder display.
func TestCrossBinariesUnderQemu(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three binaries; skipped with -short")
	}
	targets := []struct {
		name, goarch, goarm, qemu, platform string
	}{
		{"armv6", "arm", "6", "qemu-arm", "linux/arm"},
		{"armv7", "arm", "7", "qemu-arm", "linux/arm"},
		{"arm64", "arm64", "", "qemu-aarch64", "linux/arm64"},
	}
	for _, tc := range targets {
		t.Run(tc.name, func(t *testing.T) {
			qemu := peertest.Require(t, tc.qemu, "qemu-user")
			bin := buildEinkterm(t, tc.goarch, tc.goarm)

			out := runQemu(t, qemu, bin, "version")
			first, _, _ := strings.Cut(out, "\n")
			if !strings.HasPrefix(first, "einkterm v9.9.9-test (commit c0ffee) ") ||
				!strings.HasSuffix(first, " "+tc.platform) {
				t.Errorf("version line %q lacks the stamped version or %s", first, tc.platform)
			}
			if tc.goarm != "" && !strings.Contains(out, "GOARM="+tc.goarm) {
				t.Errorf("version output lacks GOARM=%s:\n%s", tc.goarm, out)
			}

			rec := t.TempDir()
			runQemu(t, qemu, bin, "shell", "--display", "record:"+rec, "--panel", "800x600", "--", "echo", "ok")
			screen, err := os.ReadFile(filepath.Join(rec, "screen.txt"))
			if err != nil {
				t.Fatal(err)
			}
			if first, _, _ := strings.Cut(string(screen), "\n"); first != "ok" {
				t.Errorf("screen.txt starts %q, want the line ok", first)
			}
		})
	}
}

// buildEinkterm cross-builds the command with the flags of make dist.
func buildEinkterm(t *testing.T, goarch, goarm string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "einkterm")
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(goTool, "build", "-trimpath",
		"-ldflags", "-s -w -X main.version=v9.9.9-test -X main.commit=c0ffee",
		"-o", bin, "github.com/einkterm/einkterm/cmd/einkterm")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch, "GOARM="+goarm)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build for %s %s: %v\n%s", goarch, goarm, err, out)
	}
	return bin
}

func runQemu(t *testing.T, qemu, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, qemu, append([]string{bin}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s einkterm %s: %v\n%s", filepath.Base(qemu), strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}
