package display

import (
	"fmt"
	"image"
	"sort"
	"strings"
	"testing"
	"time"
)

// schedWorld drives a Scheduler as a loop would: damage becomes dirty,
// and the regions that a plan refreshes stop being dirty.
type schedWorld struct {
	t     *testing.T
	s     *Scheduler
	t0    time.Time
	dirty []Dirty
	log   []string // every plan action, as "at: action"
}

func newSchedWorld(t *testing.T, info Info, opts SchedulerOptions) *schedWorld {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return &schedWorld{t: t, s: NewScheduler(info, opts, t0), t0: t0}
}

// damage reports a change of r at time at; gray counts its gray pixels.
func (w *schedWorld) damage(at time.Duration, r image.Rectangle, gray int) {
	w.s.Damage(w.t0.Add(at), r)
	w.dirty = append(w.dirty, Dirty{Rect: r, Gray: gray})
}

// plan runs Plan at time at and returns its actions as text.
func (w *schedWorld) plan(at time.Duration) (string, time.Duration) {
	p := w.s.Plan(w.t0.Add(at), w.dirty)
	var acts []string
	if p.Wake {
		acts = append(acts, "wake")
	}
	for _, r := range p.Refreshes {
		kind := ""
		if r.Clean {
			kind = "clean "
		}
		acts = append(acts, fmt.Sprintf("%s%v %v", kind, r.Mode, r.Rect))
		kept := w.dirty[:0]
		for _, d := range w.dirty {
			if !d.Rect.In(r.Rect) {
				kept = append(kept, d)
			}
		}
		w.dirty = kept
	}
	if p.Sleep {
		acts = append(acts, "sleep")
	}
	next := time.Duration(-1)
	if !p.Next.IsZero() {
		next = p.Next.Sub(w.t0)
	}
	out := strings.Join(acts, "; ")
	if out != "" {
		w.log = append(w.log, fmt.Sprintf("%v: %s", at, out))
	}
	return out, next
}

// runUntil plans at every wake-up time the scheduler requests, from from
// until end.
func (w *schedWorld) runUntil(from, end time.Duration) {
	at := from
	for at <= end {
		_, next := w.plan(at)
		if next < 0 || next > end {
			return
		}
		at = next
	}
}

// it10 is the 10.3" IT8951 panel: A2 120 ms, 4 px alignment.
var it10 = Profiles["it8951-10in3"]

// a2Cost is the modelled time of an A2 refresh of r on it10.
func a2Cost(r image.Rectangle) time.Duration { return it10.Cost(r, ModeA2) }

type schedStep struct {
	at     time.Duration
	input  bool
	damage image.Rectangle
	gray   int
	full   bool
	want   string        // the plan's actions; "" for none
	next   time.Duration // the plan's Next; 0 skips the check
}

func runSteps(t *testing.T, info Info, opts SchedulerOptions, steps []schedStep) {
	t.Helper()
	w := newSchedWorld(t, info, opts)
	for i, st := range steps {
		if st.input {
			w.s.Input(w.t0.Add(st.at))
		}
		if !st.damage.Empty() {
			w.damage(st.at, st.damage, st.gray)
		}
		if st.full {
			w.s.RequestFull()
		}
		got, next := w.plan(st.at)
		if got != st.want {
			t.Errorf("step %d at %v: plan %q, want %q", i, st.at, got, st.want)
		}
		if st.next != 0 && next != st.next {
			t.Errorf("step %d at %v: next %v, want %v", i, st.at, next, st.next)
		}
	}
}

var (
	cell1 = image.Rect(100, 100, 108, 116) // one glyph cell
	cell2 = image.Rect(108, 100, 116, 116) // the next cell
	far   = image.Rect(1700, 1300, 1708, 1316)
)

