package mxcfb

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/display/fb"
)

var epdcGeometry = fb.Geometry{ID: "mxc_epdc_fb", Width: 64, Height: 48, Stride: 64, Format: fb.Gray8}

// cSizes are the struct sizes of the C headers on 32-bit ARM and on a
// 64-bit machine, where only the NTX layout's pointer changes the size.
var cSizes = map[string][2]uintptr{
	"kobo-v1-ntx":  {68, 80},
	"kobo-v1":      {64, 64},
	"kobo-v2":      {72, 72},
	"kindle":       {72, 72},
	"kindle-rex":   {80, 80},
	"kindle-zelda": {88, 88},
}

func TestLayoutSizesMatchHeaders(t *testing.T) {
	arch := 0
	if unsafe.Sizeof(uintptr(0)) == 8 {
		arch = 1
	}
	for _, l := range []layout{layoutV1NTX, layoutV1, layoutV2, layoutKindle, layoutRex, layoutZelda} {
		want := cSizes[l.name][arch]
		if l.size != want {
			t.Errorf("%s: %d bytes, want %d", l.name, l.size, want)
		}
		if got := len(l.encode(update{})); uintptr(got) != want {
			t.Errorf("%s: encodes %d bytes, want %d", l.name, got, want)
		}
	}
	// KOReader's ffi/mxcfb_kobo_h.lua gives MXCFB_SEND_UPDATE as
	// 1078216238 for the 68-byte NTX layout on 32-bit ARM.
	if got := ioc(iocWrite, nrSendUpdate, 68); got != 1078216238 {
		t.Errorf("MXCFB_SEND_UPDATE for 68 bytes = %d, want 1078216238", got)
	}
	if got := waitCalls[1].request; got != 0x4004462F {
		t.Errorf("MXCFB_WAIT_FOR_UPDATE_COMPLETE (u32) = %#x, want 0x4004462f", got)
	}
	if got := waitCalls[0].request; got != 0xC008462F {
		t.Errorf("MXCFB_WAIT_FOR_UPDATE_COMPLETE (marker data) = %#x, want 0xc008462f", got)
	}
}

func TestFindsLayoutAfterEINVAL(t *testing.T) {
	for family, order := range families {
		for i, l := range order {
			t.Run(family+"/"+l.name, func(t *testing.T) {
				dev := newFake(epdcGeometry, l.request(), waitCalls[0].request)
				dev.kindle = family == "kindle"
				p, err := New(dev, Options{Family: family})
				if err != nil {
					t.Fatal(err)
				}
				defer p.Close()
				if p.Layout() != l.name {
					t.Errorf("layout %q, want %q", p.Layout(), l.name)
				}
				calls := dev.log()
				for j := 0; j < i; j++ {
					if calls[j].req != order[j].request() || calls[j].ok {
						t.Errorf("call %d = %+v, want a rejected %s", j, calls[j], order[j].name)
					}
				}
				u := dev.sent()
				if len(u) != 1 {
					t.Fatalf("%d updates sent, want 1 (the clearing one)", len(u))
				}
				want := sentUpdate{size: int(l.size), width: 64, height: 48,
					waveform: 2, updateMode: 1, marker: 1, temp: 0x1000}
				if u[0] != want {
					t.Errorf("clearing update %+v, want %+v", u[0], want)
				}
			})
		}
	}
}

func TestUnknownIoctlSet(t *testing.T) {
	dev := newFake(epdcGeometry, 0, 0)
	_, err := New(dev, Options{Family: "kobo"})
	if !errors.Is(err, ErrUnknownIoctls) {
		t.Fatalf("New = %v, want ErrUnknownIoctls", err)
	}
	for _, l := range families["kobo"] {
		if !strings.Contains(err.Error(), l.name) {
			t.Errorf("error %q does not name layout %s", err, l.name)
		}
	}
	if dev.closed {
		t.Error("New closed the device the caller owns")
	}
}

func TestRejectsNonEPDC(t *testing.T) {
	geo := epdcGeometry
	geo.ID = "simple"
	_, err := New(newFake(geo, layoutV1NTX.request(), 0), Options{Family: "kobo"})
	if !errors.Is(err, ErrNotEPDC) {
		t.Fatalf("New = %v, want ErrNotEPDC", err)
	}
	if !strings.Contains(err.Error(), `"simple"`) {
		t.Errorf("error %q does not name the driver", err)
	}
	p, err := New(newFake(geo, layoutV1NTX.request(), waitCalls[0].request), Options{Family: "kobo", Force: true})
	if err != nil {
		t.Fatalf("New with Force = %v", err)
	}
	p.Close()
	if _, err := New(newFake(epdcGeometry, 0, 0), Options{Family: "nook-simple"}); err == nil {
		t.Error("unknown family accepted")
	}
}

