package vnc

import (
	"math"
	"math/rand/v2"
	"sync"
)

// blueNoiseSize is the side of the blue-noise threshold mask, which
// tiles the panel.
const blueNoiseSize = 64

// blueNoiseMask returns a 64x64 threshold mask with values 0 to 63, made
// once by the void-and-cluster method (Ulichney, "The void-and-cluster
// method for dither array generation", 1993) from a fixed seed, so every
// run of einkterm dithers alike.
var blueNoiseMask = sync.OnceValue(func() *[blueNoiseSize][blueNoiseSize]uint8 {
	ranks := voidAndCluster(blueNoiseSize, 1.5, rand.New(rand.NewPCG(0x656e6b, 0x74726d)))
	var m [blueNoiseSize][blueNoiseSize]uint8
	n := blueNoiseSize * blueNoiseSize
	for i, r := range ranks {
		m[i/blueNoiseSize][i%blueNoiseSize] = uint8(r * 64 / n)
	}
	return &m
})

// voidAndCluster returns the rank, 0 to size*size-1, of each cell of a
// size by size toroidal dither array whose ones spread evenly at every
// density. sigma is the width of the Gaussian that measures clustering.
func voidAndCluster(size int, sigma float64, rng *rand.Rand) []int {
	n := size * size
	kernel := gaussianKernel(size, sigma)
	f := &field{size: size, kernel: kernel, on: make([]bool, n), energy: make([]float64, n)}

	// A random start with a tenth of the cells set, relaxed by moving
	// the one in the tightest cluster to the largest void until that
	// move would undo itself.
	for _, i := range rng.Perm(n)[:n/10] {
		f.set(i, true)
	}
	for {
		c := f.extreme(true, true)
		f.set(c, false)
		v := f.extreme(false, false)
		if v == c {
			f.set(c, true)
			break
		}
		f.set(v, true)
	}

	ranks := make([]int, n)
	start := append([]bool(nil), f.on...)
	ones := 0
	for _, on := range f.on {
		if on {
			ones++
		}
	}
	// Ranks below the start: remove ones from the tightest clusters.
	for r := ones - 1; r >= 0; r-- {
		c := f.extreme(true, true)
		f.set(c, false)
		ranks[c] = r
	}
	// Ranks from the start up: fill the largest voids.
	f.reset(start)
	for r := ones; r < n; r++ {
		v := f.extreme(false, false)
		f.set(v, true)
		ranks[v] = r
	}
	return ranks
}

// field is a toroidal binary pattern with the Gaussian-weighted density
// of set cells around every cell.
type field struct {
	size   int
	kernel []float64 // kernel[dy*size+dx], toroidal offsets
	on     []bool
	energy []float64
}

func gaussianKernel(size int, sigma float64) []float64 {
	k := make([]float64, size*size)
	for dy := range size {
		for dx := range size {
			x, y := float64(min(dx, size-dx)), float64(min(dy, size-dy))
			k[dy*size+dx] = math.Exp(-(x*x + y*y) / (2 * sigma * sigma))
		}
	}
	return k
}

// set turns cell i on or off and updates the energy of every cell.
func (f *field) set(i int, on bool) {
	if f.on[i] == on {
		return
	}
	f.on[i] = on
	sign := 1.0
	if !on {
		sign = -1
	}
	x0, y0 := i%f.size, i/f.size
	for y := range f.size {
		dy := (y - y0 + f.size) % f.size
		row := f.kernel[dy*f.size:]
		for x := range f.size {
			dx := (x - x0 + f.size) % f.size
			f.energy[y*f.size+x] += sign * row[dx]
		}
	}
}

func (f *field) reset(on []bool) {
	for i := range f.on {
		f.set(i, on[i])
	}
}

// extreme returns the cell in state on with the highest energy (the
// tightest cluster) when highest is true, or the lowest (the largest
// void) otherwise. Ties go to the first cell.
func (f *field) extreme(on, highest bool) int {
	best, found := 0, false
	for i, e := range f.energy {
		if f.on[i] != on {
			continue
		}
		if !found || (highest && e > f.energy[best]) || (!highest && e < f.energy[best]) {
			best, found = i, true
		}
	}
	return best
}
