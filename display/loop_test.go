package display

import (
	"context"
	"image"
	"runtime"
	"slices"
	"testing"
	"time"
)

// manualLoop is a loop on a recorder, both on one ManualClock.
type manualLoop struct {
	t     *testing.T
	clock *ManualClock
	rec   *Recorder
	loop  *Loop
	src   *Frame
}

func newManualLoop(t *testing.T, panel Info, rotation int, opts SchedulerOptions) *manualLoop {
	t.Helper()
	clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	rec, err := NewRecorder(panel, RecorderOptions{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	p := Rotate(rec, rotation)
	loop := NewLoop(p, LoopOptions{Clock: clock, Scheduler: opts})
	info := loop.Info()
	return &manualLoop{t, clock, rec, loop, NewFrame(info.Width, info.Height, info.Depth)}
}

// runFor steps the loop at every time it requests, up to d from now.
func (m *manualLoop) runFor(d time.Duration) {
	m.t.Helper()
	end := m.clock.Now().Add(d)
	for {
		next, err := m.loop.Step(context.Background())
		if err != nil {
			m.t.Fatal(err)
		}
		if next.IsZero() || next.After(end) {
			m.clock.Set(end)
			return
		}
		m.clock.Set(next)
	}
}

// flush runs Flush. Flush waits for the modelled panel, so the clock
// moves on whenever Flush waits on it.
func (m *manualLoop) flush() {
	m.t.Helper()
	done := make(chan error, 1)
	go func() { done <- m.loop.Flush(context.Background()) }()
	for {
		select {
		case err := <-done:
			if err != nil {
				m.t.Fatal(err)
			}
			return
		default:
			if m.clock.Pending() > 0 {
				m.clock.Advance(time.Second)
			}
			runtime.Gosched()
		}
	}
}

func (m *manualLoop) refreshes() []Event {
	var out []Event
	for _, e := range m.rec.Events() {
		if e.Kind == "refresh" {
			out = append(out, e)
		}
	}
	return out
}

func TestLoopUnchangedFrameSendsNothing(t *testing.T) {
	m := newManualLoop(t, Profiles["it8951-10in3"], 0, SchedulerOptions{})
	m.loop.Submit(m.src, []Damage{{Rect: m.src.Bounds()}})
	m.runFor(time.Minute)
	if n := len(m.refreshes()); n != 0 {
		t.Errorf("%d refreshes for a frame that did not change, want 0", n)
	}
}

func TestLoopQuantizesGrayTextForA2(t *testing.T) {
	m := newManualLoop(t, Profiles["it8951-10in3"], 0, SchedulerOptions{SleepAfter: -1})
	glyph := image.Rect(40, 40, 48, 56)
	m.src.FillRect(glyph, 0)
	m.src.SetGray(48, 40, 5)  // dark antialiasing: black on A2
	m.src.SetGray(49, 40, 11) // light antialiasing: white on A2
	m.loop.Submit(m.src, []Damage{{Rect: image.Rect(40, 40, 52, 56)}})
	m.runFor(time.Second)
	ev := m.refreshes()
	if len(ev) != 1 || ev[0].Mode != "A2" {
		t.Fatalf("refreshes %+v, want one A2", ev)
	}
	img := m.rec.Image()
	if got := img.GrayAt(48, 40); got != 0 {
		t.Errorf("panel pixel of gray 5 = %d, want black", got)
	}
	if got := img.GrayAt(49, 40); got != 15 {
		t.Errorf("panel pixel of gray 11 = %d, want white", got)
	}
	// A requested full refresh shows the true gray.
	m.loop.RequestFull()
	m.runFor(5 * time.Second)
	if got := m.rec.Image().GrayAt(48, 40); got != 5 {
		t.Errorf("after a full refresh pixel = %d, want gray 5", got)
	}
}

func TestLoopGrayImageUsesGrayMode(t *testing.T) {
	m := newManualLoop(t, Profiles["it8951-10in3"], 0, SchedulerOptions{})
	r := image.Rect(200, 200, 264, 264)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			m.src.SetGray(x, y, uint8(x+y)%14+1)
		}
	}
	m.loop.Submit(m.src, []Damage{{Rect: r}})
	m.runFor(time.Second)
	ev := m.refreshes()
	if len(ev) != 1 || ev[0].Mode != "GL16" {
		t.Fatalf("refreshes %+v, want one GL16", ev)
	}
	x, y := 210, 200
	if got, want := m.rec.Image().GrayAt(x, y), uint8(x+y)%14+1; got != want {
		t.Errorf("panel pixel = %d, want %d", got, want)
	}
}

