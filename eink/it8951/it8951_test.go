package it8951

import (
	"errors"
	"fmt"
	"image"
	"strings"
	"testing"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/eink"
	"github.com/einkterm/einkterm/eink/emu"
	"github.com/einkterm/einkterm/eink/internal/paneltest"
)

// recorder is a controller that records commands and replies to reads
// from a queue.
type recorder struct {
	ops     []string
	replies [][]uint16
}

func (r *recorder) command(code uint16, args ...uint16) {
	s := fmt.Sprintf("C %04X", code)
	for _, a := range args {
		s += fmt.Sprintf(" W %04X", a)
	}
	r.ops = append(r.ops, s)
}
func (r *recorder) write(data []byte) { r.ops = append(r.ops, fmt.Sprintf("data %d", len(data))) }
func (r *recorder) read(n int) []uint16 {
	r.ops = append(r.ops, fmt.Sprintf("R %d", n))
	v := r.replies[0]
	r.replies = r.replies[1:]
	return v
}

func TestStartSequence(t *testing.T) {
	info := append([]uint16{800, 600, 0x36E0, 0x0012}, make([]uint16, 16)...)
	info[12], info[13] = 0x364D, 0x3134
	r := &recorder{replies: [][]uint16{info, {1500}}}
	got := start(r, 2510)
	want := "C 0001; C 0302; R 20; C 0011 W 0004 W 0001; C 0039 W 0000; R 1; C 0039 W 0001 W 09CE"
	if s := strings.Join(r.ops, "; "); s != want {
		t.Errorf("start\n got %s\nwant %s", s, want)
	}
	if got.Width != 800 || got.Height != 600 || got.Addr != 0x001236E0 || got.LUT != "M641" {
		t.Errorf("device info %+v, expected 800x600 at 0x001236E0 with LUT M641", got)
	}
}

func TestLoadSequence(t *testing.T) {
	r := &recorder{}
	load(r, 0x001236E0, arg4BE, image.Rect(16, 8, 48, 24), make([]byte, 256))
	want := "C 0011 W 020A W 0012; C 0011 W 0208 W 36E0; C 0021 W 0120 W 0010 W 0008 W 0020 W 0010; data 256; C 0022"
	if s := strings.Join(r.ops, "; "); s != want {
		t.Errorf("load\n got %s\nwant %s", s, want)
	}
}

func newTest(t testing.TB, w, h int, lut string, o Opts) (*Dev, *emu.IT8951, *emu.Port) {
	e := emu.NewIT8951(emu.NewClock(), w, h, lut)
	port := e.Port()
	port.MaxTx = o.MaxTx
	o.Clock, o.Logger = e.Clock, paneltest.Logger(t)
	d, err := New(port, e.RST, e.HRDY, o)
	if err != nil {
		t.Fatal(err)
	}
	return d, e, port
}

// bw returns a frame of depth bits with only black and white pixels.
func bw(w, h, depth int, seed uint64) *display.Frame {
	f := display.NewFrame(w, h, depth)
	paneltest.Draw(f, f.Bounds(), seed, true)
	return f
}

func check(t *testing.T, e *emu.IT8951, f *display.Frame, rot int, step string) {
	t.Helper()
	checkRect(t, e, f, rot, step, f.Bounds())
}

// checkRect compares the frame pixels of r with the emulated panel.
func checkRect(t *testing.T, e *emu.IT8951, f *display.Frame, rot int, step string, r image.Rectangle) {
	t.Helper()
	w, h := e.Size()
	// The controller keeps the top 4 bits of an 8-bit gray.
	want := func(v uint8) uint8 { return uint8(int(v) * 255 / int(f.White()) >> 4) }
	if n, p := paneltest.DiffRect(f, rot, w, h, r, func(x, y int) uint8 { return e.Level(x, y) }, want); n > 0 {
		t.Errorf("%s: %d pixels differ from the frame, first at %v", step, n, p)
	}
	for _, s := range e.Faults() {
		t.Errorf("%s: controller fault: %s", step, s)
	}
}

