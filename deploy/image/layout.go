package image

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// Boards are the accepted values of Options.Board.
var Boards = []string{"rpi", "bbb"}

// Layout is the pair of partitions that hold a board image's file
// systems.
type Layout struct {
	// Boot is the FAT boot partition, or nil when the image has none
	// (older BeagleBone Debian images boot from /boot on the root).
	Boot *Partition
	Root Partition // the ext4 root file system
}

// DetectLayout checks the partition table of a board's image and the
// file systems in it. Raspberry Pi OS has a FAT boot partition 1 and an
// ext4 root partition 2. BeagleBone Debian has its ext4 root in the last
// Linux partition, after an optional FAT boot partition 1 and swap.
func DetectLayout(r io.ReaderAt, size int64, board string) (Layout, error) {
	parts, err := ReadMBR(r, size)
	if err != nil {
		return Layout{}, err
	}
	switch board {
	case "rpi":
		return rpiLayout(r, parts)
	case "bbb":
		return bbbLayout(r, parts)
	}
	return Layout{}, fmt.Errorf("image: unknown board %q: use rpi or bbb", board)
}

func rpiLayout(r io.ReaderAt, parts []Partition) (Layout, error) {
	const want = "partition 1 FAT (type 0x0c) and partition 2 Linux ext4 (type 0x83), as in Raspberry Pi OS"
	if len(parts) < 2 || parts[0].Number != 1 || !isFAT(parts[0].Type) ||
		parts[1].Number != 2 || parts[1].Type != 0x83 {
		return Layout{}, fmt.Errorf("image: not a Raspberry Pi OS image: found %s; expected %s", formatTable(parts), want)
	}
	l := Layout{Boot: &parts[0], Root: parts[1]}
	return l, checkFileSystems(r, l)
}

func bbbLayout(r io.ReaderAt, parts []Partition) (Layout, error) {
	var l Layout
	for i := range parts {
		p := parts[i]
		switch {
		case p.Number == 1 && isFAT(p.Type):
			l.Boot = &parts[i]
		case p.Type == 0x83:
			l.Root = p
		}
	}
	if l.Root.Number == 0 {
		return Layout{}, fmt.Errorf("image: not a BeagleBone Debian image: found %s; expected a Linux ext4 root partition (type 0x83), after an optional FAT boot partition 1", formatTable(parts))
	}
	return l, checkFileSystems(r, l)
}

// checkFileSystems reads the boot sector of the FAT partition and the
// superblock of the ext4 one, so a table that only looks right is
// rejected before any tool writes to the image.
func checkFileSystems(r io.ReaderAt, l Layout) error {
	if l.Boot != nil {
		if err := checkFAT(r, *l.Boot); err != nil {
			return err
		}
	}
	return checkExt4(r, l.Root)
}

func checkFAT(r io.ReaderAt, p Partition) error {
	var bs [sectorSize]byte
	if _, err := r.ReadAt(bs[:], p.Offset()); err != nil {
		return fmt.Errorf("image: cannot read the boot sector of %v: %w", p, err)
	}
	fat16 := bytes.HasPrefix(bs[54:], []byte("FAT"))
	fat32 := bytes.HasPrefix(bs[82:], []byte("FAT32"))
	if bs[510] != 0x55 || bs[511] != 0xaa || !(fat16 || fat32) {
		return fmt.Errorf("image: %v contains no FAT file system (FAT boot sector missing): expected the FAT boot partition", p)
	}
	return nil
}

func checkExt4(r io.ReaderAt, p Partition) error {
	// The superblock starts 1024 bytes into the file system; its magic
	// number 0xEF53 is at byte 56 of it.
	var sb [2]byte
	if _, err := r.ReadAt(sb[:], p.Offset()+1024+56); err != nil {
		return fmt.Errorf("image: cannot read the superblock of %v: %w", p, err)
	}
	if binary.LittleEndian.Uint16(sb[:]) != 0xef53 {
		return fmt.Errorf("image: %v contains no ext2/3/4 file system (superblock magic 0xEF53 missing): expected the ext4 root file system", p)
	}
	return nil
}
