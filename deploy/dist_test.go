package deploy

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/einkterm/einkterm/deploy/peertest"
)

// TestMakeDist runs make dist into a temporary folder and checks each
// binary's CPU, static linking and stamped version, and SHA256SUMS.
func TestMakeDist(t *testing.T) {
	if testing.Short() {
		t.Skip("builds four binaries; skipped with -short")
	}
	makeTool := peertest.Require(t, "make", "make")
	dir := t.TempDir()
	cmd := exec.Command(makeTool, "-C", "..", "dist", "DIST="+dir,
		"VERSION=v9.9.9-dist", "COMMIT=d15700", "GO="+filepath.Join(runtime.GOROOT(), "bin", "go"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make dist: %v\n%s", err, out)
	}

	want := map[string]elf.Machine{
		"einkterm-linux-armv6": elf.EM_ARM,
		"einkterm-linux-armv7": elf.EM_ARM,
		"einkterm-linux-arm64": elf.EM_AARCH64,
		"einkterm-linux-amd64": elf.EM_X86_64,
	}
	sums, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	for name, machine := range want {
		path := filepath.Join(dir, name)
		checkStaticELF(t, path, machine)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if line := hex.EncodeToString(sum[:]) + "  " + name + "\n"; !strings.Contains(string(sums), line) {
			t.Errorf("SHA256SUMS lacks %q:\n%s", line, sums)
		}
	}

	if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
		out, err := exec.Command(filepath.Join(dir, "einkterm-linux-amd64"), "version").Output()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(out), "einkterm v9.9.9-dist (commit d15700) ") {
			t.Errorf("version output %q lacks the stamped version and commit", out)
		}
	}
}

func checkStaticELF(t *testing.T, path string, machine elf.Machine) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	if f.Machine != machine {
		t.Errorf("%s: machine %v, want %v", filepath.Base(path), f.Machine, machine)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s has a program interpreter: it is not statically linked", filepath.Base(path))
		}
	}
}
