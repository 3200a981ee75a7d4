package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/term"
)

// testPanel is the panel profile of the session tests: small enough to
// keep PNGs cheap, with IT8951 alignment.
const testPanel = "640x384"

// runCommand runs einkterm in-process with stdin as its keyboard and
// returns the exit status and standard error.
func runCommand(t *testing.T, stdin string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	e := &env{
		stdin:  strings.NewReader(stdin),
		stdout: &stdout,
		stderr: &stderr,
		getenv: func(k string) string {
			if k == "DISPLAY" || k == "WAYLAND_DISPLAY" {
				return ""
			}
			return os.Getenv(k)
		},
	}
	code := runMain(ctx, e, args)
	return code, stderr.String()
}

// recording is what the recorder left in its folder.
type recording struct {
	dir    string
	screen []string
	image  *image.Gray
	events []display.Event
}

func readRecording(t testing.TB, dir string) recording {
	t.Helper()
	rec := recording{dir: dir}
	text, err := os.ReadFile(filepath.Join(dir, "screen.txt"))
	if err != nil {
		t.Fatalf("screen.txt: %v", err)
	}
	rec.screen = strings.Split(string(text), "\n")
	f, err := os.Open(filepath.Join(dir, "final.png"))
	if err != nil {
		t.Fatalf("final.png: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("final.png: %v", err)
	}
	gray, ok := img.(*image.Gray)
	if !ok {
		t.Fatalf("final.png is %T, want 8-bit gray", img)
	}
	rec.image = gray
	log, err := os.Open(filepath.Join(dir, "refresh.jsonl"))
	if err != nil {
		t.Fatalf("refresh.jsonl: %v", err)
	}
	defer log.Close()
	sc := bufio.NewScanner(log)
	for sc.Scan() {
		var ev display.Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("refresh.jsonl line %q: %v", sc.Text(), err)
		}
		rec.events = append(rec.events, ev)
	}
	return rec
}

// findLine returns the row of the first screen line containing s.
func (r recording) findLine(s string) (row, col int, ok bool) {
	for i, line := range r.screen {
		if c := strings.Index(line, s); c >= 0 {
			return i, len([]rune(line[:c])), true
		}
	}
	return 0, 0, false
}

// checkGlyphs renders the recorded screen with a fresh emulator of the
// same geometry and checks that the cells of s on the panel image are
// pixel for pixel what the emulator draws for them.
func checkGlyphs(t testing.TB, rec recording, s string) {
	t.Helper()
	row, col, ok := rec.findLine(s)
	if !ok {
		t.Fatalf("screen.txt has no line with %q:\n%s", s, strings.Join(rec.screen, "\n"))
	}
	info, err := display.LookupProfile(testPanel)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := term.New(term.Options{Width: info.Width, Height: info.Height, Depth: info.Depth})
	if err != nil {
		t.Fatal(err)
	}
	// Draw the text at the same cell and hide the cursor far away.
	ref.Write([]byte("\x1b[?25l" + cup(row, col) + s))
	frame := display.NewFrame(info.Width, info.Height, info.Depth)
	ref.Render(frame)
	want := frame.Gray()
	cell := ref.CellSize()
	r := image.Rect(col*cell.X, row*cell.Y, (col+len([]rune(s)))*cell.X, (row+1)*cell.Y)
	ink := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			got, exp := rec.image.GrayAt(x, y).Y, want.GrayAt(x, y).Y
			if got != exp {
				t.Fatalf("panel pixel (%d,%d) in the cells of %q = %d, emulator draws %d", x, y, s, got, exp)
			}
			if exp < 128 {
				ink++
			}
		}
	}
	if ink == 0 {
		t.Fatalf("the cells of %q at row %d col %d have no dark pixels", s, row, col)
	}
}

func cup(row, col int) string {
	return "\x1b[" + strconv.Itoa(row+1) + ";" + strconv.Itoa(col+1) + "H"
}

// checkRefreshes checks that every refresh lies inside the panel, meets
// its alignment, and that there are few of them.
func checkRefreshes(t *testing.T, rec recording, maxRefreshes int) {
	t.Helper()
	info, err := display.LookupProfile(testPanel)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range rec.events {
		if ev.Kind != "refresh" {
			continue
		}
		n++
		r := ev.Rect()
		if r.Empty() || !r.In(info.Bounds()) {
			t.Errorf("refresh %v is empty or outside the panel %v", r, info.Bounds())
		}
		if r.Min.X%info.Align.X != 0 || (r.Max.X%info.Align.X != 0 && r.Max.X != info.Width) {
			t.Errorf("refresh %v is not aligned to %d px", r, info.Align.X)
		}
		if want := info.RegionBytes(r); ev.Bytes != want {
			t.Errorf("refresh %v logged %d bytes, want %d", r, ev.Bytes, want)
		}
	}
	if n == 0 || n > maxRefreshes {
		t.Errorf("session made %d refreshes, want 1 to %d", n, maxRefreshes)
	}
}

func TestShellCommandOnRecorder(t *testing.T) {
	dir := t.TempDir()
	code, stderr := runCommand(t, "",
		"shell", "--display", "record:"+dir, "--panel", testPanel,
		"--", "sh", "-c", "printf 'hello\\nworld of e-paper\\n'; exit 3")
	if code != 3 {
		t.Fatalf("exit status %d, want the command's 3; stderr:\n%s", code, stderr)
	}
	rec := readRecording(t, dir)
	checkGlyphs(t, rec, "hello")
	checkGlyphs(t, rec, "world of e-paper")
	checkRefreshes(t, rec, 10)
}

