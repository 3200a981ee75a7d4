package sim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"log/slog"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/display/sim/simtest"
	"github.com/einkterm/einkterm/term"
)

// The window tests share one Xvfb: shiny's X11 driver never closes its
// connection, and once the server is gone its event goroutine spins, so
// the server stops only after the last window test.
func TestWindowOnXvfb(t *testing.T) {
	if raceDetector {
		// jezek/xgb v1.1.1's shm.Init, which shiny calls, writes the
		// connection's extension map while its reader goroutine reads it.
		t.Skip("shiny's X connection setup races inside jezek/xgb v1.1.1; run without -race")
	}
	disp := simtest.StartXvfb(t)
	t.Setenv("DISPLAY", disp)

	t.Run("shows frames at zoom", testShowsFrames)
	t.Run("flash only when flashing", testFlashOnlyWhenFlashing)
	t.Run("keys reach input", testKeysReachInput)
	t.Run("attached session modes and chord", testAttachSession)
	t.Run("outline toggle", testOutlineToggle)
	t.Run("resize changes zoom", testResizeChangesZoom)
	t.Run("large panel shrinks to fit", testLargePanelShrinks)
	t.Run("paste from selections", testPaste)
	t.Run("window close ends input", testCloseEndsInput)
	t.Run("window manager close ends input", testDeleteWindowEndsInput)
	t.Run("missing screen rejected", func(t *testing.T) { testMissingScreen(t, disp) })
}

// testMissingScreen names a screen that the one-screen Xvfb lacks in
// DISPLAY: New must fail and name it, where xgb alone panics.
func testMissingScreen(t *testing.T, disp string) {
	t.Setenv("DISPLAY", disp+".1")
	info, err := display.LookupProfile("7in5")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(info, Options{})
	if err == nil {
		s.Close()
		t.Fatal("New opened a window on a screen the X server lacks")
	}
	if !strings.Contains(err.Error(), "screen 1 in DISPLAY does not exist") {
		t.Errorf("error %q does not name the missing screen", err)
	}
}

// openSim opens a simulator for info and closes it at the end of t.
func openSim(t *testing.T, info display.Info, opts Options) *Sim {
	t.Helper()
	s, err := New(info, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// windowOrigin returns the window's top-left corner on the screen.
func windowOrigin(t *testing.T, s *Sim) image.Point {
	t.Helper()
	out := run(t, "xdotool", "getwindowgeometry", "--shell", fmt.Sprint(s.WindowID()))
	var p image.Point
	for _, line := range strings.Split(out, "\n") {
		k, v, _ := strings.Cut(line, "=")
		n, _ := strconv.Atoi(v)
		switch k {
		case "X":
			p.X = n
		case "Y":
			p.Y = n
		}
	}
	return p
}

// drawn waits until the window shows every refresh sent.
func drawn(t *testing.T, s *Sim) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Drawn(ctx); err != nil {
		t.Fatalf("window did not draw the refreshes: %v", err)
	}
}

// compareWindow counts the pixels of panel region r whose zoomed pixels
// on the screenshot differ from want, and reports the first few.
func compareWindow(t *testing.T, shot image.Image, origin image.Point, zoom int, want *image.Gray, r image.Rectangle) int {
	t.Helper()
	bad := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			v := want.GrayAt(x, y).Y
			for d := 0; d < zoom*zoom; d++ {
				sx := origin.X + x*zoom + d%zoom
				sy := origin.Y + y*zoom + d/zoom
				cr, cg, cb, _ := shot.At(sx, sy).RGBA()
				if uint8(cr>>8) == v && uint8(cg>>8) == v && uint8(cb>>8) == v {
					continue
				}
				if bad < 5 {
					t.Errorf("panel (%d,%d) screen (%d,%d) = %d,%d,%d, want gray %d",
						x, y, sx, sy, cr>>8, cg>>8, cb>>8, v)
				}
				bad++
				break
			}
		}
	}
	return bad
}

