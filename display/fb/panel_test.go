package fb

import (
	"encoding/binary"
	"fmt"
	"image"
	"testing"

	"github.com/einkterm/einkterm/display"
)

// decodeGray reads device pixel (x, y) from mem and returns the gray
// level it stands for, keeping only the bits the format stores. It
// decodes from the bitfields, independently of the encoder's table.
func decodeGray(t *testing.T, mem []byte, g Geometry, x, y int) (r, gr, b uint8) {
	t.Helper()
	off := (y+g.YOffset)*g.Stride + (x+g.XOffset)*g.Format.BitsPerPixel/8
	var v uint32
	switch g.Format.BitsPerPixel {
	case 8:
		v = uint32(mem[off])
	case 16:
		v = uint32(binary.LittleEndian.Uint16(mem[off:]))
	case 24:
		v = uint32(mem[off]) | uint32(mem[off+1])<<8 | uint32(mem[off+2])<<16
	case 32:
		v = binary.LittleEndian.Uint32(mem[off:])
	}
	if g.Format.Gray {
		if g.Format.Inverted {
			v = 255 - v
		}
		return uint8(v), uint8(v), uint8(v)
	}
	get := func(c Bitfield) uint8 {
		raw := v >> c.Offset & (1<<c.Length - 1)
		return uint8(raw << (8 - c.Length))
	}
	return get(g.Format.Red), get(g.Format.Green), get(g.Format.Blue)
}

// truncate keeps the top n bits of an 8-bit level.
func truncate(v uint8, n uint32) uint8 { return v >> (8 - n) << (8 - n) }

// logicalOf returns the logical pixel that device pixel (x, y) shows,
// written from the definition of a clockwise rotation: rotating the
// logical image by deg degrees clockwise gives the device image.
func logicalOf(deg, w, h, x, y int) (int, int) {
	// (lx, ly) rotated 90 clockwise in a frame of height lh lands at
	// (lh-1-ly, lx); invert that for each quarter turn.
	switch deg {
	case 90:
		return y, w - 1 - x
	case 180:
		return w - 1 - x, h - 1 - y
	case 270:
		return h - 1 - y, x
	}
	return x, y
}

// testFrame returns a frame with a different level in most pixels.
func testFrame(w, h int) *display.Frame {
	f := display.NewFrame(w, h, 8)
	for y := range h {
		for x := range w {
			f.SetGray(x, y, uint8(x*7+y*13))
		}
	}
	return f
}

var formats = []Format{RGB565, XRGB8888, XBGR8888, RGB888, Gray8, Gray8Inverted}

func TestDrawEveryFormatAndRotation(t *testing.T) {
	for _, format := range formats {
		for _, rot := range []int{0, 90, 180, 270} {
			for _, noMmap := range []bool{false, true} {
				name := fmt.Sprintf("%v/rot%d/mmap=%v", format, rot, !noMmap)
				t.Run(name, func(t *testing.T) {
					checkDraw(t, format, rot, noMmap)
				})
			}
		}
	}
}

func checkDraw(t *testing.T, format Format, rot int, noMmap bool) {
	const devW, devH = 13, 7
	bpp := format.BitsPerPixel / 8
	geo := Geometry{
		ID: "test", Width: devW, Height: devH, YOffset: 2, XOffset: 1,
		Stride: (devW+1)*bpp + 10, // padded lines
		Format: format,
	}
	geo.MemLen = geo.Stride * (devH + 4)
	dev := newFileDevice(t, geo, noMmap)
	con := &fakeConsole{}
	p, err := New(dev, con, Options{Rotation: rot})
	if err != nil {
		t.Fatal(err)
	}
	if p.Surface().Mapped() == noMmap {
		t.Fatalf("mapped = %v with noMmap = %v", p.Surface().Mapped(), noMmap)
	}
	info := p.Info()
	wantW, wantH := devW, devH
	if rot == 90 || rot == 270 {
		wantW, wantH = devH, devW
	}
	if info.Width != wantW || info.Height != wantH {
		t.Fatalf("logical size %dx%d, want %dx%d", info.Width, info.Height, wantW, wantH)
	}

	f := testFrame(info.Width, info.Height)
	if err := p.Refresh(f, f.Bounds(), display.ModePartial); err != nil {
		t.Fatal(err)
	}
	mem := dev.bytes(t)
	for y := range devH {
		for x := range devW {
			lx, ly := logicalOf(rot, devW, devH, x, y)
			want := f.GrayAt(lx, ly)
			r, g, b := decodeGray(t, mem, geo, x, y)
			wr, wg, wb := want, want, want
			if !format.Gray {
				wr = truncate(want, format.Red.Length)
				wg = truncate(want, format.Green.Length)
				wb = truncate(want, format.Blue.Length)
			}
			if r != wr || g != wg || b != wb {
				t.Fatalf("device (%d,%d) = %d/%d/%d, want %d/%d/%d (logical (%d,%d))",
					x, y, r, g, b, wr, wg, wb, lx, ly)
			}
		}
	}
	checkPaddingUntouched(t, mem, geo)

	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if !dev.closed {
		t.Error("Close did not close the device")
	}
	if got := fmt.Sprint(con.calls); got != "[graphics restore]" {
		t.Errorf("console calls %s, want [graphics restore]", got)
	}
}