func TestDriverOnEmulator(t *testing.T) {
	type step struct {
		r    image.Rectangle
		mode display.Mode
	}
	steps := []step{
		{image.Rect(16, 8, 48, 24), display.ModeA2},
		{image.Rect(13, 37, 250, 61), display.ModeDU},
		{image.Rect(0, 0, 1, 1), display.ModeA2},
		{image.Rect(700, 500, 800, 600), display.ModeA2},
		{image.Rect(101, 203, 377, 291), display.ModeGL16},
		{image.Rect(5, 5, 33, 9), display.ModeGC16},
	}
	cases := []struct {
		lut   string
		depth int
		bwAll bool
	}{
		{"M641", 4, false}, {"M841_TFA5210", 4, false}, {"M841", 8, false},
		{"M841", 2, false}, {"M641", 1, false}, {"M841", 4, true},
	}
	for _, c := range cases {
		for _, rot := range []int{0, 90, 180, 270} {
			name := fmt.Sprintf("%s/%dbpp/fullBW=%v/%d", c.lut, c.depth, c.bwAll, rot)
			t.Run(name, func(t *testing.T) {
				d, e, _ := newTest(t, 800, 600, c.lut, Opts{Depth: c.depth,
					Rotation: eink.Rotation(rot), FullDepthBW: c.bwAll, VCOM: 2100})
				info := d.Info()
				f := bw(info.Width, info.Height, c.depth, uint64(rot))
				if err := d.Refresh(f, f.Bounds(), display.ModeGC16); err != nil {
					t.Fatal(err)
				}
				d.Wait(t.Context())
				check(t, e, f, rot, "GC16 full")
				if e.Log[0].Mode != "INIT" {
					t.Errorf("first update %q, expected INIT", e.Log[0].Mode)
				}
				for i, s := range steps {
					r := s.r
					if rot == 90 || rot == 270 {
						r = image.Rect(r.Min.Y, r.Min.X, r.Max.Y, r.Max.X)
					}
					gray := s.mode == display.ModeGL16 || s.mode == display.ModeGC16
					paneltest.Draw(f, r, uint64(10+i), !gray)
					if err := d.Refresh(f, r, s.mode); err != nil {
						t.Fatal(err)
					}
					if err := d.Wait(t.Context()); err != nil {
						t.Fatal(err)
					}
					// The panel outside r is checked once at the end.
					checkRect(t, e, f, rot, fmt.Sprintf("%s %v", s.mode, r), r.Inset(-64))
					if got := e.Log[len(e.Log)-1].Mode; got != s.mode.String() {
						t.Errorf("%v: update %q, expected %s", r, got, s.mode)
					}
				}
				check(t, e, f, rot, "after all updates")
				if e.VCOM != 2100 {
					t.Errorf("VCOM %d mV, expected 2100", e.VCOM)
				}
				if err := d.Close(); err != nil {
					t.Fatal(err)
				}
				if e.OneBit() {
					t.Error("1-bit mode left on after Close")
				}
				last := e.Log[len(e.Log)-1]
				if last.Mode != "GC16" || last.Rect != image.Rect(0, 0, 800, 600) {
					t.Errorf("last update %+v, expected GC16 of the whole panel from Close", last)
				}
				check(t, e, f, rot, "after Close")
			})
		}
	}
}

func TestLargePanel(t *testing.T) {
	d, e, _ := newTest(t, 1872, 1404, "M841_TFA5210", Opts{})
	f := paneltest.Pattern(1872, 1404, 4, 1)
	if err := d.Refresh(f, f.Bounds(), display.ModeGC16); err != nil {
		t.Fatal(err)
	}
	d.Wait(t.Context())
	check(t, e, f, 0, "10.3\" GC16")
}

