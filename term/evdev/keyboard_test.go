package evdev

import (
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/einkterm/einkterm/term"
)

func TestTranslateRecordedStreams(t *testing.T) {
	tests := []struct {
		file      string
		appCursor bool
		want      string
	}{
		{"hello-shift-repeat.events", false, "Hi, okxxx\r"},
		{"ctrl-alt-arrows.events", false, "\x03\x1bb\x1b[A\x1b[ZAB\x1b[15~\x7f\r"},
		{"ctrl-alt-arrows.events", true, "\x03\x1bb\x1bOA\x1b[ZAB\x1b[15~\x7f\r"},
	}
	for _, tt := range tests {
		tr := NewTranslator(nil)
		var got []byte
		for _, e := range readEventFile(t, filepath.Join("testdata", tt.file)) {
			if p, ok := tr.Translate(e); ok {
				got = append(got, Encode(p, tt.appCursor)...)
			}
		}
		if string(got) != tt.want {
			t.Errorf("%s (appCursor %v): %s, want %s", tt.file, tt.appCursor, quote(got), quote([]byte(tt.want)))
		}
	}
}

func TestTranslateModifiers(t *testing.T) {
	press := func(c uint16) Event { return Event{Type: evKey, Code: c, Value: keyPressed} }
	release := func(c uint16) Event { return Event{Type: evKey, Code: c, Value: keyReleased} }
	tests := []struct {
		name   string
		events []Event
		want   KeyPress
	}{
		{"plain a", []Event{press(30)}, KeyPress{Key: term.KeyRune, Rune: 'a'}},
		{"right shift 2", []Event{press(codeRightShift), press(3)}, KeyPress{Key: term.KeyRune, Rune: '@', Mods: term.ModShift}},
		{"released shift", []Event{press(codeLeftShift), release(codeLeftShift), press(30)}, KeyPress{Key: term.KeyRune, Rune: 'a'}},
		{"caps with shift", []Event{press(codeCapsLock), press(codeLeftShift), press(30)}, KeyPress{Key: term.KeyRune, Rune: 'a', Mods: term.ModShift}},
		{"caps leaves digits", []Event{press(codeCapsLock), press(3)}, KeyPress{Key: term.KeyRune, Rune: '2'}},
		{"ctrl up", []Event{press(codeRightCtrl), press(103)}, KeyPress{Key: term.KeyUp, Mods: term.ModCtrl}},
		{"right alt is alt", []Event{press(codeRightAlt), press(48)}, KeyPress{Key: term.KeyRune, Rune: 'b', Mods: term.ModAlt}},
		{"keypad 7", []Event{press(71)}, KeyPress{Key: term.KeyRune, Rune: '7'}},
	}
	for _, tt := range tests {
		tr := NewTranslator(nil)
		var got KeyPress
		var ok bool
		for _, e := range tt.events {
			got, ok = tr.Translate(e)
		}
		if !ok || got != tt.want {
			t.Errorf("%s: got %+v (%v), want %+v", tt.name, got, ok, tt.want)
		}
	}
}

func TestTranslateIgnoresReleasesAndOtherTypes(t *testing.T) {
	tr := NewTranslator(nil)
	for _, e := range []Event{
		{Type: evKey, Code: 30, Value: keyReleased},
		{Type: evSyn},
		{Type: 4, Code: 4, Value: 458756},             // EV_MSC scan code
		{Type: evKey, Code: 0x14a, Value: keyPressed}, // BTN_TOUCH
	} {
		if p, ok := tr.Translate(e); ok {
			t.Errorf("event %+v typed %+v", e, p)
		}
	}
}

