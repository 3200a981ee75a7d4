package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/term"
)

// floodPanel is a recorder that also types for the test, through the
// Keyboard interface, and sees the session's terminal.
type floodPanel struct {
	*display.Recorder
	keys chan []byte

	mu   sync.Mutex
	term *term.Terminal
}

func (p *floodPanel) Input() <-chan []byte { return p.keys }

func (p *floodPanel) AttachSession(t *term.Terminal, _ *display.Loop) {
	p.mu.Lock()
	p.term = t
	p.mu.Unlock()
}

func (p *floodPanel) text() string {
	p.mu.Lock()
	t := p.term
	p.mu.Unlock()
	if t == nil {
		return ""
	}
	return t.Text()
}

// floodScript floods the terminal in one of three ways until it has run
// for the given seconds, checking between bursts for a line of input:
// 256 KiB of text lines, a top-like screen rewritten in place, or a
// file sent 1 MiB at a time (100 MiB in the benchmark).
// A line it reads is printed as "GOT line" at the top of a cleared
// screen, which stays for 3 s; at the end it prints FINAL.
const floodScript = `
mode=$1; secs=$2; file=$3
end=$(( $(date +%s) + secs )); i=0
chunks=$(( $(wc -c < "$file") / 1048576 )); [ "$chunks" -gt 0 ] || chunks=1
stty -echo
while [ "$(date +%s)" -lt "$end" ]; do
  case $mode in
  lines) head -c 262144 "$file" ;;
  top)   printf '\033[H'; for r in $(seq 1 20); do printf 'row %3d  %8d %8d %8d\033[K\n' $r $i $((i*r)) $((i+r)); done ;;
  cat)   dd if="$file" bs=1048576 skip=$((i % chunks)) count=1 2>/dev/null ;;
  esac
  i=$((i+1))
  # read -t 0 only polls; a timed read could time out mid-line under
  # load and lose the bytes it took.
  if read -t 0; then
    IFS= read -r line
    printf '\033[2J\033[HGOT %s\n' "$line"; sleep 3
  fi
done
printf '\033[2J\033[HFINAL %d bursts\n' "$i"
`

// floodResult is what one flood run measured.
type floodResult struct {
	echo     time.Duration // key sent to the end of the refresh showing the reply
	peakHeap uint64        // bytes of Go heap in use, sampled every 100 ms
	early    uint64        // peakHeap over the first third of the flood
	peakRSS  int           // KiB, of the whole test process
	final    bool          // the last frame shows FINAL
	refresh  int
}

