package display

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestRecorderLogsAndModelsBusy(t *testing.T) {
	dir := t.TempDir()
	info := Profiles["2in13"]
	rec, err := NewRecorder(info, RecorderOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	f := NewFrame(info.Width, info.Height, 1)
	f.FillRect(image.Rect(8, 8, 16, 16), 0)
	if err := rec.Refresh(f, image.Rect(8, 8, 16, 16), ModePartial); err != nil {
		t.Fatal(err)
	}
	if !rec.Busy() {
		t.Error("recorder not busy right after a 300 ms refresh")
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}

	file, err := os.Open(filepath.Join(dir, "refresh.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	var events []Event
	for sc.Scan() {
		var e Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("bad log line %q: %v", sc.Text(), err)
		}
		events = append(events, e)
	}
	if len(events) != 1 {
		t.Fatalf("log has %d lines, want 1", len(events))
	}
	e := events[0]
	if e.Kind != "refresh" || e.Mode != "partial" || e.Rect() != image.Rect(8, 8, 16, 16) {
		t.Errorf("logged %+v, want a partial refresh of (8,8)-(16,16)", e)
	}
	if e.Bytes != 8 {
		t.Errorf("bytes = %d, want 8 (8 rows of one byte)", e.Bytes)
	}
	if e.BusyMS < 300 || e.BusyMS > 301 {
		t.Errorf("busy_ms = %v, want 300 plus 8 bytes at 2 us", e.BusyMS)
	}
	if _, err := os.Stat(filepath.Join(dir, "final.png")); err != nil {
		t.Errorf("final.png missing: %v", err)
	}
	if got := rec.Image().GrayAt(10, 10); got != 0 {
		t.Errorf("panel pixel (10,10) = %d, want black", got)
	}
}

func TestLoopSendsOnlyChangedPixels(t *testing.T) {
	info := Profiles["it8951-10in3"]
	rec, err := NewRecorder(info, RecorderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	loop := NewLoop(rec, LoopOptions{})
	src := NewFrame(info.Width, info.Height, info.Depth)
	src.FillRect(image.Rect(101, 50, 103, 60), 0)
	// The damage hint is wider than the change; the diff trims it.
	loop.Submit(src, []Damage{{Rect: image.Rect(0, 0, 400, 100)}})
	ctx := context.Background()
	if err := loop.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// An unchanged frame sends nothing.
	loop.Submit(src, []Damage{{Rect: image.Rect(0, 0, 400, 100)}})
	if err := loop.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	ev := rec.Events()
	if len(ev) != 1 {
		t.Fatalf("got %d refreshes, want 1: %+v", len(ev), ev)
	}
	if got, want := ev[0].Rect(), image.Rect(100, 50, 104, 60); got != want {
		t.Errorf("refreshed %v, want %v", got, want)
	}
	if ev[0].Mode != "A2" {
		t.Errorf("mode %s, want A2 for black and white", ev[0].Mode)
	}
}

func TestLoopCoalescesWhileBusy(t *testing.T) {
	info := Profiles["2in13"]
	rec, err := NewRecorder(info, RecorderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	loop := NewLoop(rec, LoopOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- loop.Run(ctx) }()

	src := NewFrame(info.Width, info.Height, 1)
	for i := 0; i < 20; i++ {
		r := image.Rect(0, i*8, 8, i*8+8)
		src.FillRect(r, 0)
		loop.Submit(src, []Damage{{Rect: r}})
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ev := rec.Events()
	// 20 changes over about 400 ms on a 300 ms panel: at most a handful
	// of refreshes, and the last frame shown.
	if len(ev) == 0 || len(ev) > 4 {
		t.Errorf("got %d refreshes for 20 changes, want 1 to 4", len(ev))
	}
	if got := rec.Image().GrayAt(3, 19*8+3); got != 0 {
		t.Errorf("last change not shown: pixel = %d", got)
	}
}

func TestEventJSONShape(t *testing.T) {
	refresh := Event{TimeMS: 5, Kind: "refresh", W: 8, H: 8, Mode: "A2", Bytes: 32, BusyMS: 120}
	b, err := json.Marshal(refresh)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"t_ms":5,"kind":"refresh","x":0,"y":0,"w":8,"h":8,"mode":"A2","flash":false,"bytes":32,"busy_ms":120}`
	if string(b) != want {
		t.Errorf("refresh line\n got %s\nwant %s", b, want)
	}
	b, err = json.Marshal(Event{TimeMS: 7.5, Kind: "key"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"t_ms":7.5,"kind":"key"}`; string(b) != want {
		t.Errorf("key line\n got %s\nwant %s", b, want)
	}
}

// TestRecorderBatchSharesWaveform checks that a batch on a concurrent
// panel costs one waveform plus its transfers, and on other panels runs
// its regions one after another.
func TestRecorderBatchSharesWaveform(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rects := []image.Rectangle{image.Rect(0, 0, 8, 8), image.Rect(96, 200, 112, 208)}
	for _, tt := range []struct {
		profile string
		mode    Mode
		wait    func(info Info) time.Duration
	}{
		{"2in13", ModePartial, func(info Info) time.Duration {
			spec, _ := info.Spec(ModePartial)
			return spec.Cost(info.RegionBytes(rects[0]) + info.RegionBytes(rects[1]))
		}},
		{"it8951-10in3", ModeA2, func(info Info) time.Duration {
			return info.Cost(rects[0], ModeA2) + info.Cost(rects[1], ModeA2)
		}},
	} {
		info := Profiles[tt.profile]
		clock := NewManualClock(t0)
		rec, err := NewRecorder(info, RecorderOptions{Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		f := NewFrame(info.Width, info.Height, info.Depth)
		for _, r := range rects {
			f.FillRect(r, 0)
		}
		if err := RefreshBatch(rec, f, rects, tt.mode); err != nil {
			t.Fatalf("%s: %v", tt.profile, err)
		}
		if got, want := rec.BusyUntil().Sub(t0), tt.wait(info); got != want {
			t.Errorf("%s: batch keeps the panel busy %v, want %v", tt.profile, got, want)
		}
		ev := rec.Events()
		if len(ev) != 2 {
			t.Fatalf("%s: %d events, want one per region", tt.profile, len(ev))
		}
		for i, r := range rects {
			if ev[i].Rect() != r {
				t.Errorf("%s: event %d is %v, want %v", tt.profile, i, ev[i].Rect(), r)
			}
			if got := rec.Image().GrayAt(r.Min.X, r.Min.Y); got != 0 {
				t.Errorf("%s: region %v not shown: pixel = %d", tt.profile, r, got)
			}
		}
		if info.Concurrent && ev[0].TimeMS != ev[1].TimeMS {
			t.Errorf("%s: regions start at %v and %v ms, want together", tt.profile, ev[0].TimeMS, ev[1].TimeMS)
		}
		if !info.Concurrent && ev[1].TimeMS <= ev[0].TimeMS {
			t.Errorf("%s: second region starts at %v ms, want after the first at %v", tt.profile, ev[1].TimeMS, ev[0].TimeMS)
		}
	}
}

// TestRecorderRemovesEarlierFrames opens a recorder on a folder that an
// earlier run with frames left five frame PNGs in: they go, so the
// frames match the new refresh.jsonl, and other files stay.
func TestRecorderRemovesEarlierFrames(t *testing.T) {
	dir := t.TempDir()
	for i := 1; i <= 5; i++ {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("frame-%06d.png", i)), []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	keep := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}

	info := Profiles["2in13"]
	rec, err := NewRecorder(info, RecorderOptions{Dir: dir, Frames: true})
	if err != nil {
		t.Fatal(err)
	}
	f := NewFrame(info.Width, info.Height, 1)
	f.FillRect(image.Rect(8, 8, 16, 16), 0)
	if err := rec.Refresh(f, image.Rect(8, 8, 16, 16), ModePartial); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}

	frames, _ := filepath.Glob(filepath.Join(dir, "frame-*.png"))
	if len(frames) != 1 || filepath.Base(frames[0]) != "frame-000001.png" {
		t.Fatalf("frames %v, want only the new frame-000001.png", frames)
	}
	if data, err := os.ReadFile(frames[0]); err != nil || string(data) == "old" {
		t.Errorf("frame-000001.png is the earlier run's: %q, %v", data, err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("another file in the folder was removed: %v", err)
	}
}
