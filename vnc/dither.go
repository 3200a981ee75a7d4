package vnc

import "sync"

// Dither selects how gray levels become the panel's levels.
type Dither uint8

const (
	// DitherOrdered uses an 8x8 Bayer matrix keyed to panel coordinates:
	// a pixel's output depends only on its gray level and its position,
	// so an unchanged area stays unchanged under any partial update.
	DitherOrdered Dither = iota
	// DitherNone rounds each pixel to the nearest level, which keeps
	// text edges crisp and loses gradients.
	DitherNone
	// DitherBlueNoise uses a 64x64 blue-noise mask keyed to panel
	// coordinates: as stable as DitherOrdered, without its cross-hatch.
	DitherBlueNoise
)

// bayer8 is the 8x8 Bayer threshold matrix, values 0 to 63.
var bayer8 = [8][8]uint8{
	{0, 32, 8, 40, 2, 34, 10, 42},
	{48, 16, 56, 24, 50, 18, 58, 26},
	{12, 44, 4, 36, 14, 46, 6, 38},
	{60, 28, 52, 20, 62, 30, 54, 22},
	{3, 35, 11, 43, 1, 33, 9, 41},
	{51, 19, 59, 27, 49, 17, 57, 25},
	{15, 47, 7, 39, 13, 45, 5, 37},
	{63, 31, 55, 23, 61, 29, 53, 21},
}

// quantizer maps 8-bit gray to a panel level at a panel position.
type quantizer struct {
	levels int // 2^depth
	dither Dither
	table  *[64][256]uint8                      // level by threshold and gray, from newQuantizer
	mask   *[blueNoiseSize][blueNoiseSize]uint8 // threshold, 0 to 63, by position
}

// newQuantizer returns a quantizer with its lookup tables filled.
func newQuantizer(levels int, d Dither) quantizer {
	q := quantizer{levels: levels, dither: d}
	t := new([64][256]uint8)
	for th := range 64 {
		x, y := thresholdPos(uint8(th))
		for g := range 256 {
			t[th][g] = q.level(uint8(g), x, y)
		}
	}
	q.table = t
	if d == DitherBlueNoise {
		q.mask = blueNoiseMask()
	} else {
		q.mask = tiledBayer()
	}
	return q
}

// tiledBayer returns the Bayer matrix repeated to the blue-noise mask's
// size, so that both dithers index one table the same way.
var tiledBayer = sync.OnceValue(func() *[blueNoiseSize][blueNoiseSize]uint8 {
	var m [blueNoiseSize][blueNoiseSize]uint8
	for y := range blueNoiseSize {
		for x := range blueNoiseSize {
			m[y][x] = bayer8[y&7][x&7]
		}
	}
	return &m
})

// thresholdPos returns a position in the Bayer matrix whose threshold
// is th.
func thresholdPos(th uint8) (x, y int) {
	for y := range 8 {
		for x := range 8 {
			if bayer8[y][x] == th {
				return x, y
			}
		}
	}
	return 0, 0
}

// fastLevel returns the panel level of gray g at panel pixel (x, y)
// through the lookup tables. It matches level for DitherOrdered and
// DitherNone, and uses the blue-noise mask for DitherBlueNoise.
func (q *quantizer) fastLevel(g uint8, x, y int) uint8 {
	return q.table[q.mask[y&(blueNoiseSize-1)][x&(blueNoiseSize-1)]][g]
}

// level returns the panel level, 0 (black) to levels-1 (white), of gray
// g at panel pixel (x, y). Black and white map to black and white
// everywhere.
func (q quantizer) level(g uint8, x, y int) uint8 {
	if q.levels == 256 {
		return g
	}
	top := q.levels - 1
	scaled := int(g) * top // 0 .. 255*top
	base, rem := scaled/255, scaled%255
	if q.dither == DitherNone {
		if rem*2 >= 255 {
			base++
		}
		return uint8(base)
	}
	// Round up when the remainder, as a fraction of a level, exceeds the
	// threshold (t+0.5)/64.
	t := int(bayer8[y&7][x&7])
	if rem*128 > (2*t+1)*255 {
		base++
	}
	return uint8(base)
}
