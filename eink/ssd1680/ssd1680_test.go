package ssd1680

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
	r.ops = append(r.ops, fmt.Sprintf("C %02X", c))
	if len(data) > 0 {
		r.ops[len(r.ops)-1] += fmt.Sprintf(" D % X", data)
	}
}
func (r *recorder) ram(c byte, data []byte) {
	r.ops = append(r.ops, fmt.Sprintf("C %02X D %d bytes", c, len(data)))
}
func (r *recorder) wait(time.Duration) { r.ops = append(r.ops, "wait") }
func (r *recorder) reset()             { r.ops = append(r.ops, "reset") }

func TestInitSequenceV4(t *testing.T) {
	var r recorder
	initPanel(&r, V4)
	want := "reset; wait; C 12; wait; C 01 D F9 00 00; C 11 D 03; C 11 D 03; " +
		"C 44 D 00 0F; C 45 D 00 00 F9 00; C 4E D 00; C 4F D 00 00; " +
		"C 3C D 05; C 21 D 00 80; C 18 D 80; wait"
	if got := strings.Join(r.ops, "; "); got != want {
		t.Errorf("init\n got %s\nwant %s", got, want)
	}
}

func TestWindowSequence(t *testing.T) {
	var r recorder
	writeRAM(&r, 0x24, image.Rect(16, 8, 48, 24), make([]byte, 64))
	want := "C 11 D 03; C 44 D 02 05; C 45 D 08 00 17 00; C 4E D 02; " +
		"C 4F D 08 00; C 24 D 64 bytes"
	if got := strings.Join(r.ops, "; "); got != want {
		t.Errorf("window\n got %s\nwant %s", got, want)
	}
}

