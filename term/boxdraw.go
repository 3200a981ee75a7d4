package term

// Box drawing (U+2500 to U+257F) and block elements (U+2580 to U+259F)
// are drawn from geometry, not taken from a font, so that lines meet
// across cells at every cell size.

// boxArms gives the arms of each box drawing character from U+2500 as
// four digits, left, right, up and down: 0 none, 1 light, 2 heavy,
// 3 double. Dashed lines are drawn solid; arcs as square corners.
var boxArms = [0x80]string{
	"1100", "2200", "0011", "0022", "1100", "2200", "0011", "0022", // ─━│┃┄┅┆┇
	"1100", "2200", "0011", "0022", "0101", "0201", "0102", "0202", // ┈┉┊┋┌┍┎┏
	"1001", "2001", "1002", "2002", "0110", "0210", "0120", "0220", // ┐┑┒┓└┕┖┗
	"1010", "2010", "1020", "2020", "0111", "0211", "0121", "0112", // ┘┙┚┛├┝┞┟
	"0122", "0221", "0212", "0222", "1011", "2011", "1021", "1012", // ┠┡┢┣┤┥┦┧
	"1022", "2021", "2012", "2022", "1101", "2101", "1201", "2201", // ┨┩┪┫┬┭┮┯
	"1102", "2102", "1202", "2202", "1110", "2110", "1210", "2210", // ┰┱┲┳┴┵┶┷
	"1120", "2120", "1220", "2220", "1111", "2111", "1211", "2211", // ┸┹┺┻┼┽┾┿
	"1121", "1112", "1122", "2121", "1221", "2112", "1212", "2221", // ╀╁╂╃╄╅╆╇
	"2212", "2122", "1222", "2222", "1100", "2200", "0011", "0022", // ╈╉╊╋╌╍╎╏
	"3300", "0033", "0301", "0103", "0303", "3001", "1003", "3003", // ═║╒╓╔╕╖╗
	"0310", "0130", "0330", "3010", "1030", "3030", "0311", "0133", // ╘╙╚╛╜╝╞╟
	"0333", "3011", "1033", "3033", "3301", "1103", "3303", "3310", // ╠╡╢╣╤╥╦╧
	"1130", "3330", "3311", "1133", "3333", "0101", "1001", "1010", // ╨╩╪╫╬╭╮╯
	"0110", "", "", "", "1000", "0010", "0100", "0001", // ╰╱╲╳╴╵╶╷
	"2000", "0020", "0200", "0002", "1200", "0012", "2100", "0021", // ╸╹╺╻╼╽╾╿
}

// isBoxOrBlock reports whether r is drawn by drawBox.
func isBoxOrBlock(r rune) bool {
	return r >= 0x2500 && r <= 0x259f
}

// drawBox returns the bitmap of a box drawing or block element character
// in a cell of w by h pixels.
func drawBox(r rune, w, h int) []uint64 {
	rows := make([]uint64, h)
	if r >= 0x2580 {
		drawBlock(rows, r, w, h)
		return rows
	}
	switch r {
	case 0x2571, 0x2572, 0x2573:
		drawDiagonals(rows, r, w, h)
		return rows
	}
	arms := boxArms[r-0x2500]
	light := max(1, (min(w, h*2/3)+4)/8)
	weight := func(i int) int { return int(arms[i] - '0') }

	// The band of the vertical arms, which horizontal arms reach into,
	// and the band of the horizontal arms, which vertical arms reach into.
	px, py := (w-light)/2, (h-light)/2
	vx0, vx1 := band(max(weight(2), weight(3)), px, light)
	hy0, hy1 := band(max(weight(0), weight(1)), py, light)
	if weight(0)+weight(1)+weight(2)+weight(3) > 0 && doubleOnly(arms) {
		drawDouble(rows, weight, px, py, light, w, h)
		return rows
	}
	for _, s := range spans(weight(0), py, light) {
		fillRect(rows, 0, s[0], vx1, s[1])
	}
	for _, s := range spans(weight(1), py, light) {
		fillRect(rows, vx0, s[0], w, s[1])
	}
	for _, s := range spans(weight(2), px, light) {
		fillRect(rows, s[0], 0, s[1], hy1)
	}
	for _, s := range spans(weight(3), px, light) {
		fillRect(rows, s[0], hy0, s[1], h)
	}
	return rows
}

// doubleOnly reports whether every arm is double or absent.
func doubleOnly(arms string) bool {
	for _, a := range arms {
		if a != '0' && a != '3' {
			return false
		}
	}
	return true
}

