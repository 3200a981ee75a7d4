//go:build !amd64 || purego

package display

// haveDiffBlocks is false where diffBlocks has no vector code, and Diff
// compares blocks with bytes.Equal instead.
var haveDiffBlocks = false

// diffBlocks calls diffBlocksGo here, for tests. Diff does not call it
// where haveDiffBlocks is false.
func diffBlocks(a, b []byte, out []diffBlock) (n, next int) {
	return diffBlocksGo(a, b, out)
}