func TestSchedulerTiming(t *testing.T) {
	busy1 := a2Cost(cell1)
	tileClean := it10.Cost(image.Rect(96, 96, 128, 128), ModeGC16)
	fullClean := it10.Cost(it10.Bounds(), ModeGC16)
	pair := image.Rect(108, 100, 124, 116)
	tests := []struct {
		name  string
		steps []schedStep
	}{
		{"first change goes out at once", []schedStep{
			{at: 0, damage: cell1, want: "A2 (100,100)-(108,116)"},
		}},
		{"changes while busy go out together when ready", []schedStep{
			{at: 0, input: true, damage: cell1, want: "A2 (100,100)-(108,116)", next: busy1},
			{at: 20 * time.Millisecond, input: true, damage: cell2, want: "", next: busy1},
			{at: 40 * time.Millisecond, input: true, damage: image.Rect(116, 100, 124, 116), want: "", next: busy1},
			{at: busy1, want: "A2 " + pair.String()},
		}},
		{"output without input waits for the rate limit", []schedStep{
			{at: 0, damage: cell1, want: "A2 (100,100)-(108,116)"},
			{at: 200 * time.Millisecond, damage: cell2, want: "", next: 500 * time.Millisecond},
			{at: 500 * time.Millisecond, want: "A2 (108,100)-(116,116)"},
		}},
		{"input lifts the rate limit", []schedStep{
			{at: 0, damage: cell1, want: "A2 (100,100)-(108,116)"},
			{at: 200 * time.Millisecond, input: true, damage: cell2, want: "A2 (108,100)-(116,116)"},
		}},
		{"gray content uses GL16, text A2", []schedStep{
			{at: 0, damage: image.Rect(0, 0, 64, 64), gray: 3000, want: "GL16 (0,0)-(64,64)"},
			{at: time.Second, damage: image.Rect(0, 200, 64, 216), gray: 100, want: "A2 (0,200)-(64,216)"},
		}},
		{"forced full refresh", []schedStep{
			{at: 0, full: true, want: "clean GC16 (0,0)-(1872,1404)"},
		}},
		{"clean panel sleeps without a clean", []schedStep{
			{at: 0, full: true, want: "clean GC16 (0,0)-(1872,1404)"},
			{at: fullClean + 2*time.Minute, want: "sleep", next: -1},
		}},
		{"clean, sleep after idle, wake on change", []schedStep{
			{at: 0, damage: cell1, want: "A2 (100,100)-(108,116)"},
			{at: time.Second, want: "", next: busy1 + 2*time.Minute},
			{at: busy1 + 2*time.Minute, want: "clean GC16 (96,96)-(128,128)", next: busy1 + 2*time.Minute + tileClean},
			{at: busy1 + 2*time.Minute + tileClean, want: "sleep", next: -1},
			{at: 5 * time.Minute, damage: cell2, want: "wake; A2 (108,100)-(116,116)"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runSteps(t, it10, SchedulerOptions{}, tt.steps)
		})
	}
}

// TestSchedulerLeftoverIgnoresRateLimit checks that a panel without
// concurrent regions gets one region of a change at a time, the second
// as soon as it is ready, and
// that damage arriving after the first refresh still waits for the rate
// limit.
func TestSchedulerLeftoverIgnoresRateLimit(t *testing.T) {
	w := newSchedWorld(t, it10, SchedulerOptions{})
	w.damage(0, cell1, 0)
	w.damage(0, far, 0)
	got, next := w.plan(0)
	if strings.Count(got, "A2") != 1 {
		t.Fatalf("plan %q, want one region first", got)
	}
	if ready := w.s.BusyUntil().Sub(w.t0); next != ready {
		t.Errorf("next plan at %v, want %v when the panel is ready", next, ready)
	}
	second, next := w.plan(next)
	if strings.Count(second, "A2") != 1 {
		t.Errorf("second plan %q, want one region", second)
	}
	if second == got {
		t.Errorf("second plan %q repeats the first, want the other region", second)
	}
	secondStart := w.s.BusyUntil().Sub(w.t0) - a2Cost(cell1)

	w.damage(300*time.Millisecond, cell2, 0)
	if got, next = w.plan(300 * time.Millisecond); got != "" {
		t.Errorf("new damage at 300 ms planned %q, want it held by the rate limit", got)
	}
	if want := secondStart + 500*time.Millisecond; next != want {
		t.Errorf("next plan at %v, want %v, 500 ms after the second start", next, want)
	}
	if got, _ = w.plan(next); got != "A2 "+cell2.String() {
		t.Errorf("plan %q, want %q", got, "A2 "+cell2.String())
	}
}

func TestSchedulerConcurrentSendsAll(t *testing.T) {
	info := it10
	info.Concurrent = true
	w := newSchedWorld(t, info, SchedulerOptions{})
	w.damage(0, cell1, 0)
	w.damage(0, far, 0)
	got, _ := w.plan(0)
	if strings.Count(got, "A2") != 2 {
		t.Errorf("plan %q, want both regions at once on a concurrent panel", got)
	}
}

func TestSchedulerEchoFirstAfterInput(t *testing.T) {
	w := newSchedWorld(t, it10, SchedulerOptions{})
	w.damage(0, far, 0)
	w.plan(0) // far goes out at once and keeps the panel busy
	w.damage(10*time.Millisecond, far.Add(image.Pt(0, -50)), 0)
	w.s.Input(w.t0.Add(50 * time.Millisecond))
	w.damage(50*time.Millisecond, cell1, 0)
	got, _ := w.plan(time.Second)
	if want := "A2 " + cell1.String(); got != want {
		t.Errorf("plan %q, want the echo %q first", got, want)
	}
}

func TestSchedulerNoStarvation(t *testing.T) {
	// A region stays dirty while newer echoes keep coming faster than
	// the panel refreshes. It must go out within twice MaxDelay plus
	// one refresh.
	w := newSchedWorld(t, it10, SchedulerOptions{})
	old := image.Rect(1000, 1000, 1100, 1016)
	w.damage(0, far, 0)
	w.plan(0)
	w.damage(time.Millisecond, old, 0)
	sentAt := time.Duration(-1)
	for at := 100 * time.Millisecond; at < 6*time.Second; at += 100 * time.Millisecond {
		w.s.Input(w.t0.Add(at))
		x := 8 * int(at/(100*time.Millisecond))
		w.damage(at, image.Rect(x, 0, x+8, 16), 0)
		got, _ := w.plan(at)
		if strings.Contains(got, "(1000,1000)") {
			sentAt = at
			break
		}
	}
	if sentAt < 0 || sentAt > 4*time.Second+200*time.Millisecond {
		t.Errorf("old region sent at %v, want within twice MaxDelay (4 s) plus a refresh", sentAt)
	}
}

func TestSchedulerLateFirstWithoutNewInput(t *testing.T) {
	// Input came before the last refresh started, so no echo is
	// waiting, and the region late by MaxDelay goes before the newer one.
	w := newSchedWorld(t, it10, SchedulerOptions{})
	old := image.Rect(1000, 1000, 1100, 1016)
	w.damage(0, far, 0)
	w.plan(0)
	w.damage(time.Millisecond, old, 0)
	w.s.Input(w.t0.Add(2 * time.Second))
	w.damage(2*time.Second, cell1, 0)
	if got, _ := w.plan(2 * time.Second); got != "A2 "+cell1.String() {
		t.Fatalf("plan at 2 s %q, want the echo %v", got, cell1)
	}
	w.damage(2100*time.Millisecond, cell2, 0)
	got, _ := w.plan(2200 * time.Millisecond)
	if want := "A2 " + old.String(); got != want {
		t.Errorf("plan at 2.2 s %q, want the late region %q", got, want)
	}
}

func TestSchedulerEchoAheadOfBacklog(t *testing.T) {
	// A screen split into regions is still going out when a key comes.
	// Its echo goes next, although the backlog is late by MaxDelay.
	w := newSchedWorld(t, it10, SchedulerOptions{MergeCap: 1.2})
	for y := 0; y < 40*32; y += 32 {
		w.damage(0, image.Rect(0, y, 400+y, y+13), 0)
	}
	for at := time.Duration(0); at < 2500*time.Millisecond; at += 150 * time.Millisecond {
		if got, _ := w.plan(at); got == "" {
			t.Fatalf("plan at %v sent nothing with %d regions left", at, len(w.dirty))
		}
	}
	w.s.Input(w.t0.Add(2550 * time.Millisecond))
	w.damage(2550*time.Millisecond, far, 0)
	if got, _ := w.plan(2650 * time.Millisecond); got != "A2 "+far.String() {
		t.Errorf("plan after the key %q, want the echo %v", got, far)
	}
}

func TestSchedulerFloodIsRateLimited(t *testing.T) {
	w := newSchedWorld(t, it10, SchedulerOptions{})
	var starts, damaged []time.Duration
	var longest time.Duration
	for at := time.Duration(0); at < 3*time.Second; at += 20 * time.Millisecond {
		y := int(at/(20*time.Millisecond)) % 80 * 16
		w.damage(at, image.Rect(0, y, 1872, y+16), 0)
		damaged = append(damaged, at)
		if got, _ := w.plan(at); got != "" {
			starts = append(starts, at)
			longest = max(longest, w.s.BusyUntil().Sub(w.t0)-at)
		}
	}

	// The flood stops; the last change must still go out.
	w.runUntil(3*time.Second, 10*time.Second)
	if len(w.dirty) != 0 {
		t.Errorf("after the flood %d areas are still dirty: %v", len(w.dirty), w.dirty)
	}
	// New damage starts a refresh at most once per 500 ms. When the
	// rows wrap to the top, the damage splits into two regions, and
	// the second follows as soon as the panel is ready.
	if n := len(starts); n > 8 {
		t.Errorf("%d refreshes in a 3 s flood, want at most 8 (one per 500 ms and one split)", n)
	}
	for i := 2; i < len(starts); i++ {
		if gap := starts[i] - starts[i-2]; gap < 500*time.Millisecond {
			t.Errorf("refreshes at %v, %v and %v within %v, want at most two per 500 ms",
				starts[i-2], starts[i-1], starts[i], gap)
		}
	}
	// No change waits longer than the rate limit plus one refresh.
	bound := 500*time.Millisecond + longest
	for _, d := range damaged {
		i := sort.Search(len(starts), func(i int) bool { return starts[i] > d })
		if i < len(starts) && starts[i]-d > bound {
			t.Errorf("change at %v waited until %v, more than %v", d, starts[i], bound)
		}
	}
}

func TestSchedulerCleansInIdlePause(t *testing.T) {
	opts := SchedulerOptions{SoftPartials: 5, HardPartials: 50, SleepAfter: -1}
	w := newSchedWorld(t, it10, opts)
	var last time.Duration
	for i := 0; i < 12; i++ {
		at := time.Duration(i) * 300 * time.Millisecond
		w.s.Input(w.t0.Add(at))
		w.damage(at, cell1, 0)
		got, _ := w.plan(at)
		if strings.Contains(got, "clean") {
			t.Fatalf("clean while typing at %v: %q", at, got)
		}
		last = at
	}
	got, next := w.plan(last + time.Second)
	if got != "" {
		t.Errorf("plan %q one second after typing, want nothing", got)
	}
	if want := last + 3*time.Second; next != want {
		t.Errorf("next %v, want the end of the idle pause %v", next, want)
	}
	got, _ = w.plan(next)
	if !strings.HasPrefix(got, "clean GC16") || !strings.Contains(got, "(96,96)-(128,128)") {
		t.Errorf("plan %q after the idle pause, want a GC16 clean of the typed tile (96,96)-(128,128)", got)
	}
}

func TestSchedulerHardLimitCleansWhileTyping(t *testing.T) {
	opts := SchedulerOptions{SoftPartials: 3, HardPartials: 4, SleepAfter: -1}
	w := newSchedWorld(t, it10, opts)
	var kinds []string
	for i := 0; i < 10; i++ {
		at := time.Duration(i) * 600 * time.Millisecond
		w.s.Input(w.t0.Add(at))
		w.damage(at, cell1, 0)
		got, _ := w.plan(at)
		kinds = append(kinds, strings.Fields(got)[0])
	}
	want := "A2 A2 A2 A2 clean A2 A2 A2 A2 clean"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("refresh kinds %q, want %q", got, want)
	}
}

