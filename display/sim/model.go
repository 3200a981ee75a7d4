package sim

import (
	"fmt"
	"image"
	"math"
	"strconv"
	"time"

	"github.com/einkterm/einkterm/display"
)

// GhostOptions sets how strongly non-flashing updates leave a ghost of
// the previous content. The zero value means the defaults below.
type GhostOptions struct {
	// Step is the fraction of a pixel's previous brightness that stays
	// visible when a non-flashing update changes it, per non-flashing
	// update of that pixel since its last clean. Zero means 0.03.
	Step float64

	// Max caps the ghost fraction. Zero means 0.30.
	Max float64
}

// NOTE: the default ghost figures are estimates chosen to be visible at a
// glance, not measurements of a particular panel.
const (
	defaultGhostStep = 0.03
	defaultGhostMax  = 0.30
)

func (o GhostOptions) withDefaults() GhostOptions {
	if o.Step <= 0 {
		o.Step = defaultGhostStep
	}
	if o.Max <= 0 {
		o.Max = defaultGhostMax
	}
	return o
}

// Model is the e-paper model behind the simulator window: what each
// pixel shows after each refresh, and when the panel is busy. It draws
// nothing and reads no clock, so tests drive it with explicit times.
//
// A flashing refresh shows the new content exactly and resets the
// region's ghosting. A non-flashing refresh of a pixel counts one more
// partial since its last clean. When it changes the pixel, a fraction
// min(Max, Step*partials) of the previous brightness stays visible.
// Content is shown with the mode's gray levels, so gray drawn with A2 or
// DU comes out black or white, and a pixel that such a binary mode
// changes from gray keeps the strongest ghost, Max.
type Model struct {
	info  display.Info
	ghost GhostOptions

	target   []uint8  // luminance the content requests, 0 black to 255 white
	visible  []uint8  // luminance the panel shows, ghost included
	partials []uint16 // non-flashing refreshes since the pixel's last clean

	busyUntil time.Time
	stats     Stats
}

// Stats counts the refreshes a Model has run.
type Stats struct {
	Refreshes  int
	Flashes    int
	Misaligned int // refreshes whose region was grown to the alignment
	PerMode    map[display.Mode]int
	LastMode   display.Mode
}

// Phase is one step of what a refresh region shows while the waveform
// runs.
type Phase struct {
	At   time.Time
	Kind PhaseKind
}

// PhaseKind is the content of a refresh region during a Phase.
type PhaseKind uint8

const (
	// PhaseBlack fills the region with black (part of a flash).
	PhaseBlack PhaseKind = iota
	// PhaseWhite fills the region with white (part of a flash).
	PhaseWhite
	// PhaseImage shows the refresh's result, ghost included.
	PhaseImage
)

// String returns the phase's name: black, white or image.
func (k PhaseKind) String() string {
	switch k {
	case PhaseBlack:
		return "black"
	case PhaseWhite:
		return "white"
	case PhaseImage:
		return "image"
	}
	return "PhaseKind(" + strconv.Itoa(int(k)) + ")"
}

// Update is the outcome of one Model.Refresh.
type Update struct {
	Rect      image.Rectangle // refreshed region after alignment
	Requested image.Rectangle // region the caller passed
	Spec      display.ModeSpec
	Bytes     int
	Start     time.Time // when the waveform starts (after a busy panel)
	End       time.Time // when the panel is ready again
	Phases    []Phase   // in time order; the last one is PhaseImage at End

	// Result is the visible luminance of Rect after the refresh, with
	// Rect's coordinates.
	Result *image.Gray
}

// NewModel returns the model of a white, clean panel described by info.
func NewModel(info display.Info, ghost GhostOptions) *Model {
	n := info.Width * info.Height
	m := &Model{
		info:     info,
		ghost:    ghost.withDefaults(),
		target:   make([]uint8, n),
		visible:  make([]uint8, n),
		partials: make([]uint16, n),
		stats:    Stats{PerMode: map[display.Mode]int{}},
	}
	for i := range m.target {
		m.target[i] = 255
		m.visible[i] = 255
	}
	return m
}

