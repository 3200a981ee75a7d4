package eink_test

import (
	"context"
	"errors"
	"image"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/eink"
	"github.com/einkterm/einkterm/eink/emu"
	"github.com/einkterm/einkterm/eink/internal/paneltest"
	"github.com/einkterm/einkterm/eink/ssd1680"
)

func TestChunks(t *testing.T) {
	cases := []struct{ n, max, want, last int }{
		{4095, 4096, 1, 4095}, {4096, 4096, 1, 4096}, {4097, 4096, 2, 1},
		{8192, 4096, 2, 4096}, {8193, 4096, 3, 1}, {0, 4096, 0, 0}, {10, 0, 1, 10},
	}
	for _, c := range cases {
		var sizes []int
		total := 0
		eink.Chunks(make([]byte, c.n), c.max, func(p []byte) error {
			sizes = append(sizes, len(p))
			total += len(p)
			return nil
		})
		if len(sizes) != c.want || total != c.n {
			t.Errorf("%d bytes at %d: chunks %v, expected %d of %d bytes in all", c.n, c.max, sizes, c.want, c.n)
			continue
		}
		if c.want > 0 && sizes[len(sizes)-1] != c.last {
			t.Errorf("%d bytes at %d: last chunk %d, expected %d", c.n, c.max, sizes[len(sizes)-1], c.last)
		}
	}
}

func TestChunksStopsAtError(t *testing.T) {
	calls := 0
	err := eink.Chunks(make([]byte, 10000), 4096, func([]byte) error {
		calls++
		return errors.New("EMSGSIZE")
	})
	if err == nil || calls != 1 {
		t.Errorf("error %v after %d calls, expected the first error at once", err, calls)
	}
}