// TestSchedulerHardLimitBelowSoftDefault checks that a HardPartials
// below the default SoftPartials is kept, so a typed tile is cleaned
// after that many partials.
func TestSchedulerHardLimitBelowSoftDefault(t *testing.T) {
	for _, hard := range []int{1, 5, 19} {
		opts := SchedulerOptions{HardPartials: hard}.withDefaults(it10)
		if opts.HardPartials != hard {
			t.Errorf("HardPartials %d: options give hard %d, want %d", hard, opts.HardPartials, hard)
		}
		if opts.SoftPartials != hard {
			t.Errorf("HardPartials %d: options give soft %d, want %d", hard, opts.SoftPartials, hard)
		}
		w := newSchedWorld(t, it10, SchedulerOptions{HardPartials: hard, SleepAfter: -1})
		cleanAt := -1
		for i := 0; i < hard+2 && cleanAt < 0; i++ {
			at := time.Duration(i) * 600 * time.Millisecond
			w.s.Input(w.t0.Add(at))
			w.damage(at, cell1, 0)
			if got, _ := w.plan(at); strings.HasPrefix(got, "clean") {
				cleanAt = i
			}
		}
		if cleanAt != hard {
			t.Errorf("HardPartials %d: the typed tile was cleaned at keystroke %d, want %d", hard, cleanAt, hard)
		}
	}
}

