package term

// Color is a cell colour: the terminal's default foreground or
// background, an index of the 256-colour palette, or a 24-bit RGB value.
type Color uint32

// Kinds of Color, stored in its top byte.
const (
	colorIndexed Color = 1 << 24
	colorRGB     Color = 2 << 24
	colorKind    Color = 0xff << 24

	// DefaultFG is the default foreground colour.
	DefaultFG Color = 3 << 24
	// DefaultBG is the default background colour.
	DefaultBG Color = 4 << 24
)

// Indexed returns palette colour i (0 to 255).
func Indexed(i uint8) Color { return colorIndexed | Color(i) }

// RGB returns a 24-bit colour.
func RGB(r, g, b uint8) Color {
	return colorRGB | Color(r)<<16 | Color(g)<<8 | Color(b)
}

// ansi16 is the xterm palette of the first 16 colours.
var ansi16 = [16][3]uint8{
	{0, 0, 0}, {205, 0, 0}, {0, 205, 0}, {205, 205, 0},
	{0, 0, 238}, {205, 0, 205}, {0, 205, 205}, {229, 229, 229},
	{127, 127, 127}, {255, 0, 0}, {0, 255, 0}, {255, 255, 0},
	{92, 92, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
}

// rgb returns the colour's red, green and blue. Defaults are black text
// on white paper.
func (c Color) rgb() (r, g, b uint8) {
	switch c & colorKind {
	case colorRGB:
		return uint8(c >> 16), uint8(c >> 8), uint8(c)
	case colorIndexed:
		return paletteRGB(uint8(c))
	case DefaultBG:
		return 255, 255, 255
	}
	return 0, 0, 0
}

func paletteRGB(i uint8) (r, g, b uint8) {
	switch {
	case i < 16:
		p := ansi16[i]
		return p[0], p[1], p[2]
	case i < 232:
		i -= 16
		return cubeLevel(i / 36), cubeLevel(i / 6 % 6), cubeLevel(i % 6)
	}
	v := 8 + 10*(i-232)
	return v, v, v
}

func cubeLevel(v uint8) uint8 {
	if v == 0 {
		return 0
	}
	return 55 + 40*v
}

// luminance returns the colour's luma (Rec. 601) from 0 to 255.
func (c Color) luminance() uint8 {
	r, g, b := c.rgb()
	return uint8((299*int(r) + 587*int(g) + 114*int(b) + 500) / 1000)
}