func TestLoopNoteInputDelaysCleaning(t *testing.T) {
	opts := SchedulerOptions{SoftPartials: 3, SleepAfter: -1}
	m := newManualLoop(t, Profiles["2in13"], 0, opts)
	var lastKey time.Time
	for i := 0; i < 6; i++ {
		lastKey = m.clock.Now()
		m.loop.NoteInput()
		r := image.Rect(8*i, 0, 8*i+8, 16)
		m.src.FillRect(r, 0)
		m.loop.Submit(m.src, []Damage{{Rect: r}})
		m.runFor(400 * time.Millisecond)
	}
	m.runFor(10 * time.Second)
	pauseEnd := float64(lastKey.Add(3 * time.Second).Sub(m.rec.start).Milliseconds())
	for _, e := range m.refreshes() {
		if e.Flash && e.TimeMS < pauseEnd {
			t.Errorf("flash at %v ms, before the idle pause ends at %v ms", e.TimeMS, pauseEnd)
		}
	}
	last := m.refreshes()[len(m.refreshes())-1]
	if !last.Flash {
		t.Errorf("last refresh %+v, want a clean in the idle pause", last)
	}
}

func TestLoopSleepsAndWakes(t *testing.T) {
	m := newManualLoop(t, Profiles["2in13"], 0, SchedulerOptions{SleepAfter: time.Minute})
	m.src.FillRect(image.Rect(0, 0, 8, 8), 0)
	m.loop.Submit(m.src, []Damage{{Rect: image.Rect(0, 0, 8, 8)}})
	m.runFor(2 * time.Minute)
	m.src.FillRect(image.Rect(8, 0, 16, 8), 0)
	m.loop.Submit(m.src, []Damage{{Rect: image.Rect(8, 0, 16, 8)}})
	m.runFor(time.Second)
	var kinds []string
	for _, e := range m.rec.Events() {
		kinds = append(kinds, e.Kind)
	}
	// The ghosted tile is cleaned before the panel sleeps.
	want := []string{"refresh", "refresh", "sleep", "wake", "refresh"}
	if len(kinds) != len(want) {
		t.Fatalf("events %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Errorf("event %d = %s, want %s", i, kinds[i], want[i])
		}
	}
	if ev := m.refreshes(); len(ev) < 2 || !ev[1].Flash {
		t.Errorf("refreshes %+v, want a clean before the sleep", ev)
	}
	if got := m.loop.Stats().Sleeps; got != 1 {
		t.Errorf("Stats().Sleeps = %d, want 1", got)
	}
}

func TestLoopRotatedLogsNativeRegions(t *testing.T) {
	for _, deg := range []int{0, 90, 180, 270} {
		m := newManualLoop(t, Profiles["2in13"], deg, SchedulerOptions{})
		m.src.FillRect(image.Rect(0, 0, 3, 3), 0) // top-left of the upright frame
		m.loop.Submit(m.src, []Damage{{Rect: image.Rect(0, 0, 3, 3)}})
		m.runFor(time.Second)
		ev := m.refreshes()
		if len(ev) != 1 {
			t.Fatalf("%d degrees: %d refreshes, want 1", deg, len(ev))
		}
		r := ev[0].Rect()
		if !r.In(Profiles["2in13"].Bounds()) || r.Min.X%8 != 0 || (r.Max.X%8 != 0 && r.Max.X != 122) {
			t.Errorf("%d degrees: native region %v is not aligned on the panel", deg, r)
		}
		black := countBlack(m.rec.Image())
		if black != 9 {
			t.Errorf("%d degrees: %d black pixels on the panel, want 9", deg, black)
		}
	}
}