func TestHRDYNeverRises(t *testing.T) {
	e := emu.NewIT8951(emu.NewClock(), 800, 600, "M641")
	e.StuckHRDY = true
	_, err := New(e.Port(), e.RST, e.HRDY, Opts{Clock: e.Clock})
	if !errors.Is(err, eink.ErrBusy) {
		t.Fatalf("error %v, expected one wrapping eink.ErrBusy", err)
	}
	for _, s := range []string{"HRDY pin HRDY(24) stayed Low", "after a reset", "set to SPI"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
	if e.Resets != 2 {
		t.Errorf("%d resets, expected 2", e.Resets)
	}
}

// silent returns 0xFF for every read, as a bus with nothing on it.
type silent struct{}

func (silent) Tx(w, r []byte) error {
	for i := range r {
		r[i] = 0xFF
	}
	return nil
}

func TestControllerNotAnswering(t *testing.T) {
	e := emu.NewIT8951(emu.NewClock(), 800, 600, "M641")
	_, err := New(&emu.Port{Dev: silent{}}, e.RST, e.HRDY, Opts{Clock: e.Clock})
	if err == nil || !strings.Contains(err.Error(), "not responding") {
		t.Errorf("error %v, expected one saying the controller is not responding", err)
	}
}

func TestChunking(t *testing.T) {
	for _, c := range []struct{ max, report int }{{0, 4096}, {4095, 4095}, {4097, 4097}, {65536, 65536}} {
		d, e, port := newTest(t, 800, 600, "M641", Opts{MaxTx: c.max})
		f := paneltest.Pattern(800, 600, 4, 2)
		port.Sizes = nil
		if err := d.Refresh(f, f.Bounds(), display.ModeGC16); err != nil {
			t.Fatal(err)
		}
		d.Wait(t.Context())
		check(t, e, f, 0, fmt.Sprintf("max %d", c.max))
		longest := 0
		for _, n := range port.Sizes {
			longest = max(longest, n)
		}
		if want := (c.report-2)&^1 + 2; longest != want {
			t.Errorf("max %d: longest transfer %d bytes, expected %d", c.max, longest, want)
		}
	}
}

func TestConnectError(t *testing.T) {
	e := emu.NewIT8951(emu.NewClock(), 800, 600, "M641")
	port := e.Port()
	port.ConnectErr = errors.New("open /dev/spidev0.0: permission denied")
	_, err := New(port, e.RST, e.HRDY, Opts{})
	if err == nil || !strings.Contains(err.Error(), "permission denied") || !strings.HasPrefix(err.Error(), "it8951: ") {
		t.Errorf("error %v, expected the cause with the it8951 prefix", err)
	}
}

func TestEngineNeverIdle(t *testing.T) {
	d, e, _ := newTest(t, 800, 600, "M641", Opts{})
	f := bw(800, 600, 4, 1)
	if err := d.Refresh(f, f.Bounds(), display.ModeGC16); err != nil {
		t.Fatal(err)
	}
	resets := e.Resets
	e.StuckEngine = true
	err := d.Wait(t.Context())
	if !errors.Is(err, eink.ErrBusy) || !strings.Contains(err.Error(), "LUTAFSR not idle") {
		t.Fatalf("error %v, expected the display engine timeout", err)
	}
	if e.Resets != resets+1 {
		t.Errorf("%d resets during the wait, expected 1", e.Resets-resets)
	}
}

func TestMirror(t *testing.T) {
	for _, rot := range []int{0, 90} {
		d, e, _ := newTest(t, 800, 600, "M841", Opts{Mirror: true, Rotation: eink.Rotation(rot)})
		info := d.Info()
		f := bw(info.Width, info.Height, 4, 3)
		steps := []struct {
			r image.Rectangle
			m display.Mode
		}{{f.Bounds(), display.ModeGC16}, {image.Rect(13, 37, 250, 61), display.ModeA2}}
		for _, s := range steps {
			if s.m == display.ModeA2 {
				paneltest.Draw(f, s.r, 5, true)
			}
			if err := d.Refresh(f, s.r, s.m); err != nil {
				t.Fatal(err)
			}
			d.Wait(t.Context())
			mirrored := func(x, y int) uint8 { return e.Level(799-x, y) }
			same := func(v uint8) uint8 { return v }
			if n, p := paneltest.DiffRect(f, rot, 800, 600, f.Bounds(), mirrored, same); n > 0 {
				t.Errorf("rotation %d, %s: %d pixels differ from the mirrored frame, first at %v", rot, s.m, n, p)
			}
		}
		for _, s := range e.Faults() {
			t.Errorf("controller fault: %s", s)
		}
	}
}

// A controller whose HRDY stays low once and recovers with the reset is
// set up again, and the panel ends up showing the frame.
func TestHRDYRecoversAfterReset(t *testing.T) {
	d, e, _ := newTest(t, 800, 600, "M641", Opts{VCOM: 1800})
	f := bw(800, 600, 4, 1)
	d.Refresh(f, f.Bounds(), display.ModeGC16)
	d.Wait(t.Context())
	paneltest.Draw(f, image.Rect(64, 64, 128, 96), 2, true)
	e.StuckUntilReset = true
	if err := d.Refresh(f, image.Rect(64, 64, 128, 96), display.ModeA2); err != nil {
		t.Fatalf("refresh with HRDY low once: %v", err)
	}
	if err := d.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	w, h := e.Size()
	want := func(v uint8) uint8 { return v }
	shown := func(x, y int) uint8 { return e.Level(x, y) }
	if n, p := paneltest.Diff(f, 0, w, h, shown, want); n > 0 {
		t.Errorf("%d pixels differ after the recovery, first at %v", n, p)
	}
	if last := e.Log[len(e.Log)-1]; last.Mode != "GC16" {
		t.Errorf("last update %q, expected the GC16 of the restart", last.Mode)
	}
	if e.VCOM != 1800 {
		t.Errorf("VCOM %d after the restart, expected 1800", e.VCOM)
	}
	for _, s := range e.Faults() {
		t.Errorf("controller fault: %s", s)
	}
}

func TestOptionErrors(t *testing.T) {
	cases := []struct {
		opts Opts
		want string
	}{
		{Opts{Depth: 3}, "invalid depth 3: use 1, 2, 4 or 8"},
		{Opts{VCOM: -1500}, "VCOM -1500 mV out of range"},
		{Opts{VCOM: 9000}, "VCOM 9000 mV out of range"},
	}
	for _, c := range cases {
		e := emu.NewIT8951(emu.NewClock(), 800, 600, "M641")
		c.opts.Clock = e.Clock
		_, err := New(e.Port(), e.RST, e.HRDY, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, expected %q", c.opts, err, c.want)
		}
	}
}

func TestRefreshErrors(t *testing.T) {
	d, _, _ := newTest(t, 800, 600, "M641", Opts{})
	cases := []struct {
		f    *display.Frame
		mode display.Mode
		want string
	}{
		{display.NewFrame(600, 800, 4), display.ModeGC16, "frame 600x800 at 4 bpp, panel takes 800x600 at 4 bpp"},
		{display.NewFrame(800, 600, 8), display.ModeGC16, "frame 800x600 at 8 bpp"},
		{display.NewFrame(800, 600, 4), display.ModeFull, "mode full not supported"},
	}
	for _, c := range cases {
		err := d.Refresh(c.f, c.f.Bounds(), c.mode)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, expected %q", err, c.want)
		}
	}
}