// checkPaddingUntouched checks that no byte outside the visible area
// was written.
func checkPaddingUntouched(t *testing.T, mem []byte, g Geometry) {
	t.Helper()
	bpp := g.Format.BitsPerPixel / 8
	visible := make([]bool, len(mem))
	for y := range g.Height {
		o := g.Offset(0, y)
		for i := o; i < o+g.Width*bpp; i++ {
			visible[i] = true
		}
	}
	for i, b := range mem {
		if !visible[i] && b != 0 {
			t.Fatalf("byte %d outside the visible area is %#x, want 0", i, b)
		}
	}
}

func TestRefreshRegionOnly(t *testing.T) {
	for _, rot := range []int{0, 90, 180, 270} {
		t.Run(fmt.Sprint(rot), func(t *testing.T) {
			geo := Geometry{Width: 20, Height: 10, Stride: 20 * 2, Format: RGB565}
			dev := newFileDevice(t, geo, false)
			p, err := New(dev, nil, Options{Rotation: rot})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			info := p.Info()
			f := display.NewFrame(info.Width, info.Height, 8)
			f.Fill(0) // black everywhere in the frame
			region := image.Rect(2, 3, 5, 7)
			if err := p.Refresh(f, region, display.ModePartial); err != nil {
				t.Fatal(err)
			}
			mem := dev.bytes(t)
			black := 0
			for y := range geo.Height {
				for x := range geo.Width {
					lx, ly := logicalOf(rot, geo.Width, geo.Height, x, y)
					r, _, _ := decodeGray(t, mem, geo, x, y)
					inside := image.Pt(lx, ly).In(region)
					if inside && r != 0 {
						t.Errorf("device (%d,%d) in the region is %d, want black", x, y, r)
					}
					if !inside && r != 0xF8 {
						t.Errorf("device (%d,%d) outside the region is %d, want white 0xF8", x, y, r)
					}
					if r == 0 {
						black++
					}
				}
			}
			if black != region.Dx()*region.Dy() {
				t.Errorf("%d black pixels, want %d", black, region.Dx()*region.Dy())
			}
		})
	}
}

func TestRectMappingRoundTrip(t *testing.T) {
	geo := Geometry{Width: 30, Height: 20, Stride: 30, Format: Gray8}
	for _, rot := range []int{0, 90, 180, 270} {
		s, err := NewSurface(newFileDevice(t, geo, true), rot)
		if err != nil {
			t.Fatal(err)
		}
		r := image.Rect(3, 4, 9, 15)
		d := s.DeviceRect(r)
		if got := s.LogicalRect(d); got != r {
			t.Errorf("rot %d: LogicalRect(DeviceRect(%v)) = %v", rot, r, got)
		}
		if d.Dx()*d.Dy() != r.Dx()*r.Dy() {
			t.Errorf("rot %d: device rect %v has another area than %v", rot, d, r)
		}
	}
}