// TestLoopBatchesDistantRegions checks that an echo and a distant status
// line go out as two regions of one waveform on a concurrent panel, and
// at every rotation the regions are native and show the frame.
func TestLoopBatchesDistantRegions(t *testing.T) {
	for _, deg := range []int{0, 90, 180, 270} {
		m := newManualLoop(t, Profiles["2in13"], deg, SchedulerOptions{})
		w, h := m.src.Width, m.src.Height
		echo := image.Rect(8, 0, 16, 16)
		status := image.Rect(w-16, h-10, w-8, h)
		m.src.FillRect(echo, 0)
		m.src.FillRect(status, 0)
		m.loop.Submit(m.src, []Damage{{Rect: echo}, {Rect: status}})
		m.runFor(time.Second)

		ev := m.refreshes()
		if len(ev) != 2 {
			t.Fatalf("%d degrees: %d regions, want 2: %+v", deg, len(ev), ev)
		}
		if ev[0].TimeMS != ev[1].TimeMS {
			t.Errorf("%d degrees: regions start at %v and %v ms, want one waveform", deg, ev[0].TimeMS, ev[1].TimeMS)
		}
		area := ev[0].W*ev[0].H + ev[1].W*ev[1].H
		if area > 2*16*16 {
			t.Errorf("%d degrees: regions cover %d pixels, want at most %d", deg, area, 2*16*16)
		}
		black := countBlack(m.rec.Image())
		if want := 8*16 + 8*10; black != want {
			t.Errorf("%d degrees: %d black pixels on the panel, want %d", deg, black, want)
		}
	}
}

// countBlack returns the number of black pixels of f.
func countBlack(f *Frame) int {
	n := 0
	for y := 0; y < f.Height; y++ {
		for x := 0; x < f.Width; x++ {
			if f.GrayAt(x, y) == 0 {
				n++
			}
		}
	}
	return n
}

// scrollPanel is a recorder that also takes scrolls.
type scrollPanel struct {
	*Recorder
	scrolls []Damage
}

func (s *scrollPanel) Scroll(r image.Rectangle, dy int) error {
	s.scrolls = append(s.scrolls, Damage{Kind: Scrolled, Rect: r, Dy: dy})
	return nil
}

