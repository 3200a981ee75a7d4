package mxcfb

import (
	"image"
	"testing"

	"github.com/einkterm/einkterm/display"
)

// FuzzRefreshRegions sends random regions of a random frame through
// RefreshRegions on a fake EPDC of each family, layout and rotation.
// Collapse must return at most MaxConcurrent disjoint regions that cover
// the input. The fake must receive regions on the device and at least
// 2x2. The device memory must show the rotated frame in every region
// sent and white elsewhere.
func FuzzRefreshRegions(f *testing.F) {
	f.Add(uint8(0), []byte{0, 0, 255, 255}, []byte{0x0f})
	f.Add(uint8(1), []byte{0, 0, 0, 0, 255, 255, 255, 255}, []byte{0xf0, 0x01})
	f.Add(uint8(2), []byte{10, 10, 11, 11, 10, 10, 200, 11, 100, 0, 101, 255}, []byte{0x55, 0xaa})
	f.Add(uint8(7), []byte{250, 250, 255, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, []byte{0x80})
	f.Add(uint8(13), []byte{0, 128, 255, 129, 128, 0, 129, 255}, []byte{0x00, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, pick uint8, coords, pix []byte) {
		rotation := int(pick) % 4 * 90
		family := []string{"kobo", "kindle"}[int(pick)/4%2]
		maxConcurrent := int(pick)/8%4 + 1
		order := families[family]
		l := order[int(pick)/32%len(order)]
		dev := newFake(epdcGeometry, l.request(), waitCalls[0].request)
		dev.kindle = family == "kindle"
		p, err := New(dev, Options{Family: family, Rotation: rotation, MaxConcurrent: maxConcurrent, Clock: stoppedClock{}})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()

		info := p.Info()
		frame := display.NewFrame(info.Width, info.Height, depth)
		for y := 0; y < frame.Height && len(pix) > 0; y++ {
			for x := 0; x < frame.Width; x++ {
				frame.SetGray(x, y, pix[(x+y*frame.Width)%len(pix)]>>(uint(x)%5))
			}
		}
		var rs []image.Rectangle
		for i := 0; i+4 <= len(coords) && len(rs) < 32; i += 4 {
			rs = append(rs, image.Rect(
				int(coords[i])*info.Width/256, int(coords[i+1])*info.Height/256,
				int(coords[i+2])*info.Width/256+1, int(coords[i+3])*info.Height/256+1))
		}

		collapsed := Collapse(append([]image.Rectangle(nil), rs...), maxConcurrent)
		checkCollapsed(t, rs, collapsed, maxConcurrent)
		if err := p.RefreshRegions(frame, rs, display.ModeGC16); err != nil {
			t.Fatal(err)
		}
		checkDevice(t, dev, frame, rotation)
	})
}

// checkCollapsed checks that out has at most max disjoint regions and
// that each non-empty region of in lies inside one of them.
func checkCollapsed(t *testing.T, in, out []image.Rectangle, max int) {
	t.Helper()
	if len(out) > max {
		t.Errorf("Collapse(%v, %d) = %d regions, want at most %[2]d", in, max, len(out))
	}
	for i, r := range out {
		for _, s := range out[:i] {
			if r.Overlaps(s) {
				t.Errorf("Collapse(%v) = %v: %v and %v overlap", in, out, r, s)
			}
		}
	}
	for _, r := range in {
		if r.Empty() {
			continue
		}
		inside := false
		for _, o := range out {
			inside = inside || r.In(o)
		}
		if !inside {
			t.Errorf("Collapse(%v) = %v: %v is not inside any output region", in, out, r)
		}
	}
}

// checkDevice checks every update after the clearing one against the
// device geometry, and every device pixel against the frame: the frame
// pixel shown there inside a sent region, white outside.
func checkDevice(t *testing.T, dev *fakeEPDC, frame *display.Frame, rotation int) {
	t.Helper()
	g := dev.geo
	bounds := image.Rect(0, 0, g.Width, g.Height)
	var sent []image.Rectangle
	for _, u := range dev.sent()[1:] {
		r := image.Rect(int(u.left), int(u.top), int(u.left+u.width), int(u.top+u.height))
		if !r.In(bounds) || r.Dx() < minSide || r.Dy() < minSide {
			t.Fatalf("update region %v: want at least %dx%d inside %v", r, minSide, minSide, bounds)
		}
		sent = append(sent, r)
	}
	for y := 0; y < g.Height; y++ {
		for x := 0; x < g.Width; x++ {
			want := uint8(255)
			if covered(image.Pt(x, y), sent) {
				fx, fy := framePoint(x, y, g.Width, g.Height, rotation)
				want = frame.GrayAt(fx, fy) * 17
			}
			if got := dev.mem[y*g.Stride+x]; got != want {
				t.Fatalf("rotation %d: device pixel (%d,%d) = %d, want %d; updates %v",
					rotation, x, y, got, want, sent)
			}
		}
	}
}

func covered(pt image.Point, rs []image.Rectangle) bool {
	for _, r := range rs {
		if pt.In(r) {
			return true
		}
	}
	return false
}

// framePoint returns the frame pixel that device pixel (x, y) of a w x h
// device shows when frames are turned clockwise by rotation degrees:
// with 90, frame pixel (fx, fy) lands at device (w-1-fy, fx).
func framePoint(x, y, w, h, rotation int) (fx, fy int) {
	switch rotation {
	case 90:
		return y, w - 1 - x
	case 180:
		return w - 1 - x, h - 1 - y
	case 270:
		return h - 1 - y, x
	}
	return x, y
}
