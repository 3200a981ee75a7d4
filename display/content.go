package display

import "image"

// GrayPixels returns the number of pixels of f inside r that are neither
// black nor white, counted a byte at a time, so pixels that share a byte
// with r's edge pixels may be counted too. A 1-bit frame has none.
func GrayPixels(f *Frame, r image.Rectangle) int {
	r = r.Intersect(f.Bounds())
	if r.Empty() || f.Depth == 1 {
		return 0
	}
	table := grayTables[f.Depth]
	b0 := r.Min.X * f.Depth / 8
	b1 := (r.Max.X*f.Depth + 7) / 8
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		o := y * f.Stride
		for _, b := range f.Pix[o+b0 : o+b1] {
			n += int(table[b])
		}
	}
	return n
}

// QuantizeBW sets every pixel of f inside r to black or white: pixels at
// or above the middle level become white. A 1-bit frame is left as it is.
func QuantizeBW(f *Frame, r image.Rectangle) {
	r = r.Intersect(f.Bounds())
	if r.Empty() || f.Depth == 1 {
		return
	}
	table := &bwTables[f.Depth]
	ppb := 8 / f.Depth
	for y := r.Min.Y; y < r.Max.Y; y++ {
		x := r.Min.X
		for ; x < r.Max.X && x%ppb != 0; x++ {
			f.SetGray(x, y, bw(f.GrayAt(x, y), f.Depth))
		}
		row := f.Pix[y*f.Stride:]
		for ; x+ppb <= r.Max.X; x += ppb {
			row[x/ppb] = table[row[x/ppb]]
		}
		for ; x < r.Max.X; x++ {
			f.SetGray(x, y, bw(f.GrayAt(x, y), f.Depth))
		}
	}
}

// bw returns the black or white level nearest to v at depth.
func bw(v uint8, depth int) uint8 {
	white := uint8(1<<depth - 1)
	// In int, since white+1 overflows uint8 at 8 bits per pixel.
	if int(v) >= (int(white)+1)/2 {
		return white
	}
	return 0
}

// grayTables[d][b] is the number of gray pixels in byte b at depth d;
// bwTables[d][b] is byte b with each pixel quantized by bw.
var grayTables, bwTables = makeContentTables()

func makeContentTables() (gray [9][256]uint8, quant [9][256]uint8) {
	for _, d := range []int{2, 4, 8} {
		white := uint8(1<<d - 1)
		for b := 0; b < 256; b++ {
			var q uint8
			for shift := 8 - d; shift >= 0; shift -= d {
				v := uint8(b) >> shift & white
				if v != 0 && v != white {
					gray[d][b]++
				}
				q |= bw(v, d) << shift
			}
			quant[d][b] = q
		}
	}
	return gray, quant
}