func TestModeMapping(t *testing.T) {
	tests := []struct {
		layout   layout
		mode     display.Mode
		waveform uint32
		full     uint32
	}{
		{layoutV1NTX, display.ModeA2, 4, 0},
		{layoutV1NTX, display.ModeDU, 1, 0},
		{layoutV1NTX, display.ModeGL16, 5, 0},
		{layoutV1NTX, display.ModeGC16, 2, 1},
		{layoutV1NTX, display.ModeINIT, 0, 1},
		{layoutV1NTX, display.ModeFull, 2, 1},
		{layoutV1NTX, display.ModePartial, 5, 0},
		{layoutZelda, display.ModeA2, 6, 0},
		{layoutZelda, display.ModeGL16, 3, 0},
		{layoutZelda, display.ModeGC16, 2, 1},
		{layoutRex, display.ModeA2, 6, 0},
		{layoutKindle, display.ModeA2, 4, 0},
	}
	for _, tt := range tests {
		family := "kobo"
		if strings.HasPrefix(tt.layout.name, "kindle") {
			family = "kindle"
		}
		dev := newFake(epdcGeometry, tt.layout.request(), waitCalls[0].request)
		dev.kindle = family == "kindle"
		p, err := New(dev, Options{Family: family})
		if err != nil {
			t.Fatal(err)
		}
		f := display.NewFrame(64, 48, 4)
		if err := p.Refresh(f, image.Rect(8, 8, 16, 16), tt.mode); err != nil {
			t.Fatal(err)
		}
		u := dev.sent()[1]
		if u.waveform != tt.waveform || u.updateMode != tt.full {
			t.Errorf("%s %v: waveform %d update_mode %d, want %d and %d",
				tt.layout.name, tt.mode, u.waveform, u.updateMode, tt.waveform, tt.full)
		}
		p.Close()
	}
}

