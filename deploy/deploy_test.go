package deploy

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestSystemdUnitVerifies(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not found: this test runs where systemd is installed")
	}
	// verify checks that ExecStart names an executable file, so the
	// unit's binary path is replaced by this test binary's path.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	unit := bytes.ReplaceAll(SystemdUnit, []byte("/usr/local/bin/einkterm"), []byte(self))
	path := filepath.Join(t.TempDir(), UnitName)
	if err := os.WriteFile(path, unit, 0o644); err != nil {
		t.Fatal(err)
	}

	out, err := exec.Command(analyze, "verify", "--man=no", path).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze verify failed: %v\n%s", err, out)
	}
	// Unknown keys and bad values are warnings with exit status 0.
	if len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify warned:\n%s", out)
	}
}

func TestSystemdUnitSettings(t *testing.T) {
	unit := string(SystemdUnit)
	for _, want := range []string{
		"ExecStart=/usr/local/bin/einkterm ",
		"Restart=on-failure",
		"RestartSec=",
		"StartLimitIntervalSec=",
		"StartLimitBurst=",
		"KillSignal=SIGTERM",
		"SuccessExitStatus=143 129",
		"RestartForceExitStatus=129",
		"TimeoutStopSec=",
		"WantedBy=multi-user.target",
	} {
		if !strings.Contains(unit, "\n"+want) {
			t.Errorf("unit lacks a line starting %q", want)
		}
	}
}