// TestShellReportsRecorderWriteFailure checks that a recorder that
// cannot write final.png or refresh.jsonl makes the session fail with
// the file's name, and leaves no temporary file behind.
func TestShellReportsRecorderWriteFailure(t *testing.T) {
	tests := []struct {
		file  string
		block func(path string) error // makes path unwritable
		want  string
	}{
		{"final.png", func(path string) error { return os.Mkdir(path, 0o755) }, "writable folder"},
		{"refresh.jsonl", func(path string) error { return os.Symlink("/dev/full", path) }, "no space left"},
	}
	if _, err := os.Stat("/dev/full"); err != nil {
		tests = tests[:1]
		t.Log("no /dev/full, so the full-disk case is left out:", err)
	}
	for _, tt := range tests {
		dir := t.TempDir()
		if err := tt.block(filepath.Join(dir, tt.file)); err != nil {
			t.Fatal(err)
		}
		code, stderr := runCommand(t, "", "shell", "--display", "record:"+dir, "--panel", testPanel,
			"--", "echo", "hi")
		if code == 0 {
			t.Errorf("%s: exit status 0, want a failure when it cannot be written", tt.file)
		}
		if !strings.Contains(stderr, tt.file) {
			t.Errorf("%s: stderr does not name the file:\n%s", tt.file, stderr)
		}
		if !strings.Contains(stderr, tt.want) {
			t.Errorf("%s: stderr does not contain %q:\n%s", tt.file, tt.want, stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, tt.file+".tmp")); !os.IsNotExist(err) {
			t.Errorf("%s: temporary file left behind: %v", tt.file, err)
		}
	}
}

func TestShellTypedInput(t *testing.T) {
	dir := t.TempDir()
	code, stderr := runCommand(t, "echo typed-$((6*7))\n",
		"shell", "--display", "record:"+dir, "--panel", testPanel, "--", "sh")
	if code != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
	}
	rec := readRecording(t, dir)
	checkGlyphs(t, rec, "typed-42")
	keys := 0
	for _, ev := range rec.events {
		if ev.Kind == "key" {
			keys++
		}
	}
	if keys == 0 {
		t.Error("refresh log has no key events for the typed input")
	}
}

func TestShellBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"shell", "--panel", "11in"}, `unknown panel "11in"`},
		{[]string{"shell", "--display", "nowhere:x"}, `unknown --display "nowhere:x"`},
		{[]string{"shell", "--rotate", "45"}, "invalid --rotate 45"},
		{[]string{"shell", "--rotate", "abc"}, "use 0, 90, 180 or 270"},
		{[]string{"shell", "--display", "record:"}, "needs a folder"},
		// A folder inside a file cannot be made, even by root.
		{[]string{"shell", "--display", "record:" + os.Args[0] + "/rec"}, "choose a writable folder"},
		{[]string{"shell", "--log-level", "loud"}, `invalid --log-level "loud"`},
		{[]string{"shell", "--full-refresh-key", "ctrl+alt+x", "--font-larger-key", "ctrl+alt+x"}, "--full-refresh-key has the same chord"},
	}
	for _, tt := range tests {
		code, stderr := runCommand(t, "", tt.args...)
		if code == 0 {
			t.Errorf("%v: exit status 0, want failure", tt.args)
		}
		if !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: stderr %q does not contain %q", tt.args, stderr, tt.want)
		}
	}
}

// TestShellMissingFontExitsOne gives a font file that does not exist:
// that is a bad flag, status 1, not the 127 of a command not found.
func TestShellMissingFontExitsOne(t *testing.T) {
	code, stderr := runCommand(t, "", "shell", "--display", "record:"+t.TempDir(), "--panel", testPanel,
		"--font", "/nonexistent.ttf", "--", "true")
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	if !strings.Contains(stderr, "/nonexistent.ttf") {
		t.Errorf("stderr does not name the font file:\n%s", stderr)
	}
}

// TestShellKeepsStatusOnRecorderError runs a program that exits 3 with
// a recorder that cannot write its files: final.png blocked by a
// folder, and the whole recorder folder replaced by a file during the
// session. The exit status stays 3, which a script checks, and
// standard error names the file that failed.
func TestShellKeepsStatusOnRecorderError(t *testing.T) {
	tests := []struct {
		name   string
		file   string // the file that cannot be written
		script func(dir string) string
		setup  func(dir string) error
	}{
		{"final.png blocked", "final.png", func(string) string { return "exit 3" },
			func(dir string) error { return os.Mkdir(filepath.Join(dir, "final.png"), 0o755) }},
		{"folder replaced", "screen.txt", func(dir string) string { return "rm -rf " + dir + "; echo x > " + dir + "; exit 3" },
			func(string) error { return nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "rec")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := tt.setup(dir); err != nil {
				t.Fatal(err)
			}
			code, stderr := runCommand(t, "", "shell", "--display", "record:"+dir, "--panel", testPanel,
				"--", "sh", "-c", tt.script(dir))
			if code != 3 {
				t.Errorf("exit status %d, want the program's 3; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stderr, tt.file) {
				t.Errorf("stderr does not name %s:\n%s", tt.file, stderr)
			}
		})
	}
}