// drawDouble draws double lines so that each stroke stops at the stroke
// it meets: the outer strokes of a corner join, and crossings leave the
// centre open.
func drawDouble(rows []uint64, weight func(int) int, px, py, t, w, h int) {
	has := func(i int) bool { return weight(i) != 0 }
	// Strokes lie at [p-t, p) (near) and [p+t, p+2t) (far).
	ends := func(perp bool, start bool) int {
		// A stroke that meets a perpendicular double arm stops at the
		// near stroke (from the start side) or begins at the far one.
		if start {
			if perp {
				return t
			}
			return -t
		}
		if perp {
			return 0
		}
		return 2 * t
	}
	if has(0) { // left: top stroke meets up, bottom meets down
		fillRect(rows, 0, py-t, px+ends(has(2), false), py)
		fillRect(rows, 0, py+t, px+ends(has(3), false), py+2*t)
	}
	if has(1) {
		fillRect(rows, px+ends(has(2), true), py-t, w, py)
		fillRect(rows, px+ends(has(3), true), py+t, w, py+2*t)
	}
	if has(2) { // up: left stroke meets left, right meets right
		fillRect(rows, px-t, 0, px, py+ends(has(0), false))
		fillRect(rows, px+t, 0, px+2*t, py+ends(has(1), false))
	}
	if has(3) {
		fillRect(rows, px-t, py+ends(has(0), true), px, h)
		fillRect(rows, px+t, py+ends(has(1), true), px+2*t, h)
	}
}

// spans returns the strokes, as [start, end) across the line, of a line
// of the given weight whose light form starts at pos with width light.
func spans(weight, pos, light int) [][2]int {
	switch weight {
	case 1:
		return [][2]int{{pos, pos + light}}
	case 2:
		heavy := light + max(1, light/2)
		start := pos - (heavy-light)/2
		return [][2]int{{start, start + heavy}}
	case 3:
		return [][2]int{{pos - light, pos}, {pos + light, pos + 2*light}}
	}
	return nil
}

// band returns the extent of the strokes of a line, or of a light line
// when weight is 0.
func band(weight, pos, light int) (start, end int) {
	s := spans(max(weight, 1), pos, light)
	return s[0][0], s[len(s)-1][1]
}

// fillRect sets the pixels of [x0, x1) x [y0, y1), clipped to the rows.
func fillRect(rows []uint64, x0, y0, x1, y1 int) {
	x0, y0 = max(x0, 0), max(y0, 0)
	x1, y1 = min(x1, 64), min(y1, len(rows))
	if x0 >= x1 {
		return
	}
	mask := (uint64(1)<<(x1-x0) - 1) << x0
	if x1-x0 == 64 {
		mask = ^uint64(0)
	}
	for y := y0; y < y1; y++ {
		rows[y] |= mask
	}
}

func drawDiagonals(rows []uint64, r rune, w, h int) {
	for y := 0; y < h; y++ {
		x := y * w / h
		if r != 0x2572 { // ╱ and ╳
			rows[y] |= 1 << (w - 1 - x)
		}
		if r != 0x2571 { // ╲ and ╳
			rows[y] |= 1 << x
		}
	}
}

// drawBlock draws block elements U+2580 to U+259F.
func drawBlock(rows []uint64, r rune, w, h int) {
	eighthY := func(n int) int { return (h*n + 4) / 8 }
	eighthX := func(n int) int { return (w*n + 4) / 8 }
	hw, hh := w/2, h/2
	switch {
	case r == 0x2580:
		fillRect(rows, 0, 0, w, hh)
	case r >= 0x2581 && r <= 0x2588:
		fillRect(rows, 0, h-eighthY(int(r-0x2580)), w, h)
	case r >= 0x2589 && r <= 0x258f:
		fillRect(rows, 0, 0, eighthX(int(0x2590-r)), h)
	case r == 0x2590:
		fillRect(rows, hw, 0, w, h)
	case r >= 0x2591 && r <= 0x2593:
		drawShade(rows, int(r-0x2590), w, h)
	case r == 0x2594:
		fillRect(rows, 0, 0, w, eighthY(1))
	case r == 0x2595:
		fillRect(rows, w-eighthX(1), 0, w, h)
	default:
		// Quadrants: bits 1 upper left, 2 upper right, 4 lower left,
		// 8 lower right.
		q := [...]int{4, 8, 1, 1 | 4 | 8, 1 | 8, 1 | 2 | 4, 1 | 2 | 8, 2, 2 | 4, 2 | 4 | 8}[r-0x2596]
		if q&1 != 0 {
			fillRect(rows, 0, 0, hw, hh)
		}
		if q&2 != 0 {
			fillRect(rows, hw, 0, w, hh)
		}
		if q&4 != 0 {
			fillRect(rows, 0, hh, hw, h)
		}
		if q&8 != 0 {
			fillRect(rows, hw, hh, w, h)
		}
	}
}

// drawShade fills a quarter (1), half (2) or three quarters (3) of the
// pixels in an even pattern that continues across cells of even size.
func drawShade(rows []uint64, level, w, h int) {
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			on := false
			switch level {
			case 1:
				on = x%2 == 0 && y%2 == 0
			case 2:
				on = (x+y)%2 == 0
			case 3:
				on = !(x%2 == 1 && y%2 == 1)
			}
			if on {
				rows[y] |= 1 << x
			}
		}
	}
}
