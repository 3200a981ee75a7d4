// Package image writes einkterm into a Raspberry Pi OS Lite or
// BeagleBone Debian SD card image, without root and without mounting
// anything: the MBR is read in Go, the FAT boot partition is written
// with mtools (mcopy, mtype, mattrib at "-i IMAGE@@OFFSET") and the ext4
// root file system with e2fsprogs (debugfs -w on "IMAGE?offset=BYTES").
//
// The base image is never modified: Build copies it to the output first
// and works on the copy, which replaces the output file only when every
// step succeeded.
package image