func TestSchedulerLongCleanOfUntouchedAreas(t *testing.T) {
	opts := SchedulerOptions{SleepAfter: -1}
	w := newSchedWorld(t, it10, opts)
	got, next := w.plan(time.Second)
	if got != "" || next != time.Hour {
		t.Fatalf("plan %q next %v on a fresh panel, want nothing until 1h", got, next)
	}
	got, _ = w.plan(time.Hour)
	if got != "clean GC16 (0,0)-(1872,1404)" {
		t.Errorf("plan %q after an hour, want a clean of the whole panel", got)
	}
}

func TestSchedulerNoFlashesOnLCD(t *testing.T) {
	lcd := it10
	lcd.Flashes = false
	opts := SchedulerOptions{SoftPartials: 2, HardPartials: 3, SleepAfter: -1}
	w := newSchedWorld(t, lcd, opts)
	for i := 0; i < 10; i++ {
		at := time.Duration(i) * time.Second
		w.damage(at, cell1, 0)
		w.plan(at)
	}
	w.runUntil(10*time.Second, 3*time.Hour)
	w.s.RequestFull()
	w.plan(4 * time.Hour)
	for _, l := range w.log {
		if strings.Contains(l, "clean") {
			t.Errorf("cleaning refresh on a panel that does not flash: %s", l)
		}
	}
	if last := w.log[len(w.log)-1]; !strings.Contains(last, "(0,0)-(1872,1404)") {
		t.Errorf("RequestFull on an LCD gave %q, want a refresh of the whole panel", last)
	}
}

