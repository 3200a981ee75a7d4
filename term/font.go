package term

// scaleRows enlarges a bitmap by an integer factor, pixel by pixel.
func scaleRows(rows []uint64, scale int) []uint64 {
	if scale == 1 {
		return rows
	}
	out := make([]uint64, 0, len(rows)*scale)
	for _, r := range rows {
		var s uint64
		for x := 0; x < 64/scale; x++ {
			if r&(1<<x) != 0 {
				s |= (1<<scale - 1) << (x * scale)
			}
		}
		for i := 0; i < scale; i++ {
			out = append(out, s)
		}
	}
	return out
}

// missingGlyph returns a hollow box for characters no font has.
func missingGlyph(w, h int) []uint64 {
	rows := make([]uint64, h)
	top, bottom := h/6, h-h/6-1
	left, right := 1, w-2
	for y := top; y <= bottom; y++ {
		rows[y] = 1<<left | 1<<right
		if y == top || y == bottom {
			for x := left; x <= right; x++ {
				rows[y] |= 1 << x
			}
		}
	}
	return rows
}