// Info returns the modelled panel.
func (m *Model) Info() display.Info { return m.info }

// Refresh applies region r of f in mode mo, starting at now or when the
// running refresh ends, whichever is later. A region that breaks the
// mode's alignment is grown to it, as a controller drives whole aligned
// windows, and counted in Stats.Misaligned.
func (m *Model) Refresh(f *display.Frame, r image.Rectangle, mo display.Mode, now time.Time) (Update, error) {
	spec, ok := m.info.Spec(mo)
	if !ok {
		return Update{}, fmt.Errorf("sim: panel %s has no mode %v", m.info.Name, mo)
	}
	if f.Width != m.info.Width || f.Height != m.info.Height || f.Depth != m.info.Depth {
		return Update{}, fmt.Errorf("sim: frame %dx%d at %d bpp does not fit panel %s (%dx%d at %d bpp)",
			f.Width, f.Height, f.Depth, m.info.Name, m.info.Width, m.info.Height, m.info.Depth)
	}
	if r.Empty() || !r.In(m.info.Bounds()) {
		return Update{}, fmt.Errorf("sim: refresh region %v is empty or outside panel %v", r, m.info.Bounds())
	}

	aligned := display.AlignRect(r, m.info, mo)
	if aligned != r {
		m.stats.Misaligned++
	}
	start := now
	if start.Before(m.busyUntil) {
		start = m.busyUntil
	}
	bytes := m.info.RegionBytes(aligned)
	end := start.Add(spec.Cost(bytes))
	m.busyUntil = end

	m.apply(f, aligned, spec)
	m.count(spec)
	return Update{
		Rect:      aligned,
		Requested: r,
		Spec:      spec,
		Bytes:     bytes,
		Start:     start,
		End:       end,
		Phases:    phases(spec, start, end),
		Result:    m.Visible(aligned),
	}, nil
}

// RefreshBatch applies the regions rs of f in mode mo as one refresh.
// On a panel with Info.Concurrent they share one waveform: all start
// together and end after their transfers plus one Fixed time. Otherwise
// they run one after another.
func (m *Model) RefreshBatch(f *display.Frame, rs []image.Rectangle, mo display.Mode, now time.Time) ([]Update, error) {
	ups := make([]Update, 0, len(rs))
	for _, r := range rs {
		u, err := m.Refresh(f, r, mo, now)
		if err != nil {
			return ups, err
		}
		ups = append(ups, u)
	}
	if !m.info.Concurrent || len(ups) < 2 {
		return ups, nil
	}
	aligned := make([]image.Rectangle, len(ups))
	for i, u := range ups {
		aligned[i] = u.Rect
	}
	start := ups[0].Start
	end := start.Add(m.info.BatchCost(aligned, mo))
	for i := range ups {
		ups[i].Start, ups[i].End = start, end
		ups[i].Phases = phases(ups[i].Spec, start, end)
	}
	m.busyUntil = end
	return ups, nil
}

// phases returns the black-white-black flash of a flashing mode in equal
// thirds of the waveform time, then the image at its end. A non-flashing
// mode shows its image when the waveform ends.
func phases(spec display.ModeSpec, start, end time.Time) []Phase {
	if !spec.Flash {
		return []Phase{{At: end, Kind: PhaseImage}}
	}
	third := end.Sub(start) / 3
	return []Phase{
		{At: start, Kind: PhaseBlack},
		{At: start.Add(third), Kind: PhaseWhite},
		{At: start.Add(2 * third), Kind: PhaseBlack},
		{At: end, Kind: PhaseImage},
	}
}

func (m *Model) count(spec display.ModeSpec) {
	m.stats.Refreshes++
	m.stats.PerMode[spec.Mode]++
	m.stats.LastMode = spec.Mode
	if spec.Flash {
		m.stats.Flashes++
	}
}

