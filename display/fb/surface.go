package fb

import (
	"encoding/binary"
	"fmt"
	"image"

	"github.com/einkterm/einkterm/display"
)

// Surface draws 8-bit gray frames on a framebuffer in its pixel layout,
// rotated in software. Frames are in logical coordinates: for a rotation
// of 90 or 270 degrees the logical width is the device height.
//
// Rotation is clockwise: with 90, the top-left pixel of the frame shows
// at the top-right corner of the device.
type Surface struct {
	dev      Device
	geo      Geometry
	rotation int
	mem      []byte // mapped memory, or nil when writing with pwrite
	scratch  []byte // one device row for pwrite
	gray     []byte // one device row of 8-bit gray unpacked from a packed frame
	lut      [256]uint32
}

// NewSurface reads the device's geometry and maps its memory, falling
// back to pwrite when mmap fails. Rotation is 0, 90, 180 or 270.
func NewSurface(dev Device, rotation int) (*Surface, error) {
	switch rotation {
	case 0, 90, 180, 270:
	default:
		return nil, fmt.Errorf("fb: invalid rotation %d: use 0, 90, 180 or 270", rotation)
	}
	geo, err := dev.Geometry()
	if err != nil {
		return nil, err
	}
	if err := geo.Validate(); err != nil {
		return nil, fmt.Errorf("%w (driver %q)", err, geo.ID)
	}
	s := &Surface{dev: dev, geo: geo, rotation: rotation, lut: geo.Format.lut(),
		gray: make([]byte, geo.Width)}
	mem, err := dev.Map(geo.MapLen())
	if err == nil {
		s.mem = mem
	} else {
		s.scratch = make([]byte, geo.Width*geo.Format.BytesPerPixel())
	}
	return s, nil
}

// Geometry returns the device geometry read at open.
func (s *Surface) Geometry() Geometry { return s.geo }

// Rotation returns the rotation in degrees clockwise.
func (s *Surface) Rotation() int { return s.rotation }

// Mapped reports whether the memory is mapped. False means every row is
// written with pwrite.
func (s *Surface) Mapped() bool { return s.mem != nil }

// Size returns the logical width and height that frames must have.
func (s *Surface) Size() (width, height int) {
	if s.rotation == 90 || s.rotation == 270 {
		return s.geo.Height, s.geo.Width
	}
	return s.geo.Width, s.geo.Height
}

// DeviceRect returns the device rectangle that shows logical rectangle r.
func (s *Surface) DeviceRect(r image.Rectangle) image.Rectangle {
	w, h := s.geo.Width, s.geo.Height
	switch s.rotation {
	case 90:
		return image.Rect(w-r.Max.Y, r.Min.X, w-r.Min.Y, r.Max.X)
	case 180:
		return image.Rect(w-r.Max.X, h-r.Max.Y, w-r.Min.X, h-r.Min.Y)
	case 270:
		return image.Rect(r.Min.Y, h-r.Max.X, r.Max.Y, h-r.Min.X)
	}
	return r
}

// LogicalRect returns the logical rectangle shown by device rectangle r,
// the inverse of DeviceRect.
func (s *Surface) LogicalRect(r image.Rectangle) image.Rectangle {
	w, h := s.geo.Width, s.geo.Height
	switch s.rotation {
	case 90:
		return image.Rect(r.Min.Y, w-r.Max.X, r.Max.Y, w-r.Min.X)
	case 180:
		return image.Rect(w-r.Max.X, h-r.Max.Y, w-r.Min.X, h-r.Min.Y)
	case 270:
		return image.Rect(h-r.Max.Y, r.Min.X, h-r.Min.Y, r.Max.X)
	}
	return r
}

// Draw converts region r of frame f to the device layout and writes it.
// It returns the device rectangle written, which is empty when r does
// not touch the frame. The frame must have the logical size. Any depth
// works, and 8 bits per pixel is the fast path.
func (s *Surface) Draw(f *display.Frame, r image.Rectangle) (image.Rectangle, error) {
	lw, lh := s.Size()
	if f.Width != lw || f.Height != lh {
		return image.Rectangle{}, fmt.Errorf("fb: frame %dx%d does not fit the %dx%d surface",
			f.Width, f.Height, lw, lh)
	}
	r = r.Intersect(f.Bounds())
	if r.Empty() {
		return image.Rectangle{}, nil
	}
	dr := s.DeviceRect(r)
	bpp := s.geo.Format.BytesPerPixel()
	n := dr.Dx()
	for dy := dr.Min.Y; dy < dr.Max.Y; dy++ {
		idx, step := s.source(f.Stride, dr.Min.X, dy)
		off := s.geo.Offset(dr.Min.X, dy)
		var dst []byte
		if s.mem != nil {
			dst = s.mem[off : off+n*bpp]
		} else {
			dst = s.scratch[:n*bpp]
		}
		if f.Depth == 8 {
			s.convertRow(dst, f.Pix, idx, step, n)
		} else {
			s.unpackRow(f, dr.Min.X, dy, n)
			s.convertRow(dst, s.gray, 0, 1, n)
		}
		if s.mem == nil {
			if _, err := s.dev.WriteAt(dst, int64(off)); err != nil {
				return dr, fmt.Errorf("fb: write row %d: %w", dy, err)
			}
		}
	}
	return dr, nil
}

