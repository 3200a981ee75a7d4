//go:build !purego

package display

import "golang.org/x/sys/cpu"

// haveDiffBlocks is true when diffBlocks reads at about the speed of
// bytes.Equal: on x86-64 processors with AVX2.
var haveDiffBlocks = cpu.X86.HasAVX2

// diffBlocksAVX2 is diffBlocks in assembly (diffblocks_amd64.s), with no
// checks of its arguments.
//
//go:noescape
func diffBlocksAVX2(a, b []byte, out []diffBlock) (n, next int)

// diffBlocks compares a and b in 64-byte blocks, over len(a) rounded
// down to a multiple of 64, and records each block that differs in out.
// It stops when out is full, and returns the number of blocks recorded
// and the offset after the last block compared. b must be at least as
// long as a, and out must not be empty.
func diffBlocks(a, b []byte, out []diffBlock) (n, next int) {
	// Panic here, not read out of bounds in the assembly.
	_ = b[:len(a)]
	_ = out[0]
	return diffBlocksAVX2(a, b, out)
}
