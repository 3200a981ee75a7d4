package display

import (
	"fmt"
	"image"
	"image/color"
)

// Frame is a packed gray image of 1, 2, 4 or 8 bits per pixel. A pixel
// value runs from 0 (black) to 2^Depth-1 (white). Pixels are packed from
// the most significant bit of each byte, so the leftmost pixel of a byte
// is its high bits. Each row starts on an 8-byte boundary, so rows can be
// compared a machine word at a time.
//
// Frame implements draw.Image: Set quantizes any colour to the frame's
// levels by luminance.
type Frame struct {
	Width, Height int
	Depth         int
	Stride        int // bytes per row
	Pix           []byte
}

// NewFrame returns a white frame. It panics when depth is not 1, 2, 4 or
// 8, or the size is negative, since both are programming errors.
func NewFrame(width, height, depth int) *Frame {
	switch depth {
	case 1, 2, 4, 8:
	default:
		panic(fmt.Sprintf("display: frame depth %d is not 1, 2, 4 or 8", depth))
	}
	if width < 0 || height < 0 {
		panic(fmt.Sprintf("display: frame size %dx%d is negative", width, height))
	}
	stride := (width*depth + 63) / 64 * 8
	f := &Frame{
		Width:  width,
		Height: height,
		Depth:  depth,
		Stride: stride,
		Pix:    make([]byte, stride*height),
	}
	f.Fill(f.White())
	return f
}

// White returns the value of a white pixel.
func (f *Frame) White() uint8 {
	return uint8(1<<f.Depth - 1)
}

// Bounds returns the frame's rectangle.
func (f *Frame) Bounds() image.Rectangle {
	return image.Rect(0, 0, f.Width, f.Height)
}

// ColorModel returns color.GrayModel.
func (f *Frame) ColorModel() color.Model {
	return color.GrayModel
}

// GrayAt returns the pixel at (x, y) as a value from 0 to White.
// Outside the frame it returns 0.
func (f *Frame) GrayAt(x, y int) uint8 {
	if x < 0 || y < 0 || x >= f.Width || y >= f.Height {
		return 0
	}
	bit := x * f.Depth
	b := f.Pix[y*f.Stride+bit/8]
	shift := 8 - f.Depth - bit%8
	return b >> shift & f.White()
}

// SetGray sets the pixel at (x, y) to v, which is masked to the depth.
// Outside the frame it does nothing.
func (f *Frame) SetGray(x, y int, v uint8) {
	if x < 0 || y < 0 || x >= f.Width || y >= f.Height {
		return
	}
	bit := x * f.Depth
	i := y*f.Stride + bit/8
	shift := 8 - f.Depth - bit%8
	mask := f.White() << shift
	f.Pix[i] = f.Pix[i]&^mask | v<<shift&mask
}

// At returns the pixel at (x, y) scaled to 8-bit gray.
func (f *Frame) At(x, y int) color.Color {
	return color.Gray{Y: f.scale(f.GrayAt(x, y))}
}

// Set quantizes c to the frame's levels and stores it at (x, y).
func (f *Frame) Set(x, y int, c color.Color) {
	g := color.GrayModel.Convert(c).(color.Gray)
	f.SetGray(x, y, f.Quantize(g.Y))
}

// Quantize maps an 8-bit gray value to the nearest level of the frame.
func (f *Frame) Quantize(y uint8) uint8 {
	w := int(f.White())
	return uint8((int(y)*w + 127) / 255)
}

func (f *Frame) scale(v uint8) uint8 {
	return uint8(int(v) * 255 / int(f.White()))
}

// Fill sets every pixel to v.
func (f *Frame) Fill(v uint8) {
	f.FillRect(f.Bounds(), v)
}

// FillRect sets the pixels of r, clipped to the frame, to v.
func (f *Frame) FillRect(r image.Rectangle, v uint8) {
	r = r.Intersect(f.Bounds())
	if r.Empty() {
		return
	}
	pattern := f.pattern(v)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		f.fillRow(y, r.Min.X, r.Max.X, pattern)
	}
}

// pattern returns a byte whose every pixel is v.
func (f *Frame) pattern(v uint8) byte {
	v &= f.White()
	var b byte
	for i := 0; i < 8; i += f.Depth {
		b = b<<f.Depth | v
	}
	return b
}

func (f *Frame) fillRow(y, x0, x1 int, pattern byte) {
	row := f.Pix[y*f.Stride:]
	ppb := 8 / f.Depth
	x := x0
	for ; x < x1 && x%ppb != 0; x++ {
		f.SetGray(x, y, pattern&f.White())
	}
	for ; x+ppb <= x1; x += ppb {
		row[x/ppb] = pattern
	}
	for ; x < x1; x++ {
		f.SetGray(x, y, pattern&f.White())
	}
}

// CopyRect copies region r of src into f. Both frames must have the same
// size and depth; r is clipped to them.
func (f *Frame) CopyRect(src *Frame, r image.Rectangle) {
	if src.Depth != f.Depth || src.Width != f.Width || src.Height != f.Height {
		panic("display: CopyRect between frames of different geometry")
	}
	r = r.Intersect(f.Bounds())
	if r.Empty() {
		return
	}
	ppb := 8 / f.Depth
	b0 := r.Min.X / ppb
	b1 := (r.Max.X + ppb - 1) / ppb
	for y := r.Min.Y; y < r.Max.Y; y++ {
		o := y * f.Stride
		if r.Min.X%ppb == 0 && r.Max.X%ppb == 0 {
			copy(f.Pix[o+b0:o+b1], src.Pix[o+b0:o+b1])
			continue
		}
		for x := r.Min.X; x < r.Max.X; x++ {
			f.SetGray(x, y, src.GrayAt(x, y))
		}
	}
}

// Clone returns a copy of f.
func (f *Frame) Clone() *Frame {
	c := *f
	c.Pix = append([]byte(nil), f.Pix...)
	return &c
}

// Gray returns f as an 8-bit gray image, for PNG output and comparisons.
func (f *Frame) Gray() *image.Gray {
	g := image.NewGray(f.Bounds())
	for y := 0; y < f.Height; y++ {
		for x := 0; x < f.Width; x++ {
			g.Pix[y*g.Stride+x] = f.scale(f.GrayAt(x, y))
		}
	}
	return g
}