// source returns the index in a frame of the given stride of the pixel
// that device pixel (dx, dy) shows, and the index step to the pixel that
// device pixel (dx+1, dy) shows.
func (s *Surface) source(stride, dx, dy int) (idx, step int) {
	w, h := s.geo.Width, s.geo.Height
	switch s.rotation {
	case 90: // logical (dy, w-1-dx)
		return (w-1-dx)*stride + dy, -stride
	case 180: // logical (w-1-dx, h-1-dy)
		return (h-1-dy)*stride + (w - 1 - dx), -1
	case 270: // logical (h-1-dy, dx)
		return dx*stride + (h - 1 - dy), stride
	}
	return dy*stride + dx, 1
}

// unpackRow fills s.gray with the 8-bit gray levels of the n pixels of
// packed frame f that device pixels (dx, dy) onwards show.
func (s *Surface) unpackRow(f *display.Frame, dx, dy, n int) {
	w, h := s.geo.Width, s.geo.Height
	lx, ly, sx, sy := dx, dy, 1, 0
	switch s.rotation {
	case 90:
		lx, ly, sx, sy = dy, w-1-dx, 0, -1
	case 180:
		lx, ly, sx, sy = w-1-dx, h-1-dy, -1, 0
	case 270:
		lx, ly, sx, sy = h-1-dy, dx, 0, 1
	}
	depth := f.Depth
	white := int(f.White())
	mask := byte(white)
	for i := range n {
		bit := lx * depth
		v := f.Pix[ly*f.Stride+bit/8] >> (8 - depth - bit%8) & mask
		s.gray[i] = byte(int(v) * 255 / white)
		lx += sx
		ly += sy
	}
}

// convertRow writes n device pixels to dst from pix, reading pix[idx],
// pix[idx+step] and so on.
func (s *Surface) convertRow(dst, pix []byte, idx, step, n int) {
	lut := &s.lut
	switch s.geo.Format.BitsPerPixel {
	case 8:
		for i := range n {
			dst[i] = byte(lut[pix[idx]])
			idx += step
		}
	case 16:
		if step == 1 {
			convert16(dst, pix[idx:idx+n], lut)
			return
		}
		for i := range n {
			binary.NativeEndian.PutUint16(dst[2*i:], uint16(lut[pix[idx]]))
			idx += step
		}
	case 24:
		for i := range n {
			v := lut[pix[idx]]
			putUint24(dst[3*i:], v)
			idx += step
		}
	case 32:
		if step == 1 {
			convert32(dst, pix[idx:idx+n], lut)
			return
		}
		for i := range n {
			binary.NativeEndian.PutUint32(dst[4*i:], lut[pix[idx]])
			idx += step
		}
	}
}

// littleEndian is true on little-endian machines, where the fast paths
// below may pack several pixels, the first in the low bits, into one
// 64-bit store.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// convert16 is the unrotated 16-bit fast path: four pixels a store.
func convert16(dst, src []byte, lut *[256]uint32) {
	dst = dst[:2*len(src)]
	i := 0
	if littleEndian {
		for ; i+4 <= len(src); i += 4 {
			v := uint64(uint16(lut[src[i]])) | uint64(uint16(lut[src[i+1]]))<<16 |
				uint64(uint16(lut[src[i+2]]))<<32 | uint64(uint16(lut[src[i+3]]))<<48
			binary.LittleEndian.PutUint64(dst[2*i:], v)
		}
	}
	for ; i < len(src); i++ {
		binary.NativeEndian.PutUint16(dst[2*i:], uint16(lut[src[i]]))
	}
}

// convert32 is the unrotated 32-bit fast path: two pixels a store.
func convert32(dst, src []byte, lut *[256]uint32) {
	dst = dst[:4*len(src)]
	i := 0
	if littleEndian {
		for ; i+2 <= len(src); i += 2 {
			v := uint64(lut[src[i]]) | uint64(lut[src[i+1]])<<32
			binary.LittleEndian.PutUint64(dst[4*i:], v)
		}
	}
	for ; i < len(src); i++ {
		binary.NativeEndian.PutUint32(dst[4*i:], lut[src[i]])
	}
}

// putUint24 stores the low 24 bits of v in native byte order.
func putUint24(b []byte, v uint32) {
	var w [4]byte
	binary.NativeEndian.PutUint32(w[:], v)
	if littleEndian {
		copy(b[:3], w[:3])
	} else {
		copy(b[:3], w[1:])
	}
}

// Fill sets every device pixel to gray level g.
func (s *Surface) Fill(g uint8) error {
	lw, lh := s.Size()
	f := display.NewFrame(lw, lh, 8)
	f.Fill(g)
	_, err := s.Draw(f, f.Bounds())
	return err
}

// Close unmaps the memory. It does not close the device.
func (s *Surface) Close() error {
	if s.mem == nil {
		return nil
	}
	err := s.dev.Unmap(s.mem)
	s.mem = nil
	return err
}