// The 6" HD panel is 1448 px wide, not a multiple of the 32 px that A2
// needs on its waveform table, so A2 at the right edge falls back to DU
// at the frame depth.
func TestA2AtUnalignedEdge(t *testing.T) {
	d, e, _ := newTest(t, 1448, 1072, "M841_TFAB512", Opts{})
	f := bw(1448, 1072, 4, 1)
	d.Refresh(f, f.Bounds(), display.ModeGC16)
	d.Wait(t.Context())
	r := image.Rect(1441, 100, 1448, 116)
	paneltest.Draw(f, r, 7, true)
	if err := d.Refresh(f, r, display.ModeA2); err != nil {
		t.Fatal(err)
	}
	d.Wait(t.Context())
	checkRect(t, e, f, 0, "A2 at the right edge", image.Rect(1400, 90, 1448, 130))
	if last := e.Log[len(e.Log)-1]; last.Mode != "DU" || last.Rect.Max.X != 1448 {
		t.Errorf("update %+v, expected DU up to x 1448", last)
	}
	// Away from the edge A2 stays.
	r = image.Rect(100, 100, 110, 116)
	paneltest.Draw(f, r, 8, true)
	d.Refresh(f, r, display.ModeA2)
	d.Wait(t.Context())
	if last := e.Log[len(e.Log)-1]; last.Mode != "A2" || last.Rect.Min.X%32 != 0 || last.Rect.Dx()%32 != 0 {
		t.Errorf("update %+v, expected A2 on 32 px", last)
	}
	checkRect(t, e, f, 0, "A2 inside", image.Rect(60, 90, 160, 130))
}

func TestSleepWake(t *testing.T) {
	d, e, _ := newTest(t, 800, 600, "M641", Opts{})
	f := bw(800, 600, 4, 1)
	d.Refresh(f, f.Bounds(), display.ModeGC16)
	if err := d.Sleep(); err != nil {
		t.Fatal(err)
	}
	r := image.Rect(64, 64, 128, 96)
	paneltest.Draw(f, r, 4, true)
	if err := d.Refresh(f, r, display.ModeA2); err != nil {
		t.Fatal(err)
	}
	d.Wait(t.Context())
	check(t, e, f, 0, "after sleep and wake")
}
