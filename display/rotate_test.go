package display

import (
	"image"
	"math/rand/v2"
	"testing"
	"time"
)

func TestRotateGeometry(t *testing.T) {
	native := Profiles["2in13"] // 122 x 250
	tests := []struct {
		deg           int
		width, height int
		align         Align
	}{
		{0, 122, 250, Align{X: 8, Y: 1}},
		{90, 250, 122, Align{X: 1, Y: 8}},
		{180, 122, 250, Align{X: 8, Y: 1}},
		{270, 250, 122, Align{X: 1, Y: 8}},
		{-90, 250, 122, Align{X: 1, Y: 8}},
	}
	for _, tt := range tests {
		rec, err := NewRecorder(native, RecorderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		info := Rotate(rec, tt.deg).Info()
		if info.Width != tt.width || info.Height != tt.height {
			t.Errorf("%d degrees: size %dx%d, want %dx%d", tt.deg, info.Width, info.Height, tt.width, tt.height)
		}
		if info.Align != tt.align {
			t.Errorf("%d degrees: align %+v, want %+v", tt.deg, info.Align, tt.align)
		}
	}
}

func TestRotateZeroIsSamePanel(t *testing.T) {
	rec, err := NewRecorder(Profiles["2in13"], RecorderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p := Rotate(rec, 360); p != Panel(rec) {
		t.Errorf("Rotate by 360 returned a wrapper %T, want the panel itself", p)
	}
}

func TestRotateRejectsOddAngle(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Rotate by 45 degrees did not panic")
		}
	}()
	rec, _ := NewRecorder(Profiles["2in13"], RecorderOptions{})
	Rotate(rec, 45)
}

