package image

import (
	"debug/elf"
	"fmt"
)

// elfArch returns the GOARCH of an ELF executable's machine.
func elfArch(data []byte) (string, error) {
	if len(data) < 20 || string(data[:4]) != elf.ELFMAG {
		return "", fmt.Errorf("not an ELF executable")
	}
	if elf.Data(data[elf.EI_DATA]) != elf.ELFDATA2LSB {
		return "", fmt.Errorf("big-endian ELF")
	}
	machine := elf.Machine(uint16(data[18]) | uint16(data[19])<<8)
	switch machine {
	case elf.EM_ARM:
		return "arm", nil
	case elf.EM_AARCH64:
		return "arm64", nil
	case elf.EM_X86_64:
		return "amd64", nil
	case elf.EM_386:
		return "386", nil
	}
	return "", fmt.Errorf("ELF machine %v", machine)
}

// archProbes are programs that every Debian root file system has. The
// first one found gives the image's architecture. /usr/bin comes first because
// /bin is a symbolic link to it on merged-/usr systems.
var archProbes = []string{"/usr/bin/env", "/bin/ls", "/usr/bin/ls", "/bin/sh"}

// distName returns the name of the make dist binary for arch on board.
func distName(arch, board string) string {
	switch {
	case arch == "arm" && board == "rpi":
		// armv6 runs on every Pi, including the Zero W.
		return "einkterm-linux-armv6"
	case arch == "arm":
		return "einkterm-linux-armv7"
	}
	return "einkterm-linux-" + arch
}