func runFlood(t testing.TB, mode string, seconds int, file string) floodResult {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not found")
	}
	info, err := display.LookupProfile(testPanel)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rec, err := display.NewRecorder(info, display.RecorderOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	panel := &floodPanel{Recorder: rec, keys: make(chan []byte, 1)}
	script := filepath.Join(dir, "flood.sh")
	os.WriteFile(script, []byte(floodScript), 0o755)

	var stderr bytes.Buffer
	e := &env{
		stdin:  blockingReader{context.Background()},
		stdout: &bytes.Buffer{},
		stderr: &stderr,
		getenv: os.Getenv,
		panel:  panel,
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(seconds+60)*time.Second)
	defer cancel()
	var peakHeap atomic.Uint64
	sampling := make(chan struct{})
	go sampleHeap(&peakHeap, sampling)
	defer close(sampling)
	done := make(chan int, 1)
	go func() {
		done <- runMain(ctx, e, []string{"shell", "--", bash, script, mode, strconv.Itoa(seconds), file})
	}()

	// Type a line halfway through the flood and wait for its reply.
	time.Sleep(time.Duration(seconds) * time.Second / 3)
	early := peakHeap.Load()
	time.Sleep(time.Duration(seconds) * time.Second / 6)
	sent := time.Now()
	panel.keys <- []byte("ping\r")
	var replied time.Time
	for time.Since(sent) < 30*time.Second {
		if strings.Contains(panel.text(), "GOT ping") {
			replied = time.Now()
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	if replied.IsZero() {
		t.Fatalf("%s flood: the reply to a line typed during the flood never reached the screen", mode)
	}
	res := floodResult{}
	// The echo is on the panel when the first refresh that starts after
	// the reply reached the emulator has ended.
	for {
		start := rec.Start()
		for _, ev := range rec.Events() {
			at := start.Add(time.Duration(ev.TimeMS * float64(time.Millisecond)))
			if ev.Kind == "refresh" && !at.Before(replied) {
				res.echo = at.Add(time.Duration(ev.BusyMS * float64(time.Millisecond))).Sub(sent)
				break
			}
		}
		if res.echo != 0 || time.Since(replied) > 10*time.Second {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}

	if code := <-done; code != 0 {
		t.Fatalf("%s flood: exit status %d; stderr:\n%s", mode, code, stderr.String())
	}
	res.peakRSS = selfPeakRSS(t)
	res.peakHeap = peakHeap.Load()
	res.early = early
	text, err := os.ReadFile(filepath.Join(dir, "screen.txt"))
	if err != nil {
		t.Fatal(err)
	}
	res.final = strings.HasPrefix(string(text), "FINAL ")
	for _, ev := range rec.Events() {
		if ev.Kind == "refresh" {
			res.refresh++
		}
	}
	if res.final {
		checkGlyphs(t, readRecording(t, dir), "FINAL")
	}
	return res
}

// sampleHeap records the largest Go heap in use until stop closes.
func sampleHeap(peak *atomic.Uint64, stop <-chan struct{}) {
	var m runtime.MemStats
	for {
		runtime.ReadMemStats(&m)
		if m.HeapInuse > peak.Load() {
			peak.Store(m.HeapInuse)
		}
		select {
		case <-stop:
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// selfPeakRSS returns this process's peak resident set size in KiB.
func selfPeakRSS(t testing.TB) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return kb
		}
	}
	return 0
}

// floodFile writes n bytes of numbered text lines.
func floodFile(t testing.TB, n int) string {
	name := filepath.Join(t.TempDir(), "flood.txt")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := 0
	for i := 0; w < n; i++ {
		k, _ := fmt.Fprintf(f, "%08d flood text for einkterm's pipeline %x\n", i, i*2654435761)
		w += k
	}
	return name
}

// floodSeconds is how long each flood runs: EINKTERM_FLOOD_SECONDS, or
// 10 s by default.
func floodSeconds() int {
	if s, err := strconv.Atoi(os.Getenv("EINKTERM_FLOOD_SECONDS")); err == nil && s > 0 {
		return s
	}
	return 10
}

// TestFloodStaysResponsive floods the whole pipeline three ways and
// checks that a line typed during the flood is answered on the panel,
// that memory stays bounded, and that the last frame is right.
func TestFloodStaysResponsive(t *testing.T) {
	if testing.Short() {
		t.Skip("floods for 30 s")
	}
	small := floodFile(t, 256<<10)
	big := floodFile(t, 8<<20)
	for _, tc := range []struct{ mode, file string }{{"lines", small}, {"top", small}, {"cat", big}} {
		t.Run(tc.mode, func(t *testing.T) {
			r := runFlood(t, tc.mode, floodSeconds(), tc.file)
			t.Logf("%s: echo %v, peak heap %d MiB, peak RSS %d MiB, %d refreshes",
				tc.mode, r.echo, r.peakHeap>>20, r.peakRSS>>10, r.refresh)
			if !r.final {
				t.Error("the last frame does not show the program's final screen")
			}
			if r.echo <= 0 {
				t.Error("no refresh followed the reply to the typed line")
			}
			// Memory is bounded when it stops growing with the bytes
			// parsed: the last two thirds of the flood may add little to
			// the peak of the first third.
			if r.peakHeap > r.early*3/2+64<<20 {
				t.Errorf("heap grew from %d MiB in the first third of the flood to %d MiB",
					r.early>>20, r.peakHeap>>20)
			}
		})
	}
}

// BenchmarkFloodEcho reports, per flood kind, the time from a keystroke
// typed during the flood to the end of the panel refresh that shows the
// reply, and the peak RSS. Set EINKTERM_FLOOD_SECONDS=60 for the full
// minute; run with -benchtime=1x.
func BenchmarkFloodEcho(b *testing.B) {
	file := floodFile(b, 100<<20)
	for _, mode := range []string{"lines", "top", "cat"} {
		b.Run(mode, func(b *testing.B) {
			var echoes []float64
			var heap uint64
			for i := 0; i < b.N; i++ {
				r := runFlood(b, mode, floodSeconds(), file)
				echoes = append(echoes, float64(r.echo.Milliseconds()))
				heap = max(heap, r.peakHeap)
			}
			sort.Float64s(echoes)
			b.ReportMetric(echoes[len(echoes)/2], "echo-ms")
			b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MiB")
		})
	}
}