// TestRotateRefreshNative draws a mark near the top-left corner of the
// upright frame and checks where the native panel shows and logs it.
func TestRotateRefreshNative(t *testing.T) {
	native := Profiles["2in13"] // 122 x 250
	mark := image.Rect(0, 0, 8, 2)
	tests := []struct {
		deg      int
		wantRect image.Rectangle // the logged native region
		wantPix  image.Point     // a native pixel that turns black
	}{
		{0, image.Rect(0, 0, 8, 2), image.Pt(0, 0)},
		{90, image.Rect(120, 0, 122, 8), image.Pt(121, 0)},
		{180, image.Rect(112, 248, 122, 250), image.Pt(121, 249)},
		{270, image.Rect(0, 242, 8, 250), image.Pt(0, 249)},
	}
	for _, tt := range tests {
		rec, err := NewRecorder(native, RecorderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		p := Rotate(rec, tt.deg)
		info := p.Info()
		f := NewFrame(info.Width, info.Height, info.Depth)
		f.FillRect(mark, 0)
		r := AlignRect(mark, info, ModePartial)
		if err := p.Refresh(f, r, ModePartial); err != nil {
			t.Fatalf("%d degrees: refresh %v: %v", tt.deg, r, err)
		}
		ev := rec.Events()
		if len(ev) != 1 {
			t.Fatalf("%d degrees: %d log lines, want 1", tt.deg, len(ev))
		}
		if got := ev[0].Rect(); got != tt.wantRect {
			t.Errorf("%d degrees: logged %v, want %v", tt.deg, got, tt.wantRect)
		}
		img := rec.Image()
		if got := img.GrayAt(tt.wantPix.X, tt.wantPix.Y); got != 0 {
			t.Errorf("%d degrees: native pixel %v = %d, want black", tt.deg, tt.wantPix, got)
		}
		black := 0
		for y := 0; y < img.Height; y++ {
			for x := 0; x < img.Width; x++ {
				if img.GrayAt(x, y) == 0 {
					black++
				}
			}
		}
		if black != area(mark) {
			t.Errorf("%d degrees: %d black native pixels, want %d", tt.deg, black, area(mark))
		}
	}
}

// TestRotateAlignmentStaysNative checks that regions aligned for the
// rotated panel are aligned on the native panel, at every rotation, for
// panels whose size is not a multiple of their alignment.
func TestRotateAlignmentStaysNative(t *testing.T) {
	odd := Profiles["it8951-6in"]
	odd.Width, odd.Height = 798, 601 // not multiples of 4 or 32
	odd.MinSize = image.Pt(8, 4)
	panels := []Info{Profiles["2in13"], odd}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, native := range panels {
		for _, deg := range []int{90, 180, 270} {
			rec, err := NewRecorder(native, RecorderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			p := Rotate(rec, deg).(*rotated)
			for i := 0; i < 500; i++ {
				mode := native.Modes[rng.IntN(len(native.Modes))].Mode
				x, y := rng.IntN(p.info.Width), rng.IntN(p.info.Height)
				r := image.Rect(x, y, x+1+rng.IntN(40), y+1+rng.IntN(40))
				a := AlignRect(r, p.info, mode)
				n := p.nativeRect(a)
				if !IsAligned(n, native, mode) {
					t.Fatalf("%s at %d: %v aligns to %v, native %v is not aligned (want %v)",
						native.Name, deg, r, a, n, AlignRect(n, native, mode))
				}
			}
		}
	}
}

func TestRotateKeepsKeyboard(t *testing.T) {
	rec, _ := NewRecorder(Profiles["2in13"], RecorderOptions{})
	kb := keyboardPanel{rec, make(chan []byte)}
	if _, ok := Rotate(kb, 90).(Keyboard); !ok {
		t.Error("rotated panel lost its keyboard")
	}
	if _, ok := Rotate(rec, 90).(Keyboard); ok {
		t.Error("rotated recorder gained a keyboard")
	}
}

type keyboardPanel struct {
	*Recorder
	in chan []byte
}

func (k keyboardPanel) Input() <-chan []byte { return k.in }

// BenchmarkRotateRefresh turns a whole 1872x1404 4 bpp frame by 90
// degrees into a recorder, the worst case of a rotated refresh.
func BenchmarkRotateRefresh(b *testing.B) {
	rec, err := NewRecorder(Profiles["it8951-10in3"], RecorderOptions{Clock: NewManualClock(time.Unix(0, 0))})
	if err != nil {
		b.Fatal(err)
	}
	p := Rotate(rec, 90)
	info := p.Info()
	f := NewFrame(info.Width, info.Height, info.Depth)
	for b.Loop() {
		if err := p.Refresh(f, f.Bounds(), ModeA2); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRotateCopiesEveryPixel turns random frames of every depth and
// checks each native pixel against the frame pixel it comes from.
func TestRotateCopiesEveryPixel(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, depth := range []int{1, 2, 4, 8} {
		native := Info{Name: "odd", Width: 37, Height: 21, Depth: depth,
			Modes: []ModeSpec{{Mode: ModeDU, Levels: 2}}}
		for _, deg := range []int{90, 180, 270} {
			rec, err := NewRecorder(native, RecorderOptions{Clock: NewManualClock(time.Unix(0, 0))})
			if err != nil {
				t.Fatal(err)
			}
			p := Rotate(rec, deg).(*rotated)
			f := NewFrame(p.info.Width, p.info.Height, depth)
			for i := range f.Pix {
				f.Pix[i] = byte(rng.Uint32())
			}
			if err := p.Refresh(f, f.Bounds(), ModeDU); err != nil {
				t.Fatal(err)
			}
			img := rec.Image()
			for y := 0; y < f.Height; y++ {
				for x := 0; x < f.Width; x++ {
					nx, ny := p.nativePoint(x, y)
					if got, want := img.GrayAt(nx, ny), f.GrayAt(x, y); got != want {
						t.Fatalf("depth %d at %d: native (%d,%d) = %d, want frame (%d,%d) = %d",
							depth, deg, nx, ny, got, x, y, want)
					}
				}
			}
		}
	}
}
