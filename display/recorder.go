package display

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Recorder is the headless panel. It models the refresh time of each mode
// with its Clock, keeps the image the panel would show, and writes every
// refresh to DIR/refresh.jsonl, one JSON object per line:
//
//	{"t_ms":1234.5,"kind":"refresh","x":0,"y":32,"w":64,"h":32,
//	 "mode":"A2","flash":false,"bytes":256,"busy_ms":121}
//
// Key, sleep and wake events are written with kind "key", "sleep" and
// "wake". Close writes DIR/final.png; with Frames set, each refresh also
// writes DIR/frame-NNNNNN.png.
type Recorder struct {
	info   Info
	dir    string
	frames bool
	clock  Clock

	mu        sync.Mutex
	start     time.Time
	busyUntil time.Time
	image     *Frame
	log       *bufio.Writer
	file      *os.File
	count     int
	events    []Event
	asleep    bool
	err       error
}

var _ Panel = (*Recorder)(nil)

// Event is one line of the refresh log. A refresh has every field; key,
// sleep and wake events have only the time and the kind.
type Event struct {
	TimeMS float64 `json:"t_ms"`
	Kind   string  `json:"kind"`
	X      int     `json:"x"`
	Y      int     `json:"y"`
	W      int     `json:"w"`
	H      int     `json:"h"`
	Mode   string  `json:"mode"`
	Flash  bool    `json:"flash"`
	Bytes  int     `json:"bytes"`
	BusyMS float64 `json:"busy_ms"`
}

// eventHeader is the part of Event that every kind of line has.
type eventHeader struct {
	TimeMS float64 `json:"t_ms"`
	Kind   string  `json:"kind"`
}

// MarshalJSON writes a refresh with all its fields and any other event
// with its time and kind alone.
func (e Event) MarshalJSON() ([]byte, error) {
	if e.Kind != "refresh" {
		return json.Marshal(eventHeader{e.TimeMS, e.Kind})
	}
	type plain Event
	return json.Marshal(plain(e))
}

// Rect returns the event's rectangle.
func (e Event) Rect() image.Rectangle {
	return image.Rect(e.X, e.Y, e.X+e.W, e.Y+e.H)
}

// RecorderOptions configures a Recorder.
type RecorderOptions struct {
	// Dir is the folder for the log and images; empty keeps the log in
	// memory only.
	Dir string

	// Frames writes a PNG of the panel after every refresh.
	Frames bool

	// Clock models refresh time; nil means SystemClock.
	Clock Clock
}

// NewRecorder returns a recorder that models the panel info, creating
// opts.Dir when it is set. Frame PNGs of an earlier run in opts.Dir are
// removed, so the folder holds one session.
func NewRecorder(info Info, opts RecorderOptions) (*Recorder, error) {
	if opts.Clock == nil {
		opts.Clock = SystemClock{}
	}
	r := &Recorder{
		info:   info,
		dir:    opts.Dir,
		frames: opts.Frames,
		clock:  opts.Clock,
		image:  NewFrame(info.Width, info.Height, info.Depth),
	}
	r.start = r.clock.Now()
	if r.dir == "" {
		return r, nil
	}
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return nil, fmt.Errorf("display: recorder folder: %w (choose a writable folder with --display record:DIR)", err)
	}
	f, err := os.Create(filepath.Join(r.dir, "refresh.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("display: recorder log: %w (choose a writable folder with --display record:DIR)", err)
	}
	if err := removeOldFrames(r.dir); err != nil {
		f.Close()
		return nil, err
	}
	r.file = f
	r.log = bufio.NewWriter(f)
	return r, nil
}

// removeOldFrames deletes the frame PNGs that an earlier run left in
// dir: names of the form frame-NNNNNN.png with six digits, as Refresh
// writes them.
func removeOldFrames(dir string) error {
	old, err := filepath.Glob(filepath.Join(dir, "frame-[0-9][0-9][0-9][0-9][0-9][0-9].png"))
	if err != nil {
		return fmt.Errorf("display: recorder folder: %w", err)
	}
	for _, name := range old {
		if err := os.Remove(name); err != nil {
			return fmt.Errorf("display: removing the earlier run's frame: %w (choose another folder with --display record:DIR)", err)
		}
	}
	return nil
}

// Info returns the modelled panel.
func (r *Recorder) Info() Info { return r.info }

// Refresh copies region rect of f into the modelled panel and logs it. A
// refresh that arrives while the panel is busy starts when it is ready,
// as on a real controller.
func (r *Recorder) Refresh(f *Frame, rect image.Rectangle, m Mode) error {
	return r.RefreshBatch(f, []image.Rectangle{rect}, m)
}