func TestRefreshRejectsBadInput(t *testing.T) {
	geo := Geometry{Width: 16, Height: 8, Stride: 16, Format: Gray8}
	p, err := New(newFileDevice(t, geo, false), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	good := display.NewFrame(16, 8, 8)
	tests := []struct {
		name string
		f    *display.Frame
		r    image.Rectangle
	}{
		{"region outside", good, image.Rect(10, 0, 20, 4)},
		{"empty region", good, image.Rectangle{}},
		{"wrong depth", display.NewFrame(16, 8, 4), image.Rect(0, 0, 4, 4)},
		{"wrong size", display.NewFrame(8, 16, 8), image.Rect(0, 0, 4, 4)},
	}
	for _, tt := range tests {
		if err := p.Refresh(tt.f, tt.r, display.ModePartial); err == nil {
			t.Errorf("%s: Refresh returned no error", tt.name)
		}
	}
}

func TestGeometryValidate(t *testing.T) {
	tests := []struct {
		name string
		geo  Geometry
		ok   bool
	}{
		{"plain", Geometry{Width: 4, Height: 4, Stride: 8, Format: RGB565}, true},
		{"short stride", Geometry{Width: 4, Height: 4, Stride: 6, Format: RGB565}, false},
		{"palette", Geometry{Width: 4, Height: 4, Stride: 4, Format: Format{BitsPerPixel: 8}}, false},
		{"4 bpp", Geometry{Width: 4, Height: 4, Stride: 4, Format: Format{BitsPerPixel: 4}}, false},
		{"past memory", Geometry{Width: 4, Height: 4, Stride: 8, MemLen: 20, Format: RGB565}, false},
		{"zero size", Geometry{Stride: 8, Format: RGB565}, false},
	}
	for _, tt := range tests {
		err := tt.geo.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}

func TestGeometryFromKernelStructs(t *testing.T) {
	var v varScreenInfo
	var f fixScreenInfo
	copy(f.ID[:], "mxc_epdc_fb")
	v.XRes, v.YRes, v.YOffset, v.BitsPerPixel, v.Grayscale = 1072, 1448, 1448, 8, 2
	f.LineLength, f.SmemLen = 1088, 1088*1448*2
	g, err := geometryOf(v, f)
	if err != nil {
		t.Fatal(err)
	}
	if g.ID != "mxc_epdc_fb" || g.Format != Gray8Inverted || g.Stride != 1088 || g.YOffset != 1448 {
		t.Errorf("geometry %+v", g)
	}
	if err := g.Validate(); err != nil {
		t.Error(err)
	}
	v.Grayscale = 0x59455559 // a FOURCC
	if _, err := geometryOf(v, f); err == nil {
		t.Error("FOURCC format accepted")
	}
}

func TestSleepBlanks(t *testing.T) {
	geo := Geometry{Width: 4, Height: 4, Stride: 4, Format: Gray8}
	dev := newFileDevice(t, geo, false)
	p, err := New(dev, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Sleep(); err != nil {
		t.Fatal(err)
	}
	if err := p.Wake(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(dev.blanked) != "[true false]" {
		t.Errorf("blank calls %v, want [true false]", dev.blanked)
	}
	if p.Info().Flashes {
		t.Error("an LCD panel reports Flashes")
	}
	if _, ok := p.Info().CleanMode(); ok {
		t.Error("an LCD panel has a cleaning mode")
	}
}

func TestDrawPackedFrames(t *testing.T) {
	const devW, devH = 11, 6
	for _, depth := range []int{1, 2, 4} {
		for _, rot := range []int{0, 90, 180, 270} {
			geo := Geometry{Width: devW, Height: devH, Stride: devW, Format: Gray8}
			dev := newFileDevice(t, geo, false)
			s, err := NewSurface(dev, rot)
			if err != nil {
				t.Fatal(err)
			}
			lw, lh := s.Size()
			f := display.NewFrame(lw, lh, depth)
			for y := range lh {
				for x := range lw {
					f.SetGray(x, y, uint8(x+3*y)&f.White())
				}
			}
			if _, err := s.Draw(f, f.Bounds()); err != nil {
				t.Fatal(err)
			}
			mem := dev.bytes(t)
			for y := range devH {
				for x := range devW {
					lx, ly := logicalOf(rot, devW, devH, x, y)
					want := uint8(int(f.GrayAt(lx, ly)) * 255 / int(f.White()))
					if got := mem[y*devW+x]; got != want {
						t.Fatalf("depth %d rot %d: device (%d,%d) = %d, want %d", depth, rot, x, y, got, want)
					}
				}
			}
			s.Close()
		}
	}
}
