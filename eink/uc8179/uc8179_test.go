package uc8179

import (
	"errors"
	"fmt"
	"image"
	"strings"
	"testing"
	"time"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/eink"
	"github.com/einkterm/einkterm/eink/emu"
	"github.com/einkterm/einkterm/eink/internal/paneltest"
)

// recorder is a controller that records (command, data) pairs.
type recorder struct{ ops []string }

func (r *recorder) command(c byte, data ...byte) {
	s := fmt.Sprintf("C %02X", c)
	if len(data) > 0 {
		s += fmt.Sprintf(" D % X", data)
	}
	r.ops = append(r.ops, s)
}
func (r *recorder) ram(c byte, data []byte) {
	r.ops = append(r.ops, fmt.Sprintf("C %02X D %d bytes", c, len(data)))
}
func (r *recorder) wait(time.Duration) { r.ops = append(r.ops, "wait") }
func (r *recorder) reset()             { r.ops = append(r.ops, "reset") }

func TestSequences(t *testing.T) {
	cases := []struct {
		name string
		run  func(c controller)
		want string
	}{
		{"init", func(c controller) { initFull(c, normalBooster) }, "reset; C 01 D 07 07 3F 3F; C 06 D 17 17 28 17; C 04; wait; " +
			"C 00 D 1F; C 61 D 03 20 01 E0; C 15 D 00; C 50 D 10 07; C 60 D 22"},
		{"weak booster", func(c controller) { initFull(c, weakBooster) }, "reset; C 01 D 07 07 3F 3F; C 06 D 27 27 18 17; C 04; wait; " +
			"C 00 D 1F; C 61 D 03 20 01 E0; C 15 D 00; C 50 D 10 07; C 60 D 22"},
		{"partial init", initPartial, "reset; C 00 D 1F; C 04; wait; C E0 D 02; C E5 D 6E; C 50 D A9 07"},
		{"window", func(c controller) { partial(c, image.Rect(16, 8, 48, 24), make([]byte, 64)) },
			"C 91; C 90 D 00 10 00 2F 00 08 00 17 01; C 13 D 64 bytes; C 12"},
		{"sleep", deepSleep, "C 50 D F7; C 02; wait; C 07 D A5"},
	}
	for _, c := range cases {
		var r recorder
		c.run(&r)
		if got := strings.Join(r.ops, "; "); got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

func newTest(t testing.TB, rot, maxTx int) (*Dev, *emu.UC8179, *emu.Port) {
	e := emu.NewUC8179(emu.NewClock())
	port := e.Port()
	port.MaxTx = maxTx
	d, err := New(port, e.DC, e.RST, e.BUSY, Opts{Rotation: eink.Rotation(rot), Clock: e.Clock,
		MaxTx: maxTx, Logger: paneltest.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	return d, e, port
}

func check(t *testing.T, e *emu.UC8179, f *display.Frame, rot int, step string) {
	t.Helper()
	shown := func(x, y int) uint8 {
		if e.Pixel(x, y) {
			return 1
		}
		return 0
	}
	white := func(v uint8) uint8 { return min(v, 1) }
	if n, p := paneltest.Diff(f, rot, width, height, shown, white); n > 0 {
		t.Errorf("%s: %d pixels differ from the frame, first at %v", step, n, p)
	}
	for _, s := range e.Faults() {
		t.Errorf("%s: controller fault: %s", step, s)
	}
}

func TestDriverOnEmulator(t *testing.T) {
	rects := []image.Rectangle{
		image.Rect(16, 8, 48, 24),
		image.Rect(13, 37, 250, 61),
		image.Rect(0, 0, 1, 1),
		image.Rect(700, 400, 800, 480),
		image.Rect(250, 10, 260, 20), // ends near a multiple of 256
		image.Rect(192, 30, 256, 40), // ends at 256, which Waveshare's C code sends as 0x01FF
	}
	for _, rot := range []int{0, 90, 180, 270} {
		t.Run(fmt.Sprint(rot), func(t *testing.T) {
			d, e, _ := newTest(t, rot, 0)
			info := d.Info()
			f := paneltest.Pattern(info.Width, info.Height, 1, uint64(rot))
			if err := d.Refresh(f, f.Bounds(), display.ModeFull); err != nil {
				t.Fatal(err)
			}
			d.Wait(t.Context())
			check(t, e, f, rot, "full")
			for i, r := range rects {
				if rot == 90 || rot == 270 {
					r = image.Rect(r.Min.Y, r.Min.X, r.Max.Y, r.Max.X)
				}
				paneltest.Draw(f, r, uint64(100+i), true)
				if err := d.Refresh(f, r, display.ModePartial); err != nil {
					t.Fatal(err)
				}
				if err := d.Wait(t.Context()); err != nil {
					t.Fatal(err)
				}
				check(t, e, f, rot, fmt.Sprintf("partial %v", r))
				last := e.Log[len(e.Log)-1]
				if last.Mode != "partial" || last.Rect.Dx()*last.Rect.Dy() > 2*r.Dx()*r.Dy()+16*max(r.Dx(), r.Dy())+64 {
					t.Errorf("update %+v for %v, expected a window close to it", last, r)
				}
			}
			// Back to a full update after partial ones.
			f = paneltest.Pattern(info.Width, info.Height, 1, 99)
			d.Refresh(f, f.Bounds(), display.ModeFull)
			d.Wait(t.Context())
			check(t, e, f, rot, "full again")
		})
	}
}

func TestBusyNeverFalls(t *testing.T) {
	d, e, _ := newTest(t, 0, 0)
	e.StuckBusy = true
	f := display.NewFrame(width, height, 1)
	err := d.Refresh(f, f.Bounds(), display.ModeFull)
	if !errors.Is(err, eink.ErrBusy) {
		t.Fatalf("error %v, expected one wrapping eink.ErrBusy", err)
	}
	if !strings.Contains(err.Error(), "BUSY pin BUSY(24) stayed Low") {
		t.Errorf("error %q does not name the pin and level", err)
	}
	if e.Resets != 2 {
		t.Errorf("%d resets, expected 2", e.Resets)
	}
}

func TestChunking(t *testing.T) {
	for _, maxTx := range []int{0, 4095, 4097, 48000} {
		d, e, port := newTest(t, 0, maxTx)
		f := paneltest.Pattern(width, height, 1, 2)
		if err := d.Refresh(f, f.Bounds(), display.ModeFull); err != nil {
			t.Fatalf("max %d: %v", maxTx, err)
		}
		d.Wait(t.Context())
		check(t, e, f, 0, fmt.Sprintf("max %d", maxTx))
		limit := maxTx
		if limit == 0 {
			limit = eink.DefaultMaxTx
		}
		longest := 0
		for _, n := range port.Sizes {
			longest = max(longest, n)
		}
		if longest != limit {
			t.Errorf("max %d: longest transfer %d bytes, expected %d", maxTx, longest, limit)
		}
	}
}

// A host that reports a larger spidev buffer gets longer transfers.
func TestChunkingHostLimit(t *testing.T) {
	e := emu.NewUC8179(emu.NewClock())
	port := e.Port()
	port.MaxTx, port.ReportMax = 65536, true
	d, err := New(port, e.DC, e.RST, e.BUSY, Opts{Clock: e.Clock})
	if err != nil {
		t.Fatal(err)
	}
	f := display.NewFrame(width, height, 1)
	d.Refresh(f, f.Bounds(), display.ModeFull)
	longest := 0
	for _, n := range port.Sizes {
		longest = max(longest, n)
	}
	if longest != rowBytes*height {
		t.Errorf("longest transfer %d bytes, expected one of %d", longest, rowBytes*height)
	}
}

func TestSleepAndClose(t *testing.T) {
	d, e, _ := newTest(t, 0, 0)
	f := paneltest.Pattern(width, height, 1, 4)
	d.Refresh(f, f.Bounds(), display.ModeFull)
	if err := d.Sleep(); err != nil {
		t.Fatal(err)
	}
	f.FillRect(image.Rect(64, 64, 128, 96), 0)
	if err := d.Refresh(f, image.Rect(64, 64, 128, 96), display.ModePartial); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	check(t, e, f, 0, "after close")
	if last := e.Log[len(e.Log)-1]; last.Mode != "full" {
		t.Errorf("last update %q, expected the full one of Close", last.Mode)
	}
}

// A controller that stays busy once and recovers with the reset is set
// up again, and the panel ends up showing the frame.
func TestBusyRecoversAfterReset(t *testing.T) {
	d, e, _ := newTest(t, 0, 0)
	f := paneltest.Pattern(width, height, 1, 1)
	d.Refresh(f, f.Bounds(), display.ModeFull)
	d.Wait(t.Context())
	paneltest.Draw(f, image.Rect(8, 8, 64, 40), 2, true)
	if err := d.Refresh(f, image.Rect(8, 8, 64, 40), display.ModePartial); err != nil {
		t.Fatal(err)
	}
	e.StuckUntilReset = true
	if err := d.Wait(t.Context()); err != nil {
		t.Fatalf("wait after one stuck BUSY: %v", err)
	}
	d.Wait(t.Context())
	check(t, e, f, 0, "after the recovery")
	if last := e.Log[len(e.Log)-1]; last.Mode != "full" {
		t.Errorf("last update %q, expected the full one of the restart", last.Mode)
	}
}

func TestRefreshErrors(t *testing.T) {
	d, _, _ := newTest(t, 90, 0)
	if err := d.Refresh(display.NewFrame(800, 480, 1), image.Rect(0, 0, 8, 8), display.ModeFull); err == nil ||
		!strings.Contains(err.Error(), "frame 800x480, panel is 480x800") {
		t.Errorf("error %v for an unrotated frame on a rotated panel", err)
	}
	if err := d.Refresh(display.NewFrame(480, 800, 1), image.Rect(0, 0, 8, 8), display.ModeGC16); err == nil ||
		!strings.Contains(err.Error(), "mode GC16 not supported") {
		t.Errorf("error %v for mode GC16", err)
	}
}