// RefreshBatch copies the regions rects of f into the modelled panel as
// one refresh in mode m and logs each region, all with the same start
// and busy time. On a panel with Info.Concurrent the regions share one
// waveform and the batch costs their transfers plus one Fixed time.
// Otherwise they run one after another.
func (r *Recorder) RefreshBatch(f *Frame, rects []image.Rectangle, m Mode) error {
	spec, ok := r.info.Spec(m)
	if !ok {
		return fmt.Errorf("display: panel %s has no mode %v", r.info.Name, m)
	}
	if f.Width != r.info.Width || f.Height != r.info.Height || f.Depth != r.info.Depth {
		return fmt.Errorf("display: frame %dx%d at %d bpp does not fit panel %s (%dx%d at %d bpp)",
			f.Width, f.Height, f.Depth, r.info.Name, r.info.Width, r.info.Height, r.info.Depth)
	}
	for _, rect := range rects {
		if !rect.In(r.info.Bounds()) || rect.Empty() {
			return fmt.Errorf("display: refresh region %v is empty or outside panel %v", rect, r.info.Bounds())
		}
	}
	if len(rects) > 1 && !r.info.Concurrent {
		for _, rect := range rects {
			if err := r.RefreshBatch(f, []image.Rectangle{rect}, m); err != nil {
				return err
			}
		}
		return nil
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clock.Now()
	if now.Before(r.busyUntil) {
		now = r.busyUntil
	}
	busy := r.info.BatchCost(rects, m)
	r.busyUntil = now.Add(busy)
	for _, rect := range rects {
		r.image.CopyRect(f, rect)
		r.count++
		r.record(Event{
			TimeMS: r.ms(now),
			Kind:   "refresh",
			X:      rect.Min.X, Y: rect.Min.Y, W: rect.Dx(), H: rect.Dy(),
			Mode:   m.String(),
			Flash:  spec.Flash,
			Bytes:  r.info.RegionBytes(rect),
			BusyMS: round1(busy.Seconds() * 1000),
		})
		if r.frames && r.dir != "" {
			name := filepath.Join(r.dir, fmt.Sprintf("frame-%06d.png", r.count))
			r.setErr(writePNG(name, r.image))
		}
	}
	return nil
}

// Wait blocks until the modelled refresh ends or ctx is done.
func (r *Recorder) Wait(ctx context.Context) error {
	r.mu.Lock()
	d := r.busyUntil.Sub(r.clock.Now())
	r.mu.Unlock()
	if d <= 0 {
		return nil
	}
	select {
	case <-r.clock.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Busy reports whether a modelled refresh is running.
func (r *Recorder) Busy() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.clock.Now().Before(r.busyUntil)
}

// BusyUntil returns the time the running refresh ends.
func (r *Recorder) BusyUntil() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.busyUntil
}

// Sleep logs a sleep event.
func (r *Recorder) Sleep() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.asleep {
		r.asleep = true
		r.record(Event{TimeMS: r.ms(r.clock.Now()), Kind: "sleep"})
	}
	return nil
}

// Wake logs a wake event.
func (r *Recorder) Wake() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.asleep {
		r.asleep = false
		r.record(Event{TimeMS: r.ms(r.clock.Now()), Kind: "wake"})
	}
	return nil
}

// LogInput records that an input event of kind (such as "key") reached
// the session.
func (r *Recorder) LogInput(kind string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.record(Event{TimeMS: r.ms(r.clock.Now()), Kind: kind})
}

// Events returns a copy of the in-memory log, which keeps at least the
// last 32768 events.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// Image returns a copy of the modelled panel's image.
func (r *Recorder) Image() *Frame {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.image.Clone()
}

// Start returns the time that t_ms counts from.
func (r *Recorder) Start() time.Time { return r.start }

// Dir returns the output folder, or "" when the log is in memory only.
func (r *Recorder) Dir() string { return r.dir }

// Close writes final.png and closes the log, returning the first write
// error of the recorder's life.
func (r *Recorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dir == "" {
		return r.err
	}
	r.setErr(writePNG(filepath.Join(r.dir, "final.png"), r.image))
	if r.log != nil {
		r.setErr(r.log.Flush())
		r.setErr(r.file.Close())
		r.log = nil
	}
	return r.err
}

// maxEvents bounds the in-memory log; the file log keeps everything.
const maxEvents = 1 << 16

func (r *Recorder) record(e Event) {
	if len(r.events) >= maxEvents {
		r.events = append(r.events[:0], r.events[maxEvents/2:]...)
	}
	r.events = append(r.events, e)
	if r.log == nil {
		return
	}
	b, err := json.Marshal(e)
	if err != nil {
		r.setErr(err)
		return
	}
	b = append(b, '\n')
	_, err = r.log.Write(b)
	r.setErr(err)
	r.setErr(r.log.Flush())
}

func (r *Recorder) ms(t time.Time) float64 {
	return round1(float64(t.Sub(r.start)) / float64(time.Millisecond))
}

func (r *Recorder) setErr(err error) {
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("display: recorder: %w (check that %s is a writable folder with free space)", err, r.dir)
	}
}

func round1(v float64) float64 {
	return math.Round(v*10) / 10
}

// writePNG writes f as an 8-bit gray PNG, through a temporary file so a
// reader never sees half an image.
func writePNG(name string, f *Frame) error {
	tmp := name + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	err = png.Encode(out, f.Gray())
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
