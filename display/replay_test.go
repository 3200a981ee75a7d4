package display_test

import (
	"context"
	"image"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/term"
)

// policy turns rendered frames into refreshes: the loop, or a baseline.
type policy interface {
	submit(f *display.Frame, d []display.Damage)
	input()
	step() time.Time // runs due work; returns when to run again
}

// loopPolicy is einkterm's Loop.
type loopPolicy struct{ loop *display.Loop }

func (p loopPolicy) submit(f *display.Frame, d []display.Damage) { p.loop.Submit(f, d) }
func (p loopPolicy) input()                                      { p.loop.NoteInput() }
func (p loopPolicy) step() time.Time {
	next, err := p.loop.Step(context.Background())
	if err != nil {
		panic(err)
	}
	return next
}

// fullFramePolicy is a baseline: it sends the whole frame as a partial
// refresh for every change and never cleans.
type fullFramePolicy struct {
	panel display.Panel
	mode  display.Mode
}

func (p fullFramePolicy) submit(f *display.Frame, d []display.Damage) {
	if err := p.panel.Refresh(f, f.Bounds(), p.mode); err != nil {
		panic(err)
	}
}
func (p fullFramePolicy) input()          {}
func (p fullFramePolicy) step() time.Time { return time.Time{} }

// boxPolicy is a baseline: it sends the bounding box of each change as a
// partial refresh, and the whole frame in the cleaning mode after every
// 50 partials.
type boxPolicy struct {
	panel       display.Panel
	fast, clean display.Mode
	partials    int
}

func (p *boxPolicy) submit(f *display.Frame, d []display.Damage) {
	info := p.panel.Info()
	r, mode := display.AlignRect(display.Bounds(d), info, p.fast), p.fast
	if p.partials >= 50 {
		r, mode, p.partials = info.Bounds(), p.clean, 0
	} else {
		p.partials++
	}
	if err := p.panel.Refresh(f, r, mode); err != nil {
		panic(err)
	}
}
func (p *boxPolicy) input()          {}
func (p *boxPolicy) step() time.Time { return time.Time{} }

var policyNames = []string{"einkterm", "einkterm-cap1.2", "full-frame", "box+full/50"}

func newPolicy(name string, m *meter, clock display.Clock) policy {
	info := m.Info()
	fast := info.FastMode(2).Mode
	clean, _ := info.CleanMode()
	switch name {
	case "einkterm":
		return loopPolicy{display.NewLoop(m, display.LoopOptions{Clock: clock})}
	case "einkterm-cap1.2":
		opts := display.SchedulerOptions{MergeCap: 1.2}
		return loopPolicy{display.NewLoop(m, display.LoopOptions{Clock: clock, Scheduler: opts})}
	case "full-frame":
		return fullFramePolicy{m, fast}
	default:
		return &boxPolicy{panel: m, fast: fast, clean: clean.Mode}
	}
}

// keystroke is a key event and the damage of the first frame rendered
// after its response arrived.
type keystroke struct {
	at   time.Duration
	echo []image.Rectangle
}

// replayResult is the outcome of one replay.
type replayResult struct {
	log        []metered
	keys       []keystroke
	maxPartial int
	misaligned int
	finalOK    bool // the panel ends with the last frame
}

