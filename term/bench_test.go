package term

import (
	"fmt"
	"math/rand"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/einkterm/einkterm/display"
)

// mixedText returns about n bytes of coloured text with Latin-1, Greek,
// Cyrillic, CJK and box drawing, the kind of output cat shows.
func mixedText(n int) []byte {
	rng := rand.New(rand.NewSource(1))
	words := []string{"the", "terminal", "é", "naïve", "façade", "Ωμέγα", "Привет",
		"中文", "日本語", "│", "─┼─", "ls", "-rw-r--r--", "1024", "main.go"}
	var b strings.Builder
	for b.Len() < n {
		for col := 0; col < 70; {
			w := words[rng.Intn(len(words))]
			if rng.Intn(6) == 0 {
				fmt.Fprintf(&b, "\x1b[%dm%s\x1b[m ", 31+rng.Intn(7), w)
			} else {
				b.WriteString(w + " ")
			}
			col += len(w) + 1
		}
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

// benchTerminal returns a terminal for an 800x480 panel (100x30 cells).
func benchTerminal(b *testing.B) (*Terminal, *display.Frame) {
	term, err := New(Options{Width: 800, Height: 480, Depth: 1, FontSize: 16})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { term.Close() })
	return term, display.NewFrame(800, 480, 1)
}

// writeChunks writes data in 4 KiB reads, as from a pty, rendering
// after every renderEvery bytes (never when 0).
func writeChunks(term *Terminal, f *display.Frame, data []byte, renderEvery int) {
	since := 0
	for i := 0; i < len(data); i += 4096 {
		chunk := data[i:min(i+4096, len(data))]
		term.Write(chunk)
		since += len(chunk)
		if renderEvery > 0 && since >= renderEvery {
			term.Render(f)
			since = 0
		}
	}
	term.Render(f)
}

// benchCat reports MB/s of wall time and, since the machine may be
// shared, MB per second of the process's CPU time (MB/cpu-s).
func benchCat(b *testing.B, renderEvery int) {
	data := mixedText(1 << 20)
	b.SetBytes(int64(len(data)))
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		term, f := benchTerminal(b)
		start := cpuTime()
		b.StartTimer()
		writeChunks(term, f, data, renderEvery)
		cpu += cpuTime() - start
	}
	b.ReportMetric(float64(len(data))*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
}

// cpuTime returns the user and system CPU time of the process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCatParse measures parsing 1 MiB of mixed text with one
// render at the end, as when the panel is busy during a flood.
func BenchmarkCatParse(b *testing.B) { benchCat(b, 0) }

// BenchmarkCatParseRender renders after every 4 KiB read, the worst case.
func BenchmarkCatParseRender(b *testing.B) { benchCat(b, 4096) }

// BenchmarkCatParseRender64K renders after every 64 KiB.
func BenchmarkCatParseRender64K(b *testing.B) { benchCat(b, 64<<10) }

// BenchmarkCatParseVT10x parses the same text with vt10x behind the
// same scanner, for comparison.
func BenchmarkCatParseVT10x(b *testing.B) {
	withEmulator("vt10x", func() { benchCat(b, 0) })
}

// BenchmarkRenderOneCell measures Render after one cell changed on a
// full 100x30 screen.
func BenchmarkRenderOneCell(b *testing.B) {
	term, f := benchTerminal(b)
	term.Write(mixedText(8 << 10))
	term.Render(f)
	pixels := 0
	i := 0
	for b.Loop() {
		i++
		term.Write([]byte{'\x1b', '[', 'H', byte('a' + i%26)})
		for _, d := range term.Render(f) {
			pixels += d.Rect.Dx() * d.Rect.Dy()
		}
	}
	b.ReportMetric(float64(pixels)/float64(b.N), "px-damaged/op")
}

// BenchmarkRenderFull measures drawing a whole 100x30 screen.
func BenchmarkRenderFull(b *testing.B) {
	term, f := benchTerminal(b)
	term.Write(mixedText(8 << 10))
	for b.Loop() {
		term.renderMu.Lock()
		term.render.invalidate()
		term.renderMu.Unlock()
		term.Render(f)
	}
}
