package main

import (
	"bytes"
	"image"
	"image/png"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/display/sim/simtest"
)

// The simulator test runs the real binary: the window needs its own
// process, since shiny's X connection outlives the window.
func TestShellOnSimulator(t *testing.T) {
	disp := simtest.StartXvfb(t)
	t.Setenv("DISPLAY", disp) // for the screenshots
	bin := buildEinkterm(t)
	const input = "echo hello sim"

	// The same session on the recorder is the reference image.
	recDir := t.TempDir()
	recorded := simRecordShell(t, bin, recDir, input+"\r")

	logFile := filepath.Join(t.TempDir(), "sim.log")
	cmd := exec.Command(bin, "shell", "--display", "sim:?zoom=1", "--panel", "7in5",
		"--log", logFile, "--log-level", "debug", "--", "/bin/sh")
	cmd.Env = simShellEnv(t, "DISPLAY="+disp)
	stdin, err := cmd.StdinPipe() // open until the end: EOF would end the shell
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			log, _ := os.ReadFile(logFile)
			t.Logf("einkterm output:\n%s\nlog:\n%s", stderr.String(), log)
		}
	})

	win := simWaitWindow(t, disp)
	simWaitIdle(t, disp, win, 1)
	simXdo(t, disp, "windowfocus", "--sync", win)
	simXdo(t, disp, "type", "--delay", "30", input)
	simXdo(t, disp, "key", "Return")
	title := simWaitIdle(t, disp, win, 2)

	// The typed text and its output are where the recorder has them.
	shot := simtest.Screenshot(t)
	origin := simWindowOrigin(t, disp, win)
	band := simFirstLines(recorded, 2)
	if band.Empty() {
		t.Fatal("the recorder's image has no text lines")
	}
	if n := simCompareInk(t, shot, origin, recorded, band); n > 0 {
		t.Errorf("%d pixels of the first two lines differ in simInk from the recorder's image", n)
	}

	// No flash while typing, since the scheduler asked for none.
	asked := simCountFlashes(t, logFile)
	if got := simTitleFlashes(t, title); got != asked {
		t.Errorf("title shows %d flashes, the log has %d flashing refreshes", got, asked)
	}
	if asked != 0 {
		t.Errorf("%d flashing refreshes while typing one line, want 0", asked)
	}

	simCheckFullRefreshChord(t, disp, win, origin, logFile)

	// Closing the window ends the session and the process.
	// windowkill closes shiny's X connection, the harshest way to go.
	simXdo(t, disp, "windowkill", win)
	select {
	case err := <-exited:
		exited <- err // for the cleanup
		if strings.Contains(stderr.String(), "panic") {
			t.Errorf("einkterm panicked after the window closed:\n%s", stderr.String())
		}
		if code := simExitCode(err); code != 0 && code != 129 {
			t.Errorf("einkterm exit status %d, want 0 or the shell's 129 (SIGHUP)", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("einkterm still runs 10 s after its window was closed")
	}
	log, _ := os.ReadFile(logFile)
	if !bytes.Contains(log, []byte("simulator window closed")) {
		t.Error("the log does not record the window closing")
	}
	if !bytes.Contains(log, []byte("level=WARN")) || !bytes.Contains(log, []byte("destroyed by another X client")) {
		t.Error("the log has no warning that another X client destroyed the window")
	}
}

// When the X server goes away, einkterm ends the session with status 0
// and a warning on standard error at the default log level. The default
// panel, 1872x1404, is also shrunk to fit the 1280x800 screen.
func TestSimXServerLost(t *testing.T) {
	disp := simtest.StartXvfb(t)
	t.Setenv("DISPLAY", disp)
	bin := buildEinkterm(t)

	cmd := exec.Command(bin, "shell", "--display", "sim", "--", "/bin/sh")
	cmd.Env = simShellEnv(t, "DISPLAY="+disp)
	stdin, err := cmd.StdinPipe() // open until the end: EOF would end the shell
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("einkterm output:\n%s", stderr.String())
		}
	})

	win := simWaitWindow(t, disp)
	title := simWaitIdle(t, disp, win, 1)
	if !strings.Contains(title, "x1/2") {
		t.Errorf("title %q does not show zoom x1/2 for the default panel on 1280x800", title)
	}
	geometry := simXdo(t, disp, "getwindowgeometry", "--shell", win)
	if !strings.Contains(geometry, "WIDTH=936\n") || !strings.Contains(geometry, "HEIGHT=718\n") {
		t.Errorf("window geometry %q, want 936x718 (half the panel and the status line)", geometry)
	}

	simtest.StopXvfb(t, disp)
	select {
	case err := <-exited:
		exited <- err // for the cleanup
		if code := simExitCode(err); code != 0 {
			t.Errorf("einkterm exit status %d after the X server stopped, want 0", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("einkterm still runs 10 s after the X server stopped")
	}
	// The server's end may reach the simulator as a broken connection or,
	// first, as the destruction of its window; either must be reported.
	lost := strings.Contains(stderr.String(), "X connection lost")
	destroyed := strings.Contains(stderr.String(), "window destroyed")
	if !lost && !destroyed {
		t.Errorf("standard error %q does not say the X connection was lost or the window destroyed", stderr.String())
	}
}

func TestParseSimZoom(t *testing.T) {
	tests := []struct {
		zoom              string
		wantZoom, wantDiv int
	}{
		{"1", 1, 0}, {"16", 16, 0}, {"1/1", 1, 0},
		{"1/2", 1, 2}, {"0.5", 1, 2}, {"1/8", 1, 8},
		{"0.25", 1, 4}, {"0.333", 1, 3}, {"0.125", 1, 8},
	}
	for _, tt := range tests {
		zoom, shrink, err := parseSimZoom(tt.zoom)
		if err != nil {
			t.Errorf("zoom %q: %v", tt.zoom, err)
			continue
		}
		if zoom != tt.wantZoom || shrink != tt.wantDiv {
			t.Errorf("zoom %q = %d shrink %d, want %d shrink %d", tt.zoom, zoom, shrink, tt.wantZoom, tt.wantDiv)
		}
	}
	for _, bad := range []string{"0", "17", "-1", "0.3", "0.05", "1/9", "1/0", "1.5", "half", "1/x"} {
		if _, _, err := parseSimZoom(bad); err == nil || !strings.Contains(err.Error(), "1/2 to 1/8") {
			t.Errorf("zoom %q: error %v, want one listing the zooms", bad, err)
		}
	}
}

func TestSimZoomBeyondXLimit(t *testing.T) {
	getenv := func(k string) string {
		if k == "DISPLAY" {
			return ":99" // never dialled: the zoom is checked first
		}
		return ""
	}
	q := url.Values{"zoom": {"16"}}
	_, err := openSim("", q, displayOptions{Panel: display.Profiles["it8951-10in3"], Getenv: getenv})
	if err == nil {
		t.Fatal("zoom 16 of the 1872x1404 panel accepted")
	}
	for _, want := range []string{"zoom 16", "X11 limit", "use zoom 5 or less"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestSimDisplayRejectsBadOptions(t *testing.T) {
	withDisplay := func(k string) string {
		if k == "DISPLAY" {
			return ":99"
		}
		return ""
	}
	noDisplay := func(string) string { return "" }
	tests := []struct {
		name   string
		arg    string
		query  string
		getenv func(string) string
		want   string // part of the error
	}{
		{"folder given", "dir", "", withDisplay, "takes no folder"},
		{"zoom zero", "", "zoom=0", withDisplay, "zoom"},
		{"zoom too large", "", "zoom=17", withDisplay, "zoom"},
		{"zoom not a number", "", "zoom=big", withDisplay, "zoom"},
		{"outlines unknown", "", "outlines=maybe", withDisplay, "outlines"},
		{"no X display", "", "", noDisplay, "DISPLAY is not set"},
	}
	for _, tt := range tests {
		q, err := url.ParseQuery(tt.query)
		if err != nil {
			t.Fatal(err)
		}
		_, err = openSim(tt.arg, q, displayOptions{Panel: display.Profiles["2in13"], Getenv: tt.getenv})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one about %q", tt.name, err, tt.want)
		}
	}
}

// simCheckFullRefreshChord presses Ctrl+Shift+R, which reaches the
// session's refresh loop through AttachSession, and checks that the
// window flashes black once.
func simCheckFullRefreshChord(t *testing.T, disp, win string, origin image.Point, logFile string) {
	t.Helper()
	simXdo(t, disp, "key", "ctrl+shift+r")
	start := time.Now()

	requested := false
	for time.Since(start) < time.Second && !requested {
		log, _ := os.ReadFile(logFile)
		requested = bytes.Contains(log, []byte("full refresh requested from the keyboard"))
		time.Sleep(20 * time.Millisecond)
	}
	if !requested {
		t.Fatal("Ctrl+Shift+R did not request a full refresh: the session did not attach to the simulator")
	}

	time.Sleep(300 * time.Millisecond)
	shot := simtest.Screenshot(t)
	// The 7.5" full refresh is 5 s, so its first black third lasts 1.7 s.
	if d := time.Since(start); d < 1500*time.Millisecond {
		panel := image.Rect(0, 0, 800, 480)
		if dark := simDarkFraction(shot, panel.Add(origin)); dark < 0.99 {
			t.Errorf("%.1f%% of the panel is dark during the flash, want all of it", dark*100)
		}
	} else {
		t.Logf("screenshot took until +%v, past the black phase; not checked", d)
	}

	title := simWaitIdle(t, disp, win, 1)
	if got := simTitleFlashes(t, title); got != 1 {
		t.Errorf("title shows %d flashes after the chord, want 1", got)
	}
	if got := simCountFlashes(t, logFile); got != 1 {
		t.Errorf("log has %d flashing refreshes after the chord, want 1", got)
	}
}

// simShellEnv returns an environment for a predictable /bin/sh prompt.
func simShellEnv(t *testing.T, extra ...string) []string {
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "PS1=$ ", "LANG=C.UTF-8"}
	return append(env, extra...)
}

// simRecordShell runs the shell on the recorder with input on standard
// input, then end of input, and returns the recorder's final image.
func simRecordShell(t *testing.T, bin, dir, input string) image.Image {
	t.Helper()
	cmd := exec.Command(bin, "shell", "--display", "record:"+dir, "--panel", "7in5", "--", "/bin/sh")
	cmd.Env = simShellEnv(t)
	r, w := io.Pipe()
	cmd.Stdin = r
	go func() {
		io.WriteString(w, input)
		time.Sleep(3 * time.Second) // let the output reach the panel
		w.Close()
	}()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("recorded shell: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "final.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode final.png: %v", err)
	}
	return img
}

func simXdo(t *testing.T, disp string, args ...string) string {
	t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+disp)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("xdotool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// simWaitWindow returns the id of einkterm's window once it exists.
func simWaitWindow(t *testing.T, disp string) string {
	t.Helper()
	for i := 0; i < 200; i++ {
		cmd := exec.Command("xdotool", "search", "--class", "einkterm")
		cmd.Env = append(os.Environ(), "DISPLAY="+disp)
		out, _ := cmd.Output()
		if ids := strings.Fields(string(out)); len(ids) > 0 {
			return ids[0]
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("no einkterm window within 10 s")
	return ""
}

var simRefreshesRE = regexp.MustCompile(`refreshes (\d+)`)

// simWaitIdle waits until the title shows at least min refreshes, no
// running refresh, and no change for a second, and returns the title.
func simWaitIdle(t *testing.T, disp, win string, min int) string {
	t.Helper()
	var last string
	stable := time.Now()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		title := simXdo(t, disp, "getwindowname", win)
		if title != last {
			last, stable = title, time.Now()
		}
		m := simRefreshesRE.FindStringSubmatch(title)
		n := 0
		if m != nil {
			n, _ = strconv.Atoi(m[1])
		}
		if n >= min && !strings.Contains(title, "busy") && time.Since(stable) > time.Second {
			return title
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("window not idle after 30 s; title %q", last)
	return ""
}

var simFlashesRE = regexp.MustCompile(`flashes (\d+)`)

func simTitleFlashes(t *testing.T, title string) int {
	t.Helper()
	m := simFlashesRE.FindStringSubmatch(title)
	if m == nil {
		t.Fatalf("title %q has no flash count", title)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// simCountFlashes counts the flashing refreshes the simulator received, as
// its debug log records them.
func simCountFlashes(t *testing.T, logFile string) int {
	t.Helper()
	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(log), "\n") {
		if strings.Contains(line, `msg="sim refresh"`) && strings.Contains(line, "flash=true") {
			n++
		}
	}
	return n
}

func simWindowOrigin(t *testing.T, disp, win string) image.Point {
	t.Helper()
	var p image.Point
	for _, line := range strings.Split(simXdo(t, disp, "getwindowgeometry", "--shell", win), "\n") {
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

func simInk(c interface{ RGBA() (r, g, b, a uint32) }) bool {
	r, g, b, _ := c.RGBA()
	return (r+g+b)/3 < 0x8000
}

// simFirstLines returns the rows of img from the top to the end of its n-th
// run of rows with simInk, across the whole width.
func simFirstLines(img image.Image, n int) image.Rectangle {
	b := img.Bounds()
	runs, inRun := 0, false
	for y := b.Min.Y; y < b.Max.Y; y++ {
		rowInk := false
		for x := b.Min.X; x < b.Max.X && !rowInk; x++ {
			rowInk = simInk(img.At(x, y))
		}
		if inRun && !rowInk {
			runs++
			if runs == n {
				return image.Rect(b.Min.X, b.Min.Y, b.Max.X, y)
			}
		}
		inRun = rowInk
	}
	return image.Rectangle{}
}

// simCompareInk counts the pixels of region r whose simInk (dark or light)
// differs between the screenshot, offset by origin, and the reference.
// Comparing simInk rather than gray ignores the simulator's ghosts, which
// stay within 30% of full white.
func simCompareInk(t *testing.T, shot image.Image, origin image.Point, ref image.Image, r image.Rectangle) int {
	t.Helper()
	bad := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			want, got := simInk(ref.At(x, y)), simInk(shot.At(origin.X+x, origin.Y+y))
			if want == got {
				continue
			}
			if bad < 5 {
				t.Errorf("pixel (%d,%d): simInk %v on screen, %v on the recorder", x, y, got, want)
			}
			bad++
		}
	}
	return bad
}

// simDarkFraction returns the fraction of r's pixels with simInk.
func simDarkFraction(img image.Image, r image.Rectangle) float64 {
	dark := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if simInk(img.At(x, y)) {
				dark++
			}
		}
	}
	return float64(dark) / float64(r.Dx()*r.Dy())
}

func simExitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