// replay feeds w through a terminal into policy pol on panel profile
// rotated by rotation, in modelled time. Output is rendered when it
// arrives and the panel is ready, or as soon as the panel is ready, as
// the session does.
func replay(tb testing.TB, profile string, rotation int, w workload, pol string) replayResult {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := display.NewManualClock(t0)
	rec, err := display.NewRecorder(display.Profiles[profile], display.RecorderOptions{Clock: clock})
	if err != nil {
		tb.Fatal(err)
	}
	m := newMeter(display.Rotate(rec, rotation), clock)
	info := m.Info()
	tm, err := term.New(term.Options{Width: info.Width, Height: info.Height, Depth: info.Depth})
	if err != nil {
		tb.Fatal(err)
	}
	frame := display.NewFrame(info.Width, info.Height, info.Depth)
	p := newPolicy(pol, m, clock)

	var (
		keys     []keystroke
		next     time.Time
		pending  bool
		answered []int // keystrokes whose response awaits rendering
	)
	render := func() {
		pending = false
		d := tm.Render(frame)
		for _, k := range answered {
			for _, x := range d {
				keys[k].echo = append(keys[k].echo, x.Rect)
			}
		}
		answered = answered[:0]
		if len(d) > 0 {
			if lp, ok := p.(loopPolicy); ok {
				lp.loop.SetFocus(tm.CursorRect()) // as the session does
			}
			p.submit(frame, d)
			next = p.step()
		}
	}
	ready := func() bool { return !m.BusyUntil().After(clock.Now()) }
	advance := func(until time.Time) {
		for {
			at := next
			if pending && (at.IsZero() || m.BusyUntil().Before(at)) {
				at = later(m.BusyUntil(), clock.Now())
			}
			if at.IsZero() || at.After(until) {
				break
			}
			clock.Set(at)
			if pending && ready() {
				render()
			}
			if !next.IsZero() && !next.After(clock.Now()) {
				next = p.step()
			}
		}
		clock.Set(until)
	}

	echoed := map[int]bool{}
	var end time.Duration
	for _, e := range w.events {
		advance(t0.Add(e.at))
		end = e.at
		if e.key {
			m.LogInput("key")
			p.input()
			keys = append(keys, keystroke{at: e.at})
			next = p.step()
			continue
		}
		if e.of >= 0 && !echoed[e.of] {
			echoed[e.of] = true
			answered = append(answered, e.of)
		}
		tm.Write(e.out)
		pending = true
		if ready() {
			render()
		}
	}
	advance(t0.Add(end + 20*time.Second))
	return replayResult{
		log:        m.log,
		keys:       keys,
		maxPartial: m.maxPartials,
		misaligned: m.misaligned,
		finalOK:    sameFrame(m.img, frame),
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func sameFrame(a, b *display.Frame) bool {
	return !display.Differs(a, b, a.Bounds())
}

// replayMetrics are the figures that the replay benchmark reports.
type replayMetrics struct {
	refreshes, regions      int // waveforms, and the regions they refresh
	flashes, flashesNearKey int
	refreshed, changed      int // pixels of partial refreshes
	bytes                   int
	p50, p99                time.Duration
	settle, settleMax       time.Duration // p50 and maximum time from a keystroke to the panel's next pause
	missed                  int           // keystrokes whose echo was never refreshed
	overBound               int           // echoes later than one in-flight plus one fast refresh
	maxPartial              int           // the maximum number of partials a tile had between cleans
	finalShown              bool          // the panel ends with the last frame
	misaligned              int           // refreshes off the panel's alignment
}

func measure(r replayResult) replayMetrics {
	var m replayMetrics
	m.maxPartial = r.maxPartial
	m.finalShown = r.finalOK
	m.misaligned = r.misaligned
	var longestFast time.Duration
	for _, e := range r.log {
		m.regions++
		if !e.joined {
			m.refreshes++
		}
		m.bytes += e.bytes
		if !e.flash {
			m.refreshed += e.rect.Dx() * e.rect.Dy()
			m.changed += e.changed
		}
		switch {
		case e.flash && e.joined:
			// The flash of the refresh it joined is counted.
		case e.flash:
			m.flashes++
			if nearKey(r.keys, e.start) {
				m.flashesNearKey++
			}
		default:
			longestFast = max(longestFast, e.end-e.start)
		}
	}
	var lat []time.Duration
	for _, k := range r.keys {
		if len(k.echo) == 0 {
			continue
		}
		l, ok := echoLatency(r.log, k)
		if !ok {
			m.missed++
			continue
		}
		lat = append(lat, l)
		if l > inFlight(r.log, k.at)+longestFast+10*time.Millisecond {
			m.overBound++
		}
	}
	var settles []time.Duration
	for _, k := range r.keys {
		if len(k.echo) > 0 {
			settles = append(settles, settle(r.log, k.at))
		}
	}
	slices.Sort(settles)
	m.settle = percentile(settles, 50)
	m.settleMax = percentile(settles, 100)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	m.p50, m.p99 = percentile(lat, 50), percentile(lat, 99)
	return m
}

// nearKey reports whether a keystroke came within 2 s before t.
func nearKey(keys []keystroke, t time.Duration) bool {
	for _, k := range keys {
		if k.at <= t && t-k.at <= 2*time.Second {
			return true
		}
	}
	return false
}

// echoLatency returns the time from keystroke k to the start of the
// first refresh after it that changes pixels where its response drew.
func echoLatency(log []metered, k keystroke) (time.Duration, bool) {
	for _, e := range log {
		if e.start < k.at {
			continue
		}
		for _, b := range e.bands {
			for _, r := range k.echo {
				if b.Overlaps(r) {
					return e.start - k.at, true
				}
			}
		}
	}
	return 0, false
}

// inFlight returns how long the refreshes started before t keep the
// panel busy after t.
func inFlight(log []metered, t time.Duration) time.Duration {
	var busy time.Duration
	for _, e := range log {
		if e.start < t && e.end > t {
			busy = max(busy, e.end-t)
		}
	}
	return busy
}

// settle returns the time from t to the end of the run of refreshes
// that starts at or after t. Each refresh of the run starts within 5 ms
// of the end of the one before. So it is how long the panel stays busy
// after a keystroke at t, however much output follows.
func settle(log []metered, t time.Duration) time.Duration {
	end := time.Duration(-1)
	for _, e := range log {
		switch {
		case end < 0 && e.start >= t:
			end = e.end
		case end >= 0 && e.start <= end+5*time.Millisecond:
			end = max(end, e.end)
		case end >= 0:
			return end - t
		}
	}
	return max(end-t, 0)
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

// replayPanels are the modelled panels: the 2.13" SSD1680 turned to
// landscape, and the 10.3" IT8951.
var replayPanels = []struct {
	profile  string
	rotation int
}{
	{"2in13", 90},
	{"it8951-10in3", 0},
}

// BenchmarkReplay replays recorded terminal sessions through the
// terminal emulator and each policy into the recorder, in modelled
// panel time, and reports what reached the panel.
func BenchmarkReplay(b *testing.B) {
	for _, panel := range replayPanels {
		info := display.Rotate(mustRecorder(b, panel.profile), panel.rotation).Info()
		tm, err := term.New(term.Options{Width: info.Width, Height: info.Height, Depth: info.Depth})
		if err != nil {
			b.Fatal(err)
		}
		cols, rows := tm.Size()
		for _, w := range workloads(cols, rows) {
			for _, pol := range policyNames {
				b.Run(panel.profile+"/"+w.name+"/"+pol, func(b *testing.B) {
					var m replayMetrics
					for b.Loop() {
						m = measure(replay(b, panel.profile, panel.rotation, w, pol))
					}
					reportReplay(b, m)
				})
			}
		}
	}
}

func mustRecorder(tb testing.TB, profile string) *display.Recorder {
	rec, err := display.NewRecorder(display.Profiles[profile], display.RecorderOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return rec
}

func reportReplay(b *testing.B, m replayMetrics) {
	b.ReportMetric(float64(m.refreshes), "refreshes")
	b.ReportMetric(float64(m.regions), "regions")
	b.ReportMetric(float64(m.flashes), "flashes")
	b.ReportMetric(float64(m.flashesNearKey), "flashes<2s-key")
	b.ReportMetric(float64(m.refreshed)/float64(max(m.changed, 1)), "px-refreshed/changed")
	b.ReportMetric(float64(m.bytes), "panel-bytes")
	b.ReportMetric(float64(m.p50.Microseconds())/1000, "echo-p50-ms")
	b.ReportMetric(float64(m.p99.Microseconds())/1000, "echo-p99-ms")
	b.ReportMetric(float64(m.settle.Microseconds())/1000, "settle-p50-ms")
	b.ReportMetric(float64(m.settleMax.Microseconds())/1000, "settle-max-ms")
	b.ReportMetric(float64(m.overBound), "echo-over-bound")
	b.ReportMetric(float64(m.missed), "echo-missed")
	b.ReportMetric(float64(m.maxPartial), "max-partials")
	b.ReportMetric(float64(m.misaligned), "misaligned")
	final := 0.0
	if m.finalShown {
		final = 1
	}
	b.ReportMetric(final, "final-shown")
}

// TestReplayTypingMeetsTargets replays the typing session on both panels
// and checks the policy's promises: no flash within 2 s after a
// keystroke, no tile past HardPartials, every echo within one in-flight
// refresh plus one fast refresh, and the last frame on the panel.
func TestReplayTypingMeetsTargets(t *testing.T) {
	if testing.Short() {
		t.Skip("replays a whole typing session")
	}
	for _, panel := range replayPanels {
		info := display.Rotate(mustRecorder(t, panel.profile), panel.rotation).Info()
		tm, err := term.New(term.Options{Width: info.Width, Height: info.Height, Depth: info.Depth})
		if err != nil {
			t.Fatal(err)
		}
		w := workloads(tm.Size())[0]
		m := measure(replay(t, panel.profile, panel.rotation, w, "einkterm"))
		if m.flashesNearKey != 0 {
			t.Errorf("%s: %d flashes within 2 s after a keystroke, want 0", panel.profile, m.flashesNearKey)
		}
		if m.maxPartial > 100 {
			t.Errorf("%s: a tile had %d partials since its clean, want at most 100", panel.profile, m.maxPartial)
		}
		if m.overBound != 0 {
			t.Errorf("%s: %d echoes later than one in-flight plus one fast refresh", panel.profile, m.overBound)
		}
		if m.missed != 0 {
			t.Errorf("%s: %d echoes never refreshed", panel.profile, m.missed)
		}
		if !m.finalShown {
			t.Errorf("%s: the panel does not show the last frame", panel.profile)
		}
		if m.misaligned != 0 {
			t.Errorf("%s: %d refreshes of regions the panel does not accept", panel.profile, m.misaligned)
		}
	}
}

// TestReplayMergeCapMeetsRatio replays every workload on both panels
// with MergeCap 1.2. The refreshed pixels must stay within 1.2 times
// the changed ones, and no flash may come near a keystroke. At most one
// echo in a hundred may be later than one in-flight plus one fast
// refresh.
func TestReplayMergeCapMeetsRatio(t *testing.T) {
	if testing.Short() {
		t.Skip("replays every workload")
	}
	for _, panel := range replayPanels {
		info := display.Rotate(mustRecorder(t, panel.profile), panel.rotation).Info()
		tm, err := term.New(term.Options{Width: info.Width, Height: info.Height, Depth: info.Depth})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range workloads(tm.Size()) {
			name := panel.profile + "/" + w.name
			r := replay(t, panel.profile, panel.rotation, w, "einkterm-cap1.2")
			m := measure(r)
			if ratio := float64(m.refreshed) / float64(max(m.changed, 1)); ratio > 1.2 {
				t.Errorf("%s: refreshed %.2f times the changed pixels, want at most 1.2", name, ratio)
			}
			if m.flashesNearKey != 0 {
				t.Errorf("%s: %d flashes within 2 s after a keystroke, want 0", name, m.flashesNearKey)
			}
			if m.overBound*100 > len(r.keys) {
				t.Errorf("%s: %d of %d echoes later than one in-flight plus one fast refresh", name, m.overBound, len(r.keys))
			}
			if !m.finalShown || m.misaligned != 0 || m.missed != 0 {
				t.Errorf("%s: last frame shown %v, %d misaligned refreshes, %d echoes missed", name, m.finalShown, m.misaligned, m.missed)
			}
		}
	}
}
