package term

import "fmt"

// MinFontSize and MaxFontSize bound Options.FontSize and SetFontSize, in
// pixels of cell height. A glyph row is a uint64 and a wide character
// spans two cells, so a cell is at most maxCellWidth pixels wide. At 48
// pixels the bundled font is 24 wide, and Go Mono and DejaVu Sans Mono
// stay under 32 (TestFontSizeRangeRenders). Below 6 pixels text cannot
// be read.
const (
	MinFontSize = 6
	MaxFontSize = 48
)

// maxCellWidth is the widest cell in pixels that glyph rows can hold
// for a character two cells wide.
const maxCellWidth = 32

// checkFontSize rejects a font size outside MinFontSize to MaxFontSize.
// Zero, which picks the size from the DPI, is accepted.
func checkFontSize(size int) error {
	if size == 0 || (size >= MinFontSize && size <= MaxFontSize) {
		return nil
	}
	return fmt.Errorf("term: font size %d out of range: use %d to %d pixels, or 0 to pick it from the DPI",
		size, MinFontSize, MaxFontSize)
}

// autoFontSize returns the cell height for dpi, held to the range of
// checkFontSize.
func autoFontSize(dpi int) int {
	return min(max(cellHeightForDPI(dpi), MinFontSize), MaxFontSize)
}