func newTest(t testing.TB, v Variant, rot int, maxTx int) (*Dev, *emu.SSD1680, *emu.Port) {
	e := emu.NewSSD1680(emu.NewClock())
	port := e.Port()
	port.MaxTx = maxTx
	d, err := New(port, e.DC, e.RST, e.BUSY, Opts{Variant: v, Rotation: eink.Rotation(rot),
		Clock: e.Clock, MaxTx: maxTx, Logger: paneltest.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	return d, e, port
}

func white(v uint8) uint8 {
	if v >= 1 {
		return 1
	}
	return 0
}

func check(t *testing.T, e *emu.SSD1680, f *display.Frame, rot int, step string) {
	t.Helper()
	shown := func(x, y int) uint8 {
		if e.Pixel(x, y) {
			return 1
		}
		return 0
	}
	if n, p := paneltest.Diff(f, rot, width, height, shown, white); n > 0 {
		t.Errorf("%s: %d pixels differ from the frame, first at %v", step, n, p)
	}
	for _, s := range e.Faults() {
		t.Errorf("%s: controller fault: %s", step, s)
	}
}

func TestDriverOnEmulator(t *testing.T) {
	rects := []image.Rectangle{
		image.Rect(16, 8, 48, 24),      // aligned
		image.Rect(13, 37, 50, 61),     // unaligned
		image.Rect(0, 0, 1, 1),         // one pixel at the corner
		image.Rect(100, 200, 122, 250), // reaches the edge
	}
	for _, v := range []Variant{V4, V3, V2} {
		for _, rot := range []int{0, 90, 180, 270} {
			t.Run(fmt.Sprintf("%s/%d", v, rot), func(t *testing.T) {
				d, e, _ := newTest(t, v, rot, 0)
				info := d.Info()
				f := paneltest.Pattern(info.Width, info.Height, 1, uint64(rot))
				if err := d.Refresh(f, f.Bounds(), display.ModeFull); err != nil {
					t.Fatal(err)
				}
				if err := d.Wait(t.Context()); err != nil {
					t.Fatal(err)
				}
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
				}
				last := e.Log[len(e.Log)-1]
				if last.Mode != "partial" {
					t.Errorf("last update %q, expected partial", last.Mode)
				}
				if e.RED != e.BW {
					t.Error("old RAM differs from new RAM after Wait")
				}
			})
		}
	}
}

// TestBatchSharesOneUpdate checks that distant regions sent together
// take one update of the emulated panel and all show, on every variant
// and rotation, and that the next batch compares with them.
func TestBatchSharesOneUpdate(t *testing.T) {
	for _, v := range []Variant{V4, V3, V2} {
		for _, rot := range []int{0, 90, 180, 270} {
			t.Run(fmt.Sprintf("%s/%d", v, rot), func(t *testing.T) {
				d, e, _ := newTest(t, v, rot, 0)
				info := d.Info()
				if !info.Concurrent {
					t.Error("Info().Concurrent is false, want true: one update scans the whole panel")
				}
				f := paneltest.Pattern(info.Width, info.Height, 1, uint64(rot))
				if err := d.Refresh(f, f.Bounds(), display.ModeFull); err != nil {
					t.Fatal(err)
				}
				if err := d.Wait(t.Context()); err != nil {
					t.Fatal(err)
				}
				w, h := info.Width, info.Height
				for round := range 2 {
					rs := []image.Rectangle{
						image.Rect(0, 0, 9, 9),
						image.Rect(w-20, h-12, w-3, h),
						image.Rect(w/2, h/2, w/2+5, h/2+7),
					}
					for i, r := range rs {
						paneltest.Draw(f, r, uint64(10*round+i), true)
					}
					updates := len(e.Log)
					if err := d.RefreshBatch(f, rs, display.ModePartial); err != nil {
						t.Fatal(err)
					}
					if err := d.Wait(t.Context()); err != nil {
						t.Fatal(err)
					}
					if n := len(e.Log) - updates; n != 1 {
						t.Errorf("round %d: %d updates for one batch, want 1", round, n)
					}
					check(t, e, f, rot, fmt.Sprintf("batch %d", round))
				}
				if e.RED != e.BW {
					t.Error("old RAM differs from new RAM after Wait")
				}
			})
		}
	}
}

func TestColdBootClears(t *testing.T) {
	d, e, _ := newTest(t, V4, 0, 0)
	f := paneltest.Pattern(width, height, 1, 1)
	if err := d.Refresh(f, image.Rect(0, 0, 8, 8), display.ModePartial); err != nil {
		t.Fatal(err)
	}
	if err := d.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(e.Log) != 2 || e.Log[0].Mode != "full" || e.Log[1].Mode != "full" {
		t.Fatalf("updates %+v, expected a full clear and a full update", e.Log)
	}
	check(t, e, f, 0, "first frame")
}

func TestBusyNeverFalls(t *testing.T) {
	d, e, _ := newTest(t, V4, 0, 0)
	e.StuckBusy = true
	f := paneltest.Pattern(width, height, 1, 1)
	err := d.Refresh(f, f.Bounds(), display.ModeFull)
	if !errors.Is(err, eink.ErrBusy) {
		t.Fatalf("error %v, expected one wrapping eink.ErrBusy", err)
	}
	for _, s := range []string{"BUSY pin BUSY(24)", "stayed High", "after a reset", "check the cable"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
	// One reset starts the init; the busy wait adds exactly one more.
	if e.Resets != 2 {
		t.Errorf("%d resets, expected 2", e.Resets)
	}
}

func TestChunking(t *testing.T) {
	for _, maxTx := range []int{0, 1000, 3999, 4000} {
		d, e, port := newTest(t, V4, 0, maxTx)
		f := paneltest.Pattern(width, height, 1, 3)
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
		if longest > limit || longest != min(limit, ramBytes) {
			t.Errorf("max %d: longest transfer %d bytes, expected %d", maxTx, longest, min(limit, ramBytes))
		}
	}
}

func TestConnectError(t *testing.T) {
	e := emu.NewSSD1680(emu.NewClock())
	port := e.Port()
	port.ConnectErr = errors.New("open /dev/spidev0.0: no such file or directory")
	_, err := New(port, e.DC, e.RST, e.BUSY, Opts{})
	if err == nil || !strings.Contains(err.Error(), "/dev/spidev0.0") || !strings.HasPrefix(err.Error(), "ssd1680: ") {
		t.Errorf("error %v, expected the device path with the ssd1680 prefix", err)
	}
}

func TestSleepWakeClose(t *testing.T) {
	for _, v := range []Variant{V4, V3, V2} {
		d, e, _ := newTest(t, v, 0, 0)
		f := paneltest.Pattern(width, height, 1, 5)
		d.Refresh(f, f.Bounds(), display.ModeFull)
		if err := d.Sleep(); err != nil {
			t.Fatal(err)
		}
		f.FillRect(image.Rect(8, 8, 40, 40), 0)
		if err := d.Refresh(f, image.Rect(8, 8, 40, 40), display.ModePartial); err != nil {
			t.Fatal(err)
		}
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		check(t, e, f, 0, v.String()+" after close")
		if last := e.Log[len(e.Log)-1]; last.Mode != "full" {
			t.Errorf("%s: last update %q, expected the full one of Close", v, last.Mode)
		}
	}
}

// A controller that stays busy once and recovers with the reset is set
// up again, and the panel ends up showing the frame.
func TestBusyRecoversAfterReset(t *testing.T) {
	d, e, _ := newTest(t, V4, 0, 0)
	f := paneltest.Pattern(width, height, 1, 1)
	d.Refresh(f, f.Bounds(), display.ModeFull)
	d.Wait(t.Context())
	resets := e.Resets
	paneltest.Draw(f, image.Rect(8, 8, 64, 40), 2, true)
	if err := d.Refresh(f, image.Rect(8, 8, 64, 40), display.ModePartial); err != nil {
		t.Fatal(err)
	}
	e.StuckUntilReset = true
	if err := d.Wait(t.Context()); err != nil {
		t.Fatalf("wait after one stuck BUSY: %v", err)
	}
	if e.Resets <= resets {
		t.Error("no reset after BUSY stayed high")
	}
	d.Wait(t.Context())
	check(t, e, f, 0, "after the recovery")
	if last := e.Log[len(e.Log)-1]; last.Mode != "full" {
		t.Errorf("last update %q, expected the full one of the restart", last.Mode)
	}
}

func TestRefreshErrors(t *testing.T) {
	d, _, _ := newTest(t, V4, 0, 0)
	if err := d.Refresh(display.NewFrame(250, 122, 1), image.Rect(0, 0, 8, 8), display.ModeFull); err == nil ||
		!strings.Contains(err.Error(), "frame 250x122, panel is 122x250") {
		t.Errorf("error %v for a frame of the wrong size", err)
	}
	if err := d.Refresh(display.NewFrame(122, 250, 1), image.Rect(0, 0, 8, 8), display.ModeA2); err == nil ||
		!strings.Contains(err.Error(), "mode A2 not supported: use full or partial") {
		t.Errorf("error %v for mode A2", err)
	}
}