func TestMaxTxSize(t *testing.T) {
	for _, c := range []struct {
		max    int
		report bool
		want   int
	}{{0, false, 4096}, {65536, false, 4096}, {65536, true, 65536}, {1024, true, 1024}} {
		port := &emu.Port{Dev: nil, MaxTx: c.max, ReportMax: c.report}
		conn, err := eink.Connect(port, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if got := eink.MaxTxSize(conn); got != c.want {
			t.Errorf("max %d report %v: %d, expected %d", c.max, c.report, got, c.want)
		}
	}
}

func TestConnectNilPort(t *testing.T) {
	_, err := eink.Connect(nil, 1000)
	if err == nil || !strings.Contains(err.Error(), "dtparam=spi=on") {
		t.Fatalf("error %v, expected how to enable SPI", err)
	}
}

func TestRotationRoundTrip(t *testing.T) {
	const nw, nh = 122, 250
	for _, rot := range []eink.Rotation{0, 90, 180, 270} {
		w, h := rot.Size(nw, nh)
		for _, p := range []image.Point{{0, 0}, {w - 1, 0}, {0, h - 1}, {17, 33}} {
			nr := rot.ToNative(image.Rect(p.X, p.Y, p.X+1, p.Y+1), nw, nh)
			if nr.Dx() != 1 || nr.Dy() != 1 {
				t.Fatalf("%d: pixel %v maps to %v", rot, p, nr)
			}
			x, y := rot.FramePoint(nr.Min.X, nr.Min.Y, nw, nh)
			if x != p.X || y != p.Y {
				t.Errorf("%d: %v -> %v -> (%d, %d)", rot, p, nr.Min, x, y)
			}
			f := display.NewFrame(w, h, 1)
			f.SetGray(p.X, p.Y, 0)
			if paneltest.Native(f, int(rot), nr.Min.X, nr.Min.Y, nw, nh) != 0 {
				t.Errorf("%d: the test's own rotation puts %v elsewhere than %v", rot, p, nr.Min)
			}
			if nx, ny := paneltest.NativePoint(int(rot), p.X, p.Y, nw, nh); nx != nr.Min.X || ny != nr.Min.Y {
				t.Errorf("%d: the test's inverse rotation puts %v at (%d, %d), expected %v", rot, p, nx, ny, nr.Min)
			}
		}
	}
}

func TestPack1FastMatchesSlow(t *testing.T) {
	f := paneltest.Pattern(128, 40, 1, 3)
	nr := image.Rect(8, 3, 64, 20)
	fast := eink.Pack1(f, 0, 128, 40, nr, false)
	// A rotation of 0 through a 4-bit frame takes the pixel path.
	g := display.NewFrame(128, 40, 4)
	for y := 0; y < 40; y++ {
		for x := 0; x < 128; x++ {
			g.SetGray(x, y, f.GrayAt(x, y)*15)
		}
	}
	slow := eink.Pack1(g, 0, 128, 40, nr, false)
	if string(fast) != string(slow) {
		t.Error("1-bit copy and pixel path differ")
	}
	inv := eink.Pack1(f, 0, 128, 40, nr, true)
	if inv[0] != ^fast[0] {
		t.Error("inverted packing is not the complement")
	}
}

func TestBusyWaitHonoursContext(t *testing.T) {
	pin := &gpiotest.Pin{N: "BUSY", L: gpio.High}
	b := &eink.Busy{Pin: pin, Signal: "BUSY", Level: gpio.High, Clock: emu.NewClock()}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := b.WaitReset(ctx, time.Hour, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, expected context.Canceled", err)
	}
}

func TestBusyWaitNoReset(t *testing.T) {
	pin := &gpiotest.Pin{N: "BUSY", L: gpio.High}
	clock := emu.NewClock()
	b := &eink.Busy{Pin: pin, Signal: "BUSY", Level: gpio.High, Clock: clock, Hint: "check the cable"}
	start := clock.Now()
	err := b.WaitReset(context.Background(), 3*time.Second, nil)
	var be *eink.BusyError
	if !errors.As(err, &be) || be.Timeout != 3*time.Second {
		t.Fatalf("error %v, expected a BusyError after 3s", err)
	}
	if d := clock.Now().Sub(start); d < 3*time.Second || d > 3*time.Second+10*time.Millisecond {
		t.Errorf("waited %v of virtual time, expected 3s", d)
	}
}

func TestResilientRetries(t *testing.T) {
	e := emu.NewSSD1680(emu.NewClock())
	d, err := ssd1680.New(e.Port(), e.DC, e.RST, e.BUSY, ssd1680.Opts{Clock: e.Clock})
	if err != nil {
		t.Fatal(err)
	}
	r := eink.NewResilient(d, eink.ResilientOptions{Clock: e.Clock})
	f := paneltest.Pattern(122, 250, 1, 9)
	e.StuckBusy = true
	if err := r.Refresh(f, f.Bounds(), display.ModeFull); err != nil {
		t.Fatalf("refresh of a stuck panel returned %v, expected nil and a retry", err)
	}
	if r.Failures() != 1 || !r.Busy() {
		t.Fatalf("failures %d busy %v, expected 1 and true", r.Failures(), r.Busy())
	}
	// A second refresh inside the backoff waits for the retry.
	f.FillRect(image.Rect(0, 0, 16, 16), 0)
	r.Refresh(f, image.Rect(0, 0, 16, 16), display.ModePartial)
	if r.Failures() != 1 {
		t.Errorf("failures %d during the backoff, expected 1", r.Failures())
	}
	e.StuckBusy = false
	if err := r.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r.Failures() != 0 {
		t.Errorf("failures %d after the retry, expected 0", r.Failures())
	}
	r.Wait(context.Background())
	if r.Busy() {
		t.Error("busy after the retried refresh ended")
	}
	for y := 0; y < 250; y++ {
		for x := 0; x < 122; x++ {
			if e.Pixel(x, y) != (f.GrayAt(x, y) == 1) {
				t.Fatalf("pixel (%d, %d) differs from the frame after the retry", x, y)
			}
		}
	}
}

func TestResilientReturnsOtherErrors(t *testing.T) {
	e := emu.NewSSD1680(emu.NewClock())
	d, _ := ssd1680.New(e.Port(), e.DC, e.RST, e.BUSY, ssd1680.Opts{Clock: e.Clock})
	r := eink.NewResilient(d, eink.ResilientOptions{Clock: e.Clock})
	f := display.NewFrame(10, 10, 1)
	if err := r.Refresh(f, f.Bounds(), display.ModeFull); err == nil {
		t.Error("a frame of the wrong size gave no error")
	}
}

// TestResilientPassesBatches checks that a batch reaches the driver as
// one update, and that a batch sent during the backoff of a failed
// refresh shows with the retry.
func TestResilientPassesBatches(t *testing.T) {
	e := emu.NewSSD1680(emu.NewClock())
	d, err := ssd1680.New(e.Port(), e.DC, e.RST, e.BUSY, ssd1680.Opts{Clock: e.Clock})
	if err != nil {
		t.Fatal(err)
	}
	r := eink.NewResilient(d, eink.ResilientOptions{Clock: e.Clock})
	f := paneltest.Pattern(122, 250, 1, 4)
	if err := r.Refresh(f, f.Bounds(), display.ModeFull); err != nil {
		t.Fatal(err)
	}
	rs := []image.Rectangle{image.Rect(0, 0, 16, 16), image.Rect(96, 220, 120, 240)}
	for _, rect := range rs {
		f.FillRect(rect, 0)
	}
	updates := len(e.Log)
	if err := r.RefreshBatch(f, rs, display.ModePartial); err != nil {
		t.Fatal(err)
	}
	if err := r.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(e.Log) - updates; n != 1 {
		t.Errorf("%d updates for one batch, want 1", n)
	}

	// BUSY sticks during this update, so the batch after it fails and
	// waits for a retry.
	e.StuckBusy = true
	f.FillRect(image.Rect(40, 40, 56, 56), 0)
	if err := r.Refresh(f, image.Rect(40, 40, 56, 56), display.ModePartial); err != nil {
		t.Fatal(err)
	}
	for _, rect := range rs {
		f.FillRect(rect, 1)
	}
	if err := r.RefreshBatch(f, rs, display.ModePartial); err != nil {
		t.Fatal(err)
	}
	if r.Failures() != 1 {
		t.Fatalf("failures %d on a stuck panel, want 1", r.Failures())
	}
	e.StuckBusy = false
	e.Clock.Advance(time.Minute)
	if err := r.Refresh(f, image.Rect(0, 0, 8, 8), display.ModePartial); err != nil {
		t.Fatal(err)
	}
	if err := r.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	for y := 0; y < 250; y++ {
		for x := 0; x < 122; x++ {
			if e.Pixel(x, y) != (f.GrayAt(x, y) == 1) {
				t.Fatalf("pixel (%d, %d) differs from the frame after the retry", x, y)
			}
		}
	}
}