func newKobo(t *testing.T, opts Options) (*Panel, *fakeEPDC) {
	t.Helper()
	dev := newFake(epdcGeometry, layoutV1NTX.request(), waitCalls[1].request)
	opts.Family = "kobo"
	p, err := New(dev, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, dev
}

func TestRegionNeverBelow2x2(t *testing.T) {
	tests := []struct {
		in, want image.Rectangle
	}{
		{image.Rect(10, 10, 11, 30), image.Rect(10, 10, 12, 30)},
		{image.Rect(63, 0, 64, 1), image.Rect(62, 0, 64, 2)},
		{image.Rect(5, 47, 20, 48), image.Rect(5, 46, 20, 48)},
		{image.Rect(0, 0, 1, 1), image.Rect(0, 0, 2, 2)},
		{image.Rect(4, 4, 8, 8), image.Rect(4, 4, 8, 8)},
	}
	p, dev := newKobo(t, Options{})
	f := display.NewFrame(64, 48, 4)
	for i, tt := range tests {
		if err := p.Refresh(f, tt.in, display.ModeA2); err != nil {
			t.Fatal(err)
		}
		u := dev.sent()[i+1]
		got := image.Rect(int(u.left), int(u.top), int(u.left+u.width), int(u.top+u.height))
		if got != tt.want {
			t.Errorf("region %v sent as %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestMarkersIncreaseAndSkipZero(t *testing.T) {
	p, dev := newKobo(t, Options{})
	f := display.NewFrame(64, 48, 4)
	r := image.Rect(0, 0, 8, 8)
	p.Refresh(f, r, display.ModeDU)
	p.Refresh(f, r, display.ModeDU)
	p.mu.Lock()
	p.marker = math.MaxUint32 - 1
	p.mu.Unlock()
	p.Refresh(f, r, display.ModeDU)
	p.Refresh(f, r, display.ModeDU)
	var got []uint32
	for _, u := range dev.sent() {
		got = append(got, u.marker)
	}
	want := []uint32{1, 2, 3, math.MaxUint32, 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("markers %v, want %v", got, want)
	}
}

func TestUpdateSequenceWithWaits(t *testing.T) {
	p, dev := newKobo(t, Options{MaxConcurrent: 2})
	f := display.NewFrame(64, 48, 4)
	for i := range 3 {
		if err := p.Refresh(f, image.Rect(i*10, 0, i*10+4, 4), display.ModeA2); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	var seq []string
	for _, c := range dev.log() {
		switch {
		case !c.ok:
			seq = append(seq, "rejected")
		case c.req == layoutV1NTX.request():
			seq = append(seq, "send")
		default:
			seq = append(seq, fmt.Sprintf("wait%d", c.marker))
		}
	}
	// The clearing update and its wait (marker data is rejected, u32
	// taken), two sends, a wait for the oldest before the third, then
	// the waits of Wait.
	want := "[send rejected wait1 send send wait2 send wait3 wait4]"
	if got := fmt.Sprint(seq); got != want {
		t.Errorf("sequence %s, want %s", got, want)
	}
}

// logRecords is a slog handler that keeps messages.
type logRecords struct {
	mu   sync.Mutex
	msgs []string
}

func (h *logRecords) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecords) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.msgs = append(h.msgs, r.Message)
	h.mu.Unlock()
	return nil
}
func (h *logRecords) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *logRecords) WithGroup(string) slog.Handler      { return h }

func (h *logRecords) has(s string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.msgs {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

func TestWaitTimeoutIsLoggedNotFatal(t *testing.T) {
	dev := newFake(epdcGeometry, layoutV1NTX.request(), waitCalls[0].request)
	dev.hang = true
	defer close(dev.release)
	clock := newGatedClock(time.Second)
	var once sync.Once
	dev.onHang = func() { once.Do(func() { close(clock.gate) }) }
	logs := &logRecords{}
	p, err := New(dev, Options{Family: "kobo", Clock: clock, WaitTimeout: time.Second, Logger: slog.New(logs)})
	if err != nil {
		t.Fatalf("New = %v; a hanging wait must not fail", err)
	}
	defer p.Close()
	f := display.NewFrame(64, 48, 4)
	if err := p.Refresh(f, image.Rect(0, 0, 8, 8), display.ModeA2); err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(context.Background()); err != nil {
		t.Errorf("Wait = %v, want nil after a timeout", err)
	}
	if !logs.has("update not complete") {
		t.Errorf("no timeout logged; logs %q", logs.msgs)
	}
}

func TestWaitEndsWithContext(t *testing.T) {
	dev := newFake(epdcGeometry, layoutV1NTX.request(), waitCalls[0].request)
	p, err := New(dev, Options{Family: "kobo"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { close(dev.release); p.Close() }()
	dev.mu.Lock()
	dev.hang = true
	dev.mu.Unlock()
	p.clock = stoppedClock{}
	f := display.NewFrame(64, 48, 4)
	p.Refresh(f, image.Rect(0, 0, 8, 8), display.ModeA2)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait = %v, want context.Canceled", err)
	}
}

func TestNoWaitFormFallsBackToModel(t *testing.T) {
	dev := newFake(epdcGeometry, layoutV1NTX.request(), 0)
	logs := &logRecords{}
	clock := newGatedClock(time.Second)
	p, err := New(dev, Options{Family: "kobo", Clock: clock, WaitTimeout: time.Second, Logger: slog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	before := len(dev.log())
	f := display.NewFrame(64, 48, 4)
	p.Refresh(f, image.Rect(0, 0, 8, 8), display.ModeA2)
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(dev.log()) - before; n != 1 {
		t.Errorf("%d ioctls after the wait forms failed, want only the send", n)
	}
	if !logs.has("no known MXCFB_WAIT_FOR_UPDATE_COMPLETE") {
		t.Errorf("fallback not logged; logs %q", logs.msgs)
	}
}

func TestRotatedUpdateRegion(t *testing.T) {
	dev := newFake(epdcGeometry, layoutV1NTX.request(), waitCalls[0].request)
	p, err := New(dev, Options{Family: "kobo", Rotation: 90})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Info().Width != 48 || p.Info().Height != 64 {
		t.Fatalf("rotated size %dx%d, want 48x64", p.Info().Width, p.Info().Height)
	}
	f := display.NewFrame(48, 64, 4)
	r := image.Rect(2, 5, 10, 9)
	f.FillRect(r, 0)
	if err := p.Refresh(f, r, display.ModeDU); err != nil {
		t.Fatal(err)
	}
	u := dev.sent()[1]
	// Logical (x, y) shows at device (63-y... ) for a 64-wide device:
	// rows 5..8 become device columns 64-9..64-5, columns 2..9 rows.
	got := image.Rect(int(u.left), int(u.top), int(u.left+u.width), int(u.top+u.height))
	if want := image.Rect(55, 2, 59, 10); got != want {
		t.Errorf("device region %v, want %v", got, want)
	}
	for y := 2; y < 10; y++ {
		for x := 55; x < 59; x++ {
			if v := dev.mem[y*64+x]; v != 0 {
				t.Fatalf("device pixel (%d,%d) = %d, want black", x, y, v)
			}
		}
	}
	if v := dev.mem[0]; v != 255 {
		t.Errorf("device pixel (0,0) = %d, want white", v)
	}
}

func TestCollapse(t *testing.T) {
	r := image.Rect
	tests := []struct {
		name string
		in   []image.Rectangle
		max  int
		want []image.Rectangle
	}{
		{"disjoint kept", []image.Rectangle{r(0, 0, 4, 4), r(10, 0, 14, 4)}, 4,
			[]image.Rectangle{r(0, 0, 4, 4), r(10, 0, 14, 4)}},
		{"overlap merged", []image.Rectangle{r(0, 0, 4, 4), r(2, 2, 6, 6)}, 4,
			[]image.Rectangle{r(0, 0, 6, 6)}},
		{"chain merged", []image.Rectangle{r(0, 0, 4, 4), r(10, 0, 14, 4), r(3, 0, 11, 2)}, 4,
			[]image.Rectangle{r(0, 0, 14, 4)}},
		{"cap merges nearest", []image.Rectangle{r(0, 0, 2, 2), r(2, 0, 4, 2), r(40, 40, 42, 42)}, 2,
			[]image.Rectangle{r(0, 0, 4, 2), r(40, 40, 42, 42)}},
		{"empty dropped", []image.Rectangle{{}, r(1, 1, 3, 3)}, 4,
			[]image.Rectangle{r(1, 1, 3, 3)}},
	}
	for _, tt := range tests {
		got := Collapse(tt.in, tt.max)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: Collapse = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRefreshRegionsCollapses(t *testing.T) {
	p, dev := newKobo(t, Options{MaxConcurrent: 1})
	f := display.NewFrame(64, 48, 4)
	rs := []image.Rectangle{image.Rect(0, 0, 4, 4), image.Rect(20, 20, 24, 24)}
	if err := p.RefreshRegions(f, rs, display.ModeA2); err != nil {
		t.Fatal(err)
	}
	u := dev.sent()
	if len(u) != 2 {
		t.Fatalf("%d updates, want the clearing one and one merged", len(u))
	}
	if u[1].left != 0 || u[1].top != 0 || u[1].width != 24 || u[1].height != 24 {
		t.Errorf("merged update %+v, want (0,0) 24x24", u[1])
	}
}

func TestBusyDuringBlockedWait(t *testing.T) {
	dev := newFake(epdcGeometry, layoutV1NTX.request(), waitCalls[0].request)
	p, err := New(dev, Options{Family: "kobo"})
	if err != nil {
		t.Fatal(err)
	}
	blocked := make(chan struct{})
	dev.mu.Lock()
	dev.hang = true
	dev.onHang = func() { close(blocked) }
	dev.mu.Unlock()
	p.clock = stoppedClock{}
	f := display.NewFrame(64, 48, 4)
	p.Refresh(f, image.Rect(0, 0, 8, 8), display.ModeGC16)
	done := make(chan error, 1)
	go func() { done <- p.Wait(context.Background()) }()
	<-blocked

	// The wait ioctl is blocked in the driver; Busy must still answer.
	if !p.Busy() {
		t.Error("Busy = false while a GC16 update runs")
	}
	close(dev.release)
	if err := <-done; err != nil {
		t.Errorf("Wait = %v", err)
	}
	if p.running() != 0 {
		t.Errorf("%d updates still listed after Wait", p.running())
	}
	p.Close()
}

func TestRefreshRejectsBadFrames(t *testing.T) {
	p, _ := newKobo(t, Options{})
	tests := []struct {
		name string
		f    *display.Frame
		r    image.Rectangle
	}{
		{"8-bit frame", display.NewFrame(64, 48, 8), image.Rect(0, 0, 4, 4)},
		{"region outside", display.NewFrame(64, 48, 4), image.Rect(60, 0, 70, 4)},
		{"empty region", display.NewFrame(64, 48, 4), image.Rectangle{}},
	}
	for _, tt := range tests {
		if err := p.Refresh(tt.f, tt.r, display.ModeA2); err == nil {
			t.Errorf("%s: Refresh returned no error", tt.name)
		}
	}
}