func testShowsFrames(t *testing.T) {
	info, err := display.LookupProfile("240x160")
	if err != nil {
		t.Fatal(err)
	}
	s := openSim(t, info, Options{})
	if got := s.Zoom(); got != 4 {
		t.Errorf("zoom %d for 240x160 on 1280x800, want 4", got)
	}

	// A gray ramp sent with GC16 shows exactly, at all 16 levels.
	f := display.NewFrame(info.Width, info.Height, info.Depth)
	for x := 0; x < info.Width; x++ {
		f.FillRect(image.Rect(x, 0, x+1, info.Height), uint8(x*16/info.Width))
	}
	f.FillRect(image.Rect(40, 40, 200, 60), 0)
	if err := s.Refresh(f, info.Bounds(), display.ModeGC16); err != nil {
		t.Fatal(err)
	}
	drawn(t, s)
	shot := simtest.Screenshot(t)
	origin := windowOrigin(t, s)
	if n := compareWindow(t, shot, origin, s.Zoom(), f.Gray(), info.Bounds()); n > 0 {
		t.Errorf("%d panel pixels differ from the GC16 frame", n)
	}

	// Text drawn with A2 shows in black and white, with a ghost of the
	// ramp that was there.
	text := image.Rect(100, 100, 164, 116)
	f.FillRect(text, f.White())
	f.FillRect(image.Rect(104, 104, 160, 112), 0)
	if err := s.Refresh(f, text, display.ModeA2); err != nil {
		t.Fatal(err)
	}
	drawn(t, s)
	shot = simtest.Screenshot(t)
	want := s.Visible(info.Bounds())
	if n := compareWindow(t, shot, origin, s.Zoom(), want, info.Bounds()); n > 0 {
		t.Errorf("%d panel pixels differ from the modelled panel after A2", n)
	}
	if g := s.model.Ghost(text); g <= 0 || g > defaultGhostMax {
		t.Errorf("ghost after one A2 refresh = %.3f, want between 0 and %.2f", g, defaultGhostMax)
	}
}

