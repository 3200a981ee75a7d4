package image

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestEnableSPIPi(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"uncomments", "a=1\n#dtparam=spi=on\nb=2\n", "a=1\ndtparam=spi=on\nb=2\n"},
		{"already on", "dtparam=spi=on\n[pi4]\nx=1\n", "dtparam=spi=on\n[pi4]\nx=1\n"},
		{"on only in a filter", "[pi4]\ndtparam=spi=on\n", "[pi4]\ndtparam=spi=on\n\n[all]\n# einkterm: the e-paper HAT is on SPI0.\ndtparam=spi=on\n"},
		{"commented in a filter", "[cm4]\n#dtparam=spi=on\n", "[cm4]\n#dtparam=spi=on\n\n[all]\n# einkterm: the e-paper HAT is on SPI0.\ndtparam=spi=on\n"},
		{"after all", "[pi4]\nx=1\n[all]\n#dtparam=spi=on\n", "[pi4]\nx=1\n[all]\ndtparam=spi=on\n"},
		{"missing", "a=1", "a=1\n\n[all]\n# einkterm: the e-paper HAT is on SPI0.\ndtparam=spi=on\n"},
	}
	for _, tc := range tests {
		if got := enableSPIPi(tc.in); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestSetConfigLine(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"replaces active", "k=0\n", "k=1\n"},
		{"uncomments", "# k=0\nx=2\n", "k=1\nx=2\n"},
		{"comments later duplicate", "#k=0\nk=5\n", "k=1\n#k=5\n"},
		{"appends", "x=2", "x=2\nk=1\n"},
		{"leaves similar keys", "kk=3\n", "kk=3\nk=1\n"},
	}
	for _, tc := range tests {
		if got := setConfigLine(tc.in, "k", "1"); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestReadMBROverlap(t *testing.T) {
	data := make([]byte, 2<<20)
	entry := func(i int, typ byte, start, n uint32) {
		e := data[446+16*i:]
		e[4] = typ
		e[8], e[9], e[10], e[11] = byte(start), byte(start>>8), byte(start>>16), byte(start>>24)
		e[12], e[13], e[14], e[15] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
	}
	entry(0, 0x0c, 2048, 100)
	entry(1, 0x83, 2100, 100)
	data[510], data[511] = 0x55, 0xaa
	if _, err := ReadMBR(readerAt(data), int64(len(data))); err == nil {
		t.Error("overlapping partitions accepted")
	}
	entry(1, 0x83, 2148, 100)
	parts, err := ReadMBR(readerAt(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 2 || parts[1].Offset() != 2148*512 || parts[1].End() != 2248*512 {
		t.Errorf("parts = %v", parts)
	}
}

type readerAt []byte

func (r readerAt) ReadAt(p []byte, off int64) (int, error) {
	return copy(p, r[off:]), nil
}

func TestCopyFileSparse(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	data := make([]byte, 5<<20+123)
	copy(data[2<<20:], "middle")
	copy(data[len(data)-3:], "end")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tail := range []int{0, 3} {
		in := data[:len(data)-tail]
		if err := os.WriteFile(src, in, 0o644); err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, fmt.Sprintf("dst%d", tail))
		if err := copyFile(src, dst); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, in) {
			t.Errorf("copy of %d bytes differs (got %d bytes)", len(in), len(got))
		}
	}
}

func TestSetKernelArg(t *testing.T) {
	tests := []struct{ in, want string }{
		{"console=tty1 root=PARTUUID=1-02 rootwait\n", "console=tty1 root=PARTUUID=1-02 rootwait cfg80211.ieee80211_regdom=GB\n"},
		{"a cfg80211.ieee80211_regdom=US b", "a b cfg80211.ieee80211_regdom=GB\n"},
	}
	for _, tc := range tests {
		if got := setKernelArg(tc.in, "cfg80211.ieee80211_regdom", "GB"); got != tc.want {
			t.Errorf("setKernelArg(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