func TestParseKeymap(t *testing.T) {
	src := `# German letters and AltGr
21 z Z
44 y Y
16 q Q @
26 ü Ü
12 U+00DF ?  U+005C
`
	m, err := ParseKeymap(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTranslator(m)
	type step struct {
		codes []uint16
		want  rune
	}
	for _, s := range []step{
		{[]uint16{21}, 'z'},
		{[]uint16{44}, 'y'},
		{[]uint16{26}, 'ü'},
		{[]uint16{12}, 'ß'},
		{[]uint16{codeRightAlt, 16}, '@'},
		{[]uint16{codeCapsLock, 26}, 'Ü'},
		{[]uint16{30}, 'A'}, // unchanged keys keep the US layout
	} {
		var p KeyPress
		for _, c := range s.codes {
			p, _ = tr.Translate(Event{Type: evKey, Code: c, Value: keyPressed})
		}
		if p.Rune != s.want {
			t.Errorf("codes %v typed %q, want %q", s.codes, p.Rune, s.want)
		}
		if s.codes[0] == codeRightAlt {
			tr.Translate(Event{Type: evKey, Code: codeRightAlt, Value: keyReleased})
		}
	}
	for _, bad := range []string{"30 a", "999 a A", "x a A", "30 ab A", "30 a A U+ZZ"} {
		if _, err := ParseKeymap(strings.NewReader(bad)); err == nil {
			t.Errorf("keymap line %q accepted", bad)
		}
	}
}

func keysOf(evs ...Event) []Event { return evs }

func typeKey(code uint16) []Event {
	return keysOf(Event{Type: evKey, Code: code, Value: keyPressed}, Event{Type: evSyn},
		Event{Type: evKey, Code: code, Value: keyReleased}, Event{Type: evSyn})
}

// readBytes reads n bytes from k within 5 s.
func readBytes(t *testing.T, k *Keyboard, n int) string {
	t.Helper()
	var got []byte
	timeout := time.After(5 * time.Second)
	for len(got) < n {
		select {
		case b, ok := <-k.Input():
			if !ok {
				t.Fatalf("input closed after %s", quote(got))
			}
			got = append(got, b...)
		case <-timeout:
			t.Fatalf("timed out after %s", quote(got))
		}
	}
	return string(got)
}

func TestKeyboardGrabsReadsAndReleases(t *testing.T) {
	dir := t.TempDir()
	kbd, power := newFakeDevice(true), newFakeDevice(false)
	op := &fakeOpener{devices: map[string]*fakeDevice{
		filepath.Join(dir, "event0"): power,
		filepath.Join(dir, "event1"): kbd,
	}}
	for _, n := range []string{"event0", "event1", "mice"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o600)
	}
	k, err := Open("", Options{Dir: dir, openDevice: op.open, RepeatDelay: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if got := k.Devices(); len(got) != 1 || filepath.Base(got[0]) != "event1" {
		t.Fatalf("devices %v, want only event1 (event0 is a power button)", got)
	}
	if h := power.history(); h != "close" {
		t.Errorf("power button history %q, want only close (never grabbed)", h)
	}
	kbd.events <- typeKey(35)
	kbd.events <- typeKey(23)
	if got := readBytes(t, k, 2); got != "hi" {
		t.Errorf("read %q, want hi", got)
	}
	if len(kbd.repeats) != 1 || kbd.repeats[0] != [2]int{300, 33} {
		t.Errorf("repeat settings %v, want [[300 33]]", kbd.repeats)
	}
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	if h := kbd.history(); h != "grab release close" {
		t.Errorf("keyboard history %q, want grab release close", h)
	}
	if _, ok := <-k.Input(); ok {
		t.Error("input channel open after Close")
	}
	if n, err := k.Read(make([]byte, 4)); n != 0 || err != io.EOF {
		t.Errorf("Read after Close = %d, %v; want 0, EOF", n, err)
	}
	if err := k.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestKeyboardHotPlug(t *testing.T) {
	dir := t.TempDir()
	op := &fakeOpener{devices: map[string]*fakeDevice{}}
	k, err := Open("", Options{Dir: dir, openDevice: op.open})
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if len(k.Devices()) != 0 {
		t.Fatalf("devices %v in an empty folder", k.Devices())
	}

	// Plug in: the node appears and inotify reports it.
	first := newFakeDevice(true)
	path := filepath.Join(dir, "event3")
	op.set(path, first)
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	first.events <- typeKey(30)
	if got := readBytes(t, k, 1); got != "a" {
		t.Errorf("read %q from the plugged keyboard, want a", got)
	}

	// Unplug: reads fail with ENODEV and the device is dropped.
	close(first.events)
	waitFor(t, func() bool { return len(k.Devices()) == 0 })
	if h := first.history(); h != "grab release close" {
		t.Errorf("unplugged keyboard history %q", h)
	}

	// Plug in again at the same path.
	second := newFakeDevice(true)
	op.set(path, second)
	os.Remove(path)
	os.WriteFile(path, nil, 0o600)
	second.events <- typeKey(48)
	if got := readBytes(t, k, 1); got != "b" {
		t.Errorf("read %q after the replug, want b", got)
	}
}

func TestOpenNamedDevice(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "event7")
	d := newFakeDevice(false) // named devices are read even without letters
	op := &fakeOpener{devices: map[string]*fakeDevice{path: d}}
	k, err := Open(path, Options{openDevice: op.open})
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if got := k.Devices(); len(got) != 1 || got[0] != path {
		t.Errorf("devices %v, want [%s]", got, path)
	}
	if _, err := Open(filepath.Join(dir, "event9"), Options{openDevice: op.open}); err == nil {
		t.Error("Open of a missing device succeeded")
	}
}

// waitFor polls cond for up to 5 s; it waits on another goroutine's
// work, not on time.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestDecodeEventsLayout(t *testing.T) {
	// struct input_event: a timeval (two longs), then __u16 type,
	// __u16 code and __s32 value, in native byte order.
	long := eventSize/2 - 4
	b := make([]byte, 2*eventSize+3) // a torn third record is dropped
	put := func(i int, typ, code uint16, value int32) {
		o := i*eventSize + 2*long
		binary.NativeEndian.PutUint16(b[o:], typ)
		binary.NativeEndian.PutUint16(b[o+2:], code)
		binary.NativeEndian.PutUint32(b[o+4:], uint32(value))
	}
	put(0, evKey, 30, keyPressed)
	put(1, evKey, 30, -1)
	got := decodeEvents(b)
	want := []Event{{evKey, 30, keyPressed}, {evKey, 30, -1}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("decoded %+v, want %+v", got, want)
	}
}

func TestIoctlNumbers(t *testing.T) {
	// Values of the linux/input.h macros on every Linux architecture
	// that uses the generic ioctl encoding (x86, ARM).
	tests := []struct {
		name string
		got  uint
		want uint
	}{
		{"EVIOCGRAB", ioctlGrab, 0x40044590},
		{"EVIOCSREP", ioctlSetRepeat, 0x40084503},
		{"EVIOCGBIT(EV_KEY, 96)", ioctlKeyBits, 0x80604521},
		{"EVIOCGNAME(256)", ioctlName(256), 0x81004506},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %#x, want %#x", tt.name, tt.got, tt.want)
		}
	}
}
