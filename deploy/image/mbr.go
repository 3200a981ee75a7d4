package image

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"
)

const sectorSize = 512

// Partition is one primary entry of an MBR partition table.
type Partition struct {
	Number  int    // 1 to 4
	Type    byte   // MBR partition type, such as 0x0c (FAT32 LBA) or 0x83 (Linux)
	Start   uint32 // first sector
	Sectors uint32 // length in sectors
}

// Offset returns the partition's first byte in the image.
func (p Partition) Offset() int64 { return int64(p.Start) * sectorSize }

// End returns the byte after the partition's last one.
func (p Partition) End() int64 { return p.Offset() + int64(p.Sectors)*sectorSize }

func (p Partition) String() string {
	return fmt.Sprintf("partition %d type 0x%02x (%s) at sector %d, %d MiB",
		p.Number, p.Type, typeName(p.Type), p.Start, int64(p.Sectors)*sectorSize>>20)
}

// isFAT reports whether t is one of the FAT partition types that boot
// firmware reads.
func isFAT(t byte) bool { return t == 0x0b || t == 0x0c || t == 0x0e || t == 0x06 }

func typeName(t byte) string {
	switch {
	case isFAT(t):
		return "FAT"
	case t == 0x83:
		return "Linux"
	case t == 0x82:
		return "Linux swap"
	case t == 0xee:
		return "GPT protective"
	case t == 0x05 || t == 0x0f:
		return "extended"
	}
	return "other"
}

// ReadMBR returns the used primary partitions of the image r of size
// bytes. It rejects a missing signature, a GPT disk, compressed images
// and partitions that overlap or end past the end of the image.
func ReadMBR(r io.ReaderAt, size int64) ([]Partition, error) {
	var mbr [sectorSize]byte
	if _, err := r.ReadAt(mbr[:], 0); err != nil {
		return nil, fmt.Errorf("image: cannot read the partition table (image is %d bytes): %w", size, err)
	}
	if kind := compressed(mbr[:]); kind != "" {
		return nil, fmt.Errorf("image: the base image is %s-compressed: decompress it first (%s), then pass the .img", kind, unpackHint(kind))
	}
	if mbr[510] != 0x55 || mbr[511] != 0xaa {
		return nil, fmt.Errorf("image: no MBR partition table (bytes 510-511 are %02x %02x, not 55 aa): expected a Raspberry Pi OS or BeagleBone Debian .img", mbr[510], mbr[511])
	}

	var parts []Partition
	for i := range 4 {
		e := mbr[446+16*i : 446+16*(i+1)]
		p := Partition{
			Number:  i + 1,
			Type:    e[4],
			Start:   binary.LittleEndian.Uint32(e[8:]),
			Sectors: binary.LittleEndian.Uint32(e[12:]),
		}
		if p.Type == 0 || p.Sectors == 0 {
			continue
		}
		if p.Type == 0xee {
			return nil, fmt.Errorf("image: the disk uses a GPT partition table: expected an MBR (DOS) table as Raspberry Pi OS and BeagleBone Debian images have")
		}
		if p.End() > size {
			return nil, fmt.Errorf("image: %v ends at byte %d but the image has only %d bytes: the image is truncated, download or decompress it again", p, p.End(), size)
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("image: the MBR has no partitions: expected a FAT boot and an ext4 root partition")
	}
	if err := checkOverlap(parts); err != nil {
		return nil, err
	}
	return parts, nil
}

func checkOverlap(parts []Partition) error {
	for i, a := range parts {
		for _, b := range parts[i+1:] {
			if a.Offset() < b.End() && b.Offset() < a.End() {
				return fmt.Errorf("image: %v overlaps %v: the partition table is corrupt", a, b)
			}
		}
	}
	return nil
}

// compressed returns the format of a compressed file's header, or "".
func compressed(head []byte) string {
	switch {
	case strings.HasPrefix(string(head), "\xfd7zXZ\x00"):
		return "xz"
	case strings.HasPrefix(string(head), "\x1f\x8b"):
		return "gzip"
	case strings.HasPrefix(string(head), "PK\x03\x04"):
		return "zip"
	case strings.HasPrefix(string(head), "\x28\xb5\x2f\xfd"):
		return "zstd"
	}
	return ""
}

func unpackHint(kind string) string {
	switch kind {
	case "xz":
		return "xz -dk IMAGE.img.xz"
	case "gzip":
		return "gunzip -k IMAGE.img.gz"
	case "zip":
		return "unzip IMAGE.zip"
	}
	return "zstd -d IMAGE.img.zst"
}

func formatTable(parts []Partition) string {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = p.String()
	}
	return strings.Join(s, "; ")
}