// waitPhases waits until the window has drawn n refresh phases, which
// it does as soon as the clock reaches each one.
func waitPhases(t *testing.T, s *Sim, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(s.Shown()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("window drew %d refresh phases in 5 s, want %d", len(s.Shown()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitTimer waits until the window's player waits on the clock.
func waitTimer(t *testing.T, clock *display.ManualClock) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for clock.Pending() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the window's player set no timer within 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// The window plays refreshes on a manual clock here, so each screenshot
// lands inside the phase it checks however long it takes.
func testFlashOnlyWhenFlashing(t *testing.T) {
	info := display.Profiles["2in13"]
	clock := display.NewManualClock(t0)
	s := openSim(t, info, Options{Zoom: 2, Clock: clock})
	origin := windowOrigin(t, s)
	white := display.NewFrame(info.Width, info.Height, info.Depth).Gray()
	black := image.NewGray(info.Bounds())
	box := image.Rect(16, 16, 64, 48)
	f := display.NewFrame(info.Width, info.Height, info.Depth)
	f.FillRect(box, 0)
	f.FillRect(image.Rect(24, 24, 56, 40), f.White())

	// A partial refresh shows nothing until its waveform ends, and
	// never a flash.
	if err := s.Refresh(f, box, display.ModePartial); err != nil {
		t.Fatal(err)
	}
	partial := info.Cost(box, display.ModePartial)
	waitTimer(t, clock)
	if !s.Busy() {
		t.Error("not busy during the partial refresh")
	}
	if n := compareWindow(t, simtest.Screenshot(t), origin, 2, white, box); n > 0 {
		t.Errorf("%d pixels changed before the partial refresh ended", n)
	}
	clock.Advance(partial)
	drawn(t, s)
	if s.Busy() {
		t.Error("still busy after the partial refresh time")
	}
	if n := compareWindow(t, simtest.Screenshot(t), origin, 2, s.Visible(info.Bounds()), box); n > 0 {
		t.Errorf("%d pixels differ from the model after the partial", n)
	}

	// A full refresh flashes black, white and black, a third of its
	// time each, then shows the frame with no ghost.
	if err := s.Refresh(f, info.Bounds(), display.ModeFull); err != nil {
		t.Fatal(err)
	}
	third := info.Cost(info.Bounds(), display.ModeFull) / 3
	steps := []struct {
		name string
		want *image.Gray
	}{
		{"first black", black},
		{"white", white},
		{"second black", black},
	}
	for i, step := range steps {
		waitPhases(t, s, 2+i)
		if n := compareWindow(t, simtest.Screenshot(t), origin, 2, step.want, info.Bounds()); n > 0 {
			t.Errorf("%s third of the full refresh: %d pixels differ", step.name, n)
		}
		waitTimer(t, clock)
		clock.Advance(third)
	}
	clock.Advance(time.Second) // the rounding of the thirds
	drawn(t, s)
	if n := compareWindow(t, simtest.Screenshot(t), origin, 2, f.Gray(), info.Bounds()); n > 0 {
		t.Errorf("%d pixels differ from the frame after the full refresh", n)
	}

	var flashes []PhaseKind
	for _, p := range s.Shown() {
		if p.Kind != PhaseImage {
			flashes = append(flashes, p.Kind)
			if p.Mode != display.ModeFull {
				t.Errorf("flash phase %v shown for mode %v", p.Kind, p.Mode)
			}
		}
	}
	want := []PhaseKind{PhaseBlack, PhaseWhite, PhaseBlack}
	if fmt.Sprint(flashes) != fmt.Sprint(want) {
		t.Errorf("flash phases %v, want %v", flashes, want)
	}
	if st := s.Stats(); st.Flashes != 1 || st.Refreshes != 2 {
		t.Errorf("stats %+v, want 2 refreshes and 1 flash", st)
	}
}

// readInput collects bytes from the sim's Input until it has n bytes or
// the timeout passes.
func readInput(t *testing.T, s *Sim, n int, timeout time.Duration) string {
	t.Helper()
	var got []byte
	deadline := time.After(timeout)
	for len(got) < n {
		select {
		case b, ok := <-s.Input():
			if !ok {
				return string(got)
			}
			got = append(got, b...)
		case <-deadline:
			return string(got)
		}
	}
	return string(got)
}

func focus(t *testing.T, s *Sim) {
	t.Helper()
	run(t, "xdotool", "windowfocus", "--sync", fmt.Sprint(s.WindowID()))
}

func testKeysReachInput(t *testing.T) {
	s := openSim(t, display.Profiles["2in13"], Options{})
	focus(t, s)
	run(t, "xdotool", "type", "--delay", "20", "hi")
	run(t, "xdotool", "key", "--delay", "20", "ctrl+c", "Up", "alt+x", "F5", "shift+Tab", "F12", "Return")
	want := "hi\x03\x1b[A\x1bx\x1b[15~\x1b[Z\r"
	if got := readInput(t, s, len(want), 5*time.Second); got != want {
		t.Errorf("input %q, want %q (F12 is the simulator's own key)", got, want)
	}

	s.SetAppCursor(true)
	run(t, "xdotool", "key", "Up")
	if got := readInput(t, s, 3, 5*time.Second); got != "\x1bOA" {
		t.Errorf("Up in application cursor mode sent %q, want ESC O A", got)
	}
}

func testAttachSession(t *testing.T) {
	info, _ := display.LookupProfile("240x160")
	s := openSim(t, info, Options{Zoom: 2})
	focus(t, s)
	tm, err := term.New(term.Options{Width: info.Width, Height: info.Height, Depth: info.Depth})
	if err != nil {
		t.Fatal(err)
	}
	loop := display.NewLoop(s, display.LoopOptions{})
	s.AttachSession(tm, loop)

	// The terminal's modes, not SetAppCursor, decide what keys send.
	s.SetAppCursor(true)
	run(t, "xdotool", "key", "Up")
	if got := readInput(t, s, 3, 5*time.Second); got != "\x1b[A" {
		t.Errorf("Up in normal cursor mode sent %q, want ESC [ A", got)
	}
	tm.Write([]byte("\x1b[?1h"))
	run(t, "xdotool", "key", "Up")
	if got := readInput(t, s, 3, 5*time.Second); got != "\x1bOA" {
		t.Errorf("Up after DECCKM set sent %q, want ESC O A", got)
	}

	// Ctrl+Shift+R requests a flashing refresh from the loop and sends
	// nothing.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- loop.Run(ctx) }()
	run(t, "xdotool", "key", "ctrl+shift+r", "x")
	if got := readInput(t, s, 1, 5*time.Second); got != "x" {
		t.Errorf("after the chord the input is %q, want only x", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.Stats().Flashes == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Flashes != 1 {
		t.Errorf("flashes after the chord = %d, want 1 (stats %+v)", st.Flashes, st)
	}
}

func testOutlineToggle(t *testing.T) {
	info, _ := display.LookupProfile("240x160")
	s := openSim(t, info, Options{Zoom: 2})
	focus(t, s)
	origin := windowOrigin(t, s)
	run(t, "xdotool", "key", "F12")
	waitTitle(t, s, "[F12 outlines]")

	f := display.NewFrame(info.Width, info.Height, info.Depth)
	r := image.Rect(32, 32, 96, 64)
	f.FillRect(r, 0)
	if err := s.Refresh(f, r, display.ModeA2); err != nil {
		t.Fatal(err)
	}
	drawn(t, s)
	shot := simtest.Screenshot(t)
	red, _, _, _ := shot.At(origin.X+r.Min.X*2, origin.Y+r.Min.Y*2+20).RGBA()
	_, green, _, _ := shot.At(origin.X+r.Min.X*2, origin.Y+r.Min.Y*2+20).RGBA()
	if red>>8 != 230 || green>>8 != 0 {
		t.Errorf("outline pixel of an A2 refresh = r%d g%d, want red 230", red>>8, green>>8)
	}
	inside := shot.At(origin.X+r.Min.X*2+10, origin.Y+r.Min.Y*2+10)
	want := s.Visible(r).GrayAt(r.Min.X+5, r.Min.Y+5).Y
	if c, _, _, _ := inside.RGBA(); uint8(c>>8) != want {
		t.Errorf("inside the outline = %d, want the panel's %d", c>>8, want)
	}

	// The outline goes away after its moment.
	time.Sleep(overlayTime + 300*time.Millisecond)
	shot = simtest.Screenshot(t)
	if n := compareWindow(t, shot, origin, 2, s.Visible(info.Bounds()), r); n > 0 {
		t.Errorf("%d pixels still differ from the panel after the outline expired", n)
	}
}

func testResizeChangesZoom(t *testing.T) {
	info := display.Profiles["2in13"]
	s := openSim(t, info, Options{Zoom: 2})
	f := display.NewFrame(info.Width, info.Height, info.Depth)
	f.FillRect(image.Rect(8, 8, 64, 40), 0)
	if err := s.Refresh(f, info.Bounds(), display.ModeFull); err != nil {
		t.Fatal(err)
	}
	drawn(t, s)

	// 400x800 fits the 122x250 panel three times over.
	run(t, "xdotool", "windowsize", fmt.Sprint(s.WindowID()), "400", "800")
	deadline := time.Now().Add(5 * time.Second)
	for s.Zoom() != 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := s.Zoom(); got != 3 {
		t.Fatalf("zoom %d after resizing to 400x800, want 3", got)
	}
	waitTitle(t, s, "2in13 x3")
	shot := simtest.Screenshot(t)
	origin := windowOrigin(t, s)
	if n := compareWindow(t, shot, origin, 3, s.Visible(info.Bounds()), info.Bounds()); n > 0 {
		t.Errorf("%d panel pixels differ at zoom 3", n)
	}
	if c, _, _, _ := shot.At(origin.X+390, origin.Y+10).RGBA(); c>>8 != uint32(background.R) {
		t.Errorf("window right of the panel = %d, want the background %d", c>>8, background.R)
	}
}

// shrunk returns want as a window shrunk by d shows it: each pixel the
// average of a d by d block, rounded.
func shrunk(want *image.Gray, d int) *image.Gray {
	b := want.Bounds()
	out := image.NewGray(image.Rect(0, 0, (b.Dx()+d-1)/d, (b.Dy()+d-1)/d))
	for y := 0; y < out.Rect.Dy(); y++ {
		for x := 0; x < out.Rect.Dx(); x++ {
			sum, n := 0, 0
			for sy := y * d; sy < min((y+1)*d, b.Dy()); sy++ {
				for sx := x * d; sx < min((x+1)*d, b.Dx()); sx++ {
					sum += int(want.GrayAt(sx, sy).Y)
					n++
				}
			}
			out.SetGray(x, y, color.Gray{Y: uint8((sum + n/2) / n)})
		}
	}
	return out
}

// The default panel, 1872x1404, is larger than the 1280x800 screen, so
// the window shows it at half size, and the model keeps every pixel.
func testLargePanelShrinks(t *testing.T) {
	info := display.Profiles["it8951-10in3"]
	s := openSim(t, info, Options{})
	if z, d := s.Zoom(), s.Shrink(); z != 1 || d != 2 {
		t.Fatalf("zoom %d shrink %d for 1872x1404 on 1280x800, want shrink 2", z, d)
	}
	waitTitle(t, s, "it8951-10in3 x1/2")

	f := display.NewFrame(info.Width, info.Height, info.Depth)
	f.FillRect(image.Rect(100, 100, 400, 140), 0)
	for x := 100; x < 400; x += 3 {
		f.FillRect(image.Rect(x, 200, x+1, 240), 0) // one-pixel strokes
	}
	f.FillRect(image.Rect(1860, 1390, 1872, 1404), 0) // the far corner
	if err := s.Refresh(f, info.Bounds(), display.ModeGC16); err != nil {
		t.Fatal(err)
	}
	drawn(t, s)
	if got := s.Visible(info.Bounds()); !bytes.Equal(got.Pix, f.Gray().Pix) {
		t.Error("the model does not keep the full-resolution frame")
	}

	shot := simtest.Screenshot(t)
	origin := windowOrigin(t, s)
	end := origin.Add(image.Pt(info.Width/2, info.Height/2+statusHeight))
	if !end.In(shot.Bounds().Inset(-1)) {
		t.Errorf("window from %v to %v does not fit the %v screen", origin, end, shot.Bounds())
	}
	want := shrunk(f.Gray(), 2)
	if n := compareWindow(t, shot, origin, 1, want, want.Bounds()); n > 0 {
		t.Errorf("%d window pixels differ from the averaged frame", n)
	}
	if v := want.GrayAt(100/2+1, 220/2).Y; v == 0 || v == 255 {
		t.Errorf("one-pixel strokes shrink to %d, want a gray between black and white", v)
	}
}

// waitTitle waits until the window title contains want.
func waitTitle(t *testing.T, s *Sim, want string) {
	t.Helper()
	var title string
	for i := 0; i < 100; i++ {
		title = run(t, "xdotool", "getwindowname", fmt.Sprint(s.WindowID()))
		if strings.Contains(title, want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("title %q does not contain %q", title, want)
}

func testPaste(t *testing.T) {
	s := openSim(t, display.Profiles["2in13"], Options{})
	focus(t, s)
	ownSelection(t, "CLIPBOARD", "echo from clipboard\n", 4096)
	ownSelection(t, "PRIMARY", "primary é", 4096)

	run(t, "xdotool", "key", "shift+Insert")
	if got, want := readInput(t, s, 20, 5*time.Second), "echo from clipboard\r"; got != want {
		t.Errorf("Shift+Insert pasted %q, want %q", got, want)
	}

	s.SetBracketedPaste(true)
	run(t, "xdotool", "mousemove", "--window", fmt.Sprint(s.WindowID()), "20", "20", "click", "2")
	want := "\x1b[200~primary é\x1b[201~"
	if got := readInput(t, s, len(want), 5*time.Second); got != want {
		t.Errorf("middle click pasted %q, want %q", got, want)
	}

	// A selection larger than the owner's limit comes in INCR chunks.
	s.SetBracketedPaste(false)
	big := strings.Repeat("0123456789abcdef", 6400)
	ownSelection(t, "CLIPBOARD", big, 4096)
	run(t, "xdotool", "key", "shift+Insert")
	got := readInput(t, s, len(big), 10*time.Second)
	if len(got) != len(big) {
		t.Fatalf("INCR paste delivered %d bytes, want %d", len(got), len(big))
	}
	if got != big {
		t.Error("INCR paste delivered the right length but different bytes")
	}
}

// ownSelection makes a client of the test own selection name and reply
// to requests for it with text as UTF8_STRING, until the test ends.
// Text longer than chunk bytes goes in INCR chunks of that size.
func ownSelection(t *testing.T, name, text string, chunk int) {
	t.Helper()
	c, err := xgb.NewConn()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)

	sel := internAtom(t, c, name)
	root := xproto.Setup(c).DefaultScreen(c).Root
	w, _ := xproto.NewWindowId(c)
	xproto.CreateWindow(c, 0, w, root, 0, 0, 1, 1, 0, xproto.WindowClassInputOnly, 0, 0, nil)
	xproto.SetSelectionOwner(c, w, sel, xproto.TimeCurrentTime)
	owner, err := xproto.GetSelectionOwner(c, sel).Reply()
	if err != nil || owner.Owner != w {
		t.Fatalf("could not own %s: %v", name, err)
	}

	o := &selectionOwner{
		c:     c,
		utf8:  internAtom(t, c, "UTF8_STRING"),
		incr:  internAtom(t, c, "INCR"),
		text:  []byte(text),
		chunk: chunk,
	}
	go o.serve()
}

// selectionOwner replies to selection requests as the ICCCM specifies:
// the text in one property, or in INCR chunks, each written when the
// requestor has deleted the previous one. Targets other than UTF8_STRING
// get no property, which tells the requestor the owner cannot convert.
type selectionOwner struct {
	c          *xgb.Conn
	utf8, incr xproto.Atom
	text       []byte
	chunk      int

	// the running INCR transfer
	win  xproto.Window
	prop xproto.Atom
	rest []byte
}

func (o *selectionOwner) serve() {
	for {
		ev, err := o.c.WaitForEvent()
		if ev == nil && err == nil {
			return
		}
		switch ev := ev.(type) {
		case xproto.SelectionRequestEvent:
			o.reply(ev)
		case xproto.PropertyNotifyEvent:
			if ev.Window == o.win && ev.Atom == o.prop && ev.State == xproto.PropertyDelete {
				o.nextChunk()
			}
		}
	}
}

func (o *selectionOwner) reply(req xproto.SelectionRequestEvent) {
	notify := xproto.SelectionNotifyEvent{
		Time: req.Time, Requestor: req.Requestor,
		Selection: req.Selection, Target: req.Target, Property: xproto.AtomNone,
	}
	switch {
	case req.Target != o.utf8:
	case len(o.text) <= o.chunk:
		o.put(req.Requestor, req.Property, o.utf8, 8, o.text)
		notify.Property = req.Property
	default:
		xproto.ChangeWindowAttributes(o.c, req.Requestor, xproto.CwEventMask,
			[]uint32{xproto.EventMaskPropertyChange})
		size := []byte{byte(len(o.text)), byte(len(o.text) >> 8), byte(len(o.text) >> 16), 0}
		o.put(req.Requestor, req.Property, o.incr, 32, size)
		o.win, o.prop, o.rest = req.Requestor, req.Property, o.text
		notify.Property = req.Property
	}
	xproto.SendEvent(o.c, false, req.Requestor, 0, string(notify.Bytes()))
}

// nextChunk writes the next INCR chunk, empty at the end.
func (o *selectionOwner) nextChunk() {
	if o.rest == nil {
		return
	}
	n := min(o.chunk, len(o.rest))
	o.put(o.win, o.prop, o.utf8, 8, o.rest[:n])
	o.rest = o.rest[n:]
	if n == 0 {
		o.rest = nil
	}
}

func (o *selectionOwner) put(w xproto.Window, prop, typ xproto.Atom, format byte, data []byte) {
	xproto.ChangeProperty(o.c, xproto.PropModeReplace, w, prop, typ, format,
		uint32(len(data)*8/int(format)), data)
}

func internAtom(t *testing.T, c *xgb.Conn, name string) xproto.Atom {
	t.Helper()
	r, err := xproto.InternAtom(c, false, uint16(len(name)), name).Reply()
	if err != nil {
		t.Fatalf("intern atom %s: %v", name, err)
	}
	return r.Atom
}

// inputClosed reports whether Input is closed within timeout, draining
// any bytes still queued.
func inputClosed(s *Sim, timeout time.Duration) bool {
	deadline := time.After(timeout)
	for {
		select {
		case _, ok := <-s.Input():
			if !ok {
				return true
			}
		case <-deadline:
			return false
		}
	}
}

func testCloseEndsInput(t *testing.T) {
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s := openSim(t, display.Profiles["2in13"], Options{Logger: log})
	if err := s.Err(); err != nil {
		t.Errorf("Err with the window open = %v, want nil", err)
	}
	run(t, "xdotool", "windowclose", fmt.Sprint(s.WindowID()))
	if !inputClosed(s, 5*time.Second) {
		t.Fatal("Input still open 5 s after the window was destroyed")
	}
	if err := s.Err(); !errors.Is(err, ErrWindowDestroyed) {
		t.Errorf("Err after xdotool windowclose = %v, want ErrWindowDestroyed", err)
	}
	if !strings.Contains(logged.String(), "level=WARN") || !strings.Contains(logged.String(), "destroyed by another X client") {
		t.Errorf("log at warn level = %q, want a warning that another client destroyed the window", logged.String())
	}
	// The panel keeps modelling refreshes for a session that ends.
	info := s.Info()
	f := display.NewFrame(info.Width, info.Height, info.Depth)
	if err := s.Refresh(f, image.Rect(0, 0, 8, 8), display.ModePartial); err != nil {
		t.Errorf("Refresh after the window closed: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close after the window closed: %v", err)
	}
}

func testDeleteWindowEndsInput(t *testing.T) {
	s := openSim(t, display.Profiles["2in13"], Options{})
	c, err := xgb.NewConn()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// What a window manager sends when the user clicks the close button.
	w := xproto.Window(s.WindowID())
	ev := xproto.ClientMessageEvent{
		Format: 32, Window: w, Type: internAtom(t, c, "WM_PROTOCOLS"),
		Data: xproto.ClientMessageDataUnionData32New([]uint32{uint32(internAtom(t, c, "WM_DELETE_WINDOW")), 0, 0, 0, 0}),
	}
	if err := xproto.SendEventChecked(c, false, w, 0, string(ev.Bytes())).Check(); err != nil {
		t.Fatal(err)
	}
	if !inputClosed(s, 5*time.Second) {
		t.Fatal("Input still open 5 s after WM_DELETE_WINDOW")
	}
	if err := s.Err(); err != nil {
		t.Errorf("Err after the user closed the window = %v, want nil", err)
	}
}