func TestSchedulerSmallSPIPanel(t *testing.T) {
	small := Profiles["2in13"]
	runSteps(t, small, SchedulerOptions{}, []schedStep{
		{at: 0, damage: image.Rect(3, 3, 5, 5), want: "partial (0,3)-(8,5)"},
		{at: time.Second, full: true, want: "clean full (0,0)-(122,250)"},
	})
}

func TestSchedulerGrayModeOption(t *testing.T) {
	runSteps(t, it10, SchedulerOptions{GrayMode: ModeGC16}, []schedStep{
		{at: 0, damage: image.Rect(0, 0, 64, 64), gray: 3000, want: "clean GC16 (0,0)-(64,64)"},
	})
}

func TestSchedulerMaxAgeCleansTouchedTile(t *testing.T) {
	opts := SchedulerOptions{SleepAfter: -1, LongClean: -1}
	w := newSchedWorld(t, it10, opts)
	w.damage(0, cell1, 0)
	w.plan(0)
	got, next := w.plan(time.Minute)
	if got != "" || next != 10*time.Minute {
		t.Fatalf("plan %q next %v after one partial, want nothing until 10m", got, next)
	}
	got, _ = w.plan(next)
	if got != "clean GC16 (96,96)-(128,128)" {
		t.Errorf("plan %q at MaxAge, want a clean of the touched tile", got)
	}
	if _, next = w.plan(next + time.Second); next != -1 {
		t.Errorf("next %v after the clean, want none", next)
	}
}

func TestSchedulerFocusFirstAmongEqualChanges(t *testing.T) {
	// A scroll changes every line at once. Under a merge cap the lines
	// go out one region at a time, the line with the cursor first.
	w := newSchedWorld(t, it10, SchedulerOptions{MergeCap: 1.2})
	prompt := image.Rect(0, 1200, 80, 1216)
	w.s.Focus(image.Rect(72, 1200, 80, 1216))
	w.s.Input(w.t0)
	for y := 0; y < 1200; y += 300 {
		w.damage(0, image.Rect(0, y, 600, y+13), 0)
	}
	w.damage(0, prompt, 0)
	if got, _ := w.plan(10 * time.Millisecond); got != "A2 "+prompt.String() {
		t.Errorf("first refresh %q, want the cursor's line %v", got, prompt)
	}
}

func TestSchedulerEarlySleepSkipsClean(t *testing.T) {
	// A sleep delay shorter than the idle pause puts the panel to sleep
	// uncleaned, because a clean would flash while the user may still
	// type.
	busy1 := a2Cost(cell1)
	opts := SchedulerOptions{SleepAfter: 2 * time.Second, IdlePause: time.Hour}
	runSteps(t, it10, opts, []schedStep{
		{at: 0, input: true, damage: cell1, want: "A2 (100,100)-(108,116)", next: busy1},
		{at: busy1, want: "", next: busy1 + 2*time.Second},
		{at: busy1 + 2*time.Second, want: "sleep", next: -1},
		{at: 10 * time.Second, input: true, damage: cell2, want: "wake; A2 (108,100)-(116,116)"},
	})
}