func TestLoopPassesScrollToScroller(t *testing.T) {
	info := Profiles["it8951-10in3"]
	clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	rec, err := NewRecorder(info, RecorderOptions{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	p := &scrollPanel{Recorder: rec}
	loop := NewLoop(p, LoopOptions{Clock: clock})
	src := NewFrame(info.Width, info.Height, info.Depth)
	src.FillRect(image.Rect(0, 0, 1872, 1380), 0)
	moved := image.Rect(0, 0, 1872, 1380)
	loop.Submit(src, []Damage{
		{Kind: Scrolled, Rect: moved, Dy: -24},
		{Kind: Changed, Rect: image.Rect(0, 1380, 1872, 1404)},
	})
	if _, err := loop.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(p.scrolls) != 1 || p.scrolls[0].Dy != -24 || p.scrolls[0].Rect != moved {
		t.Errorf("scrolls %+v, want one of %v by -24", p.scrolls, moved)
	}
	if got := loop.Stats().Scrolls; got != 1 {
		t.Errorf("Stats().Scrolls = %d, want 1", got)
	}
}

func TestLoopRunWithManualClock(t *testing.T) {
	info := Profiles["2in13"]
	clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	rec, err := NewRecorder(info, RecorderOptions{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	p := &notifyPanel{Recorder: rec, refreshed: make(chan image.Rectangle, 4)}
	loop := NewLoop(p, LoopOptions{Clock: clock})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- loop.Run(ctx) }()

	src := NewFrame(info.Width, info.Height, 1)
	src.FillRect(image.Rect(0, 0, 8, 8), 0)
	loop.Submit(src, []Damage{{Rect: image.Rect(0, 0, 8, 8)}})
	select {
	case r := <-p.refreshed:
		if r != image.Rect(0, 0, 8, 8) {
			t.Errorf("Run refreshed %v, want (0,0)-(8,8)", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run sent no refresh within 10 s of wall time")
	}
	clock.Advance(time.Second)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := rec.Image().GrayAt(1, 1); got != 0 {
		t.Errorf("pixel after Run = %d, want black", got)
	}
}

// notifyPanel is a recorder that reports each refresh on a channel.
type notifyPanel struct {
	*Recorder
	refreshed chan image.Rectangle
}

func (n *notifyPanel) Refresh(f *Frame, r image.Rectangle, m Mode) error {
	err := n.Recorder.Refresh(f, r, m)
	n.refreshed <- r
	return err
}

func TestManualClockFiresInOrder(t *testing.T) {
	c := NewManualClock(time.Unix(0, 0))
	late := c.After(2 * time.Second)
	early := c.After(time.Second)
	now := c.After(0)

	select {
	case <-now:
	default:
		t.Error("After(0) did not fire at once")
	}
	c.Advance(1500 * time.Millisecond)
	select {
	case got := <-early:
		if want := time.Unix(1, 5e8); !got.Equal(want) {
			t.Errorf("early timer got %v, want %v", got, want)
		}
	default:
		t.Error("1 s timer did not fire after 1.5 s")
	}
	select {
	case <-late:
		t.Error("2 s timer fired after 1.5 s")
	default:
	}

	c.Set(time.Unix(0, 0)) // backwards: ignored
	if got := c.Now(); !got.Equal(time.Unix(1, 5e8)) {
		t.Errorf("clock moved backwards to %v", got)
	}
	c.Advance(time.Second)
	if c.Pending() != 0 {
		t.Errorf("%d timers pending after 2.5 s, want 0", c.Pending())
	}
}

// BenchmarkLoopStepKeystroke measures one keystroke through the loop on
// the 10.3" panel: Submit of one changed glyph cell, then the Step that
// diffs, plans and sends it.
func BenchmarkLoopStepKeystroke(b *testing.B) {
	info := Profiles["it8951-10in3"]
	clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	rec, err := NewRecorder(info, RecorderOptions{Clock: clock})
	if err != nil {
		b.Fatal(err)
	}
	loop := NewLoop(rec, LoopOptions{Clock: clock, Scheduler: SchedulerOptions{SleepAfter: -1}})
	src := NewFrame(info.Width, info.Height, info.Depth)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		x := i % 200 * 8
		cell := image.Rect(x, 700, x+8, 716)
		src.FillRect(cell, uint8(i/200%2)*15)
		loop.NoteInput()
		loop.Submit(src, []Damage{{Rect: cell}})
		if _, err := loop.Step(ctx); err != nil {
			b.Fatal(err)
		}
		clock.Advance(time.Second)
		i++
	}
	b.ReportMetric(float64(loop.Stats().Refreshes)/float64(b.N), "refreshes/key")
}

func TestLoopFlushIgnoresRateLimit(t *testing.T) {
	m := newManualLoop(t, Profiles["2in13"], 0, SchedulerOptions{})
	m.src.FillRect(image.Rect(0, 0, 8, 8), 0)
	m.loop.Submit(m.src, []Damage{{Rect: image.Rect(0, 0, 8, 8)}})
	m.runFor(400 * time.Millisecond) // the panel is ready, the rate limit not over

	m.src.FillRect(image.Rect(8, 0, 16, 8), 0)
	m.loop.Submit(m.src, []Damage{{Rect: image.Rect(8, 0, 16, 8)}})
	if _, err := m.loop.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(m.refreshes()); n != 1 {
		t.Fatalf("%d refreshes before Flush, want 1 (the second change is rate-limited)", n)
	}

	m.flush()
	if n := len(m.refreshes()); n != 2 {
		t.Errorf("%d refreshes after Flush, want 2", n)
	}
	if got := m.rec.Image().GrayAt(9, 1); got != 0 {
		t.Errorf("pixel of the second change = %d after Flush, want black", got)
	}
}

func TestLoopFlushIgnoresMergeCap(t *testing.T) {
	// Under the cap, 40 ragged lines of text take a refresh each. The
	// last frame before the loop stops goes out in one.
	m := newManualLoop(t, Profiles["it8951-10in3"], 0, SchedulerOptions{MergeCap: 1.2})
	var damage []Damage
	for i := 0; i < 40; i++ {
		r := image.Rect(0, 16*i+2, 200+(i*397)%1600, 16*i+15)
		m.src.FillRect(r, 0)
		damage = append(damage, Damage{Rect: r})
	}
	m.loop.Submit(m.src, damage)
	m.runFor(50 * time.Millisecond)
	if n := len(m.refreshes()); n != 1 {
		t.Fatalf("%d refreshes at once, want 1 (a region at a time)", n)
	}

	m.flush()
	if n := len(m.refreshes()); n != 2 {
		t.Errorf("%d refreshes after Flush, want 2: the first line, then the rest at once", n)
	}
	img := m.rec.Image()
	for _, d := range damage {
		if got := img.GrayAt(d.Rect.Max.X-1, d.Rect.Max.Y-1); got != 0 {
			t.Fatalf("corner of %v = %d after Flush, want black", d.Rect, got)
		}
	}
}

func TestLoopManyHintsStillShowEveryChange(t *testing.T) {
	m := newManualLoop(t, Profiles["it8951-10in3"], 0, SchedulerOptions{SleepAfter: -1})
	var points []image.Point
	for i := 0; i < 3*maxHints; i++ {
		p := image.Pt(i*37%1872, i*101%1404)
		points = append(points, p)
		r := image.Rectangle{Min: p, Max: p.Add(image.Pt(1, 1))}
		m.src.FillRect(r, 0)
		m.loop.Submit(m.src, []Damage{{Rect: r}})
	}
	m.runFor(10 * time.Second)
	img := m.rec.Image()
	for _, p := range points {
		if got := img.GrayAt(p.X, p.Y); got != 0 {
			t.Fatalf("pixel %v = %d after %d damages, want black", p, got, len(points))
		}
	}
}

func TestLoopFlushSendsRequestedFull(t *testing.T) {
	info := Profiles["2in13"]
	rec, err := NewRecorder(info, RecorderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	loop := NewLoop(rec, LoopOptions{})
	loop.RequestFull()
	if err := loop.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	ev := rec.Events()
	if len(ev) != 1 || !ev[0].Flash || ev[0].Rect() != info.Bounds() {
		t.Fatalf("Flush after RequestFull sent %+v, want one flashing refresh of the panel", ev)
	}
}

func TestDisjointHints(t *testing.T) {
	tests := []struct {
		name string
		in   []image.Rectangle
		want []image.Rectangle
	}{
		{"apart stay apart",
			[]image.Rectangle{image.Rect(0, 0, 8, 16), image.Rect(8, 0, 16, 16)},
			[]image.Rectangle{image.Rect(0, 0, 8, 16), image.Rect(8, 0, 16, 16)}},
		{"a repeat is dropped",
			[]image.Rectangle{image.Rect(0, 0, 8, 16), image.Rect(0, 0, 8, 16)},
			[]image.Rectangle{image.Rect(0, 0, 8, 16)}},
		{"a chain joins through its middle",
			[]image.Rectangle{image.Rect(0, 0, 10, 10), image.Rect(20, 0, 30, 10), image.Rect(5, 5, 25, 8)},
			[]image.Rectangle{image.Rect(0, 0, 30, 10)}},
		{"a grown box takes in an earlier one",
			[]image.Rectangle{image.Rect(40, 0, 50, 10), image.Rect(0, 0, 10, 10), image.Rect(5, 0, 45, 5)},
			[]image.Rectangle{image.Rect(0, 0, 50, 10)}},
	}
	for _, tt := range tests {
		got := disjoint(slices.Clone(tt.in))
		if !sameRectSet(got, tt.want) {
			t.Errorf("%s: disjoint(%v) = %v, want %v", tt.name, tt.in, got, tt.want)
		}
	}
}