// apply updates the pixels of r as mode spec leaves them.
func (m *Model) apply(f *display.Frame, r image.Rectangle, spec display.ModeSpec) {
	// lum maps each frame value to the luminance the mode shows.
	var lum [256]uint8
	levels := m.levels(spec)
	for v := 0; v <= int(f.White()); v++ {
		lum[v] = quantize(uint8(v), f.White(), levels)
		if spec.Mode == display.ModeINIT {
			lum[v] = 255
		}
	}
	binary := levels == 2 && !spec.Flash
	for y := r.Min.Y; y < r.Max.Y; y++ {
		i := y*m.info.Width + r.Min.X
		for x := r.Min.X; x < r.Max.X; x++ {
			m.applyPixel(i, lum[f.GrayAt(x, y)], spec.Flash, binary)
			i++
		}
	}
}

// applyPixel updates pixel i for content want. A binary mode (A2, DU,
// the partial of a 1-bit controller) expects each pixel to start black
// or white, so from gray it leaves the strongest ghost.
func (m *Model) applyPixel(i int, want uint8, flash, binary bool) {
	if flash {
		m.target[i], m.visible[i], m.partials[i] = want, want, 0
		return
	}
	if m.partials[i] < math.MaxUint16 {
		m.partials[i]++
	}
	if want == m.target[i] {
		return
	}
	residue := m.Residue(int(m.partials[i]))
	if binary && m.target[i] != 0 && m.target[i] != 255 {
		residue = m.ghost.Max
	}
	prev := float64(m.visible[i])
	v := float64(want) + residue*(prev-float64(want))
	m.target[i], m.visible[i] = want, uint8(math.Round(v))
}

// Residue returns the fraction of a pixel's previous brightness that a
// change leaves visible when it is the n-th non-flashing refresh of the
// pixel since its last clean.
func (m *Model) Residue(n int) float64 {
	return math.Min(m.ghost.Max, m.ghost.Step*float64(n))
}

// levels returns the gray levels that mode spec can show on this panel.
func (m *Model) levels(spec display.ModeSpec) int {
	levels := 1 << m.info.Depth
	if spec.Levels >= 2 && spec.Levels < levels {
		levels = spec.Levels
	}
	return levels
}

// quantize maps frame value v (0 to white) to 8-bit luminance shown with
// the given number of gray levels.
func quantize(v, white uint8, levels int) uint8 {
	steps := levels - 1
	q := (int(v)*steps + int(white)/2) / int(white)
	return uint8(q * 255 / steps)
}

// Busy reports whether a refresh runs at time now.
func (m *Model) Busy(now time.Time) bool { return now.Before(m.busyUntil) }

// BusyUntil returns when the last refresh ends.
func (m *Model) BusyUntil() time.Time { return m.busyUntil }

// Stats returns the refresh counts so far.
func (m *Model) Stats() Stats {
	s := m.stats
	s.PerMode = make(map[display.Mode]int, len(m.stats.PerMode))
	for k, v := range m.stats.PerMode {
		s.PerMode[k] = v
	}
	return s
}

// Visible returns a copy of the luminance the panel shows in r, clipped
// to the panel, with r's coordinates.
func (m *Model) Visible(r image.Rectangle) *image.Gray {
	r = r.Intersect(m.info.Bounds())
	g := image.NewGray(r)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		o := y*m.info.Width + r.Min.X
		copy(g.Pix[g.PixOffset(r.Min.X, y):], m.visible[o:o+r.Dx()])
	}
	return g
}

// Ghost returns the largest difference between what the panel shows and
// what the content requests inside r, as a fraction of full white.
func (m *Model) Ghost(r image.Rectangle) float64 {
	r = r.Intersect(m.info.Bounds())
	worst := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := y*m.info.Width + x
			d := int(m.visible[i]) - int(m.target[i])
			worst = max(worst, d, -d)
		}
	}
	return float64(worst) / 255
}

// Partials returns how many non-flashing refreshes pixel p has had since
// its last clean.
func (m *Model) Partials(p image.Point) int {
	if !p.In(m.info.Bounds()) {
		return 0
	}
	return int(m.partials[p.Y*m.info.Width+p.X])
}
