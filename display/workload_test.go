package display_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// replayEvent is one step of a recorded terminal session: a keystroke,
// or output from the remote side in response to keystroke number of
// (-1 when no keystroke caused it).
type replayEvent struct {
	at  time.Duration
	key bool
	out []byte
	of  int // for output, the index of the keystroke that caused it
}

// workload is a recorded session, generated deterministically for a
// screen of cols by rows cells.
type workload struct {
	name   string
	events []replayEvent
}

// recording builds a workload in time order.
type recording struct {
	events []replayEvent
	keys   int
	rng    *rand.Rand
}

func newRecording(seed uint64) *recording {
	return &recording{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b9))}
}

// key records a keystroke at at and returns its index.
func (r *recording) key(at time.Duration) int {
	r.events = append(r.events, replayEvent{at: at, key: true, of: r.keys})
	r.keys++
	return r.keys - 1
}

// output records output at at, caused by keystroke number of.
func (r *recording) output(at time.Duration, of int, s string) {
	r.events = append(r.events, replayEvent{at: at, out: []byte(s), of: of})
}

// stream records s arriving at rate bytes per second in chunks, as a
// flood over SSH does.
func (r *recording) stream(at time.Duration, of int, s string, rate int) time.Duration {
	const chunk = 4096
	for len(s) > 0 {
		n := min(chunk, len(s))
		r.output(at, of, s[:n])
		s = s[n:]
		at += time.Duration(n) * time.Second / time.Duration(rate)
	}
	return at
}

// typeLine records the keystrokes of text at a typist's pace, each
// echoed 3 ms later, and returns the time after the last one.
func (r *recording) typeLine(at time.Duration, text string) time.Duration {
	for _, c := range text {
		k := r.key(at)
		echo := string(c)
		if c == '\r' {
			echo = "\r\n"
		}
		r.output(at+3*time.Millisecond, k, echo)
		at += r.jitter(120, 280)
	}
	return at
}

// jitter returns a duration from lo to hi milliseconds.
func (r *recording) jitter(lo, hi int) time.Duration {
	return time.Duration(lo+r.rng.IntN(hi-lo+1)) * time.Millisecond
}

var words = strings.Fields(`the panel shows text with little power and keeps it
without any power at all while the reader looks at the page ghosting builds up
after many partial updates so a full refresh now and then clears it the terminal
sends only what changed and the scheduler waits for a pause before it flashes
small boards drive the display over spi at a few megahertz`)

// sentence returns a sentence of n words.
func (r *recording) sentence(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = words[r.rng.IntN(len(words))]
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// textLines returns n lines of prose no wider than width.
func (r *recording) textLines(n, width int) []string {
	lines := make([]string, 0, n)
	for len(lines) < n {
		var b strings.Builder
		for b.Len() < width/2 || r.rng.IntN(4) != 0 {
			w := words[r.rng.IntN(len(words))]
			if b.Len()+len(w)+1 >= width {
				break
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
		lines = append(lines, b.String())
	}
	return lines
}

// workloads returns the five recorded sessions for a screen of cols by
// rows cells.
func workloads(cols, rows int) []workload {
	return []workload{
		{"typing", typingWorkload(cols, rows)},
		{"ls-la", lsWorkload(cols, rows)},
		{"top", topWorkload(cols, rows)},
		{"cat-1MB", catWorkload(cols, rows)},
		{"pager", pagerWorkload(cols, rows)},
	}
}

// typingWorkload types a paragraph into an editor whose status line
// shows the cursor position after every keystroke. The typist pauses
// 1.5 to 5 s after each sentence.
func typingWorkload(cols, rows int) []replayEvent {
	r := newRecording(1)
	var b strings.Builder
	b.WriteString("\x1b[H\x1b[2J")
	for i, l := range r.textLines(rows/2, cols-1) {
		fmt.Fprintf(&b, "\x1b[%d;1H%s", i+1, l)
	}
	line := rows/2 + 2
	b.WriteString(status(cols, rows, line, 1))
	fmt.Fprintf(&b, "\x1b[%d;1H", line)
	r.output(0, -1, b.String())

	at := 2 * time.Second
	col := 1
	for s := 0; s < 6; s++ {
		for _, c := range r.sentence(8+r.rng.IntN(8)) + " " {
			k := r.key(at)
			echo := string(c)
			if col >= cols-1 {
				// Wrap, and start over at the top of the window when
				// the text reaches the status line.
				line, col = line%(rows-1)+1, 1
				echo = fmt.Sprintf("\x1b[%d;1H\x1b[K", line) + echo
			}
			col++
			echo += status(cols, rows, line, col) + fmt.Sprintf("\x1b[%d;%dH", line, col)
			r.output(at+3*time.Millisecond, k, echo)
			at += r.jitter(120, 280)
		}
		at += r.jitter(1500, 5000)
	}
	return r.events
}

// status returns the editor's status line for the cursor at line, col,
// in reverse video on the last row.
func status(cols, rows, line, col int) string {
	s := fmt.Sprintf(" -- INSERT --   notes.txt   %d,%d ", line, col)
	if len(s) < cols {
		s += strings.Repeat(" ", cols-len(s))
	}
	return fmt.Sprintf("\x1b[%d;1H\x1b[7m%s\x1b[0m", rows, s[:cols])
}

// lsWorkload types "ls -la" and lists 1500 files at 1 MB/s.
func lsWorkload(cols, rows int) []replayEvent {
	r := newRecording(2)
	r.output(0, -1, "\x1b[H\x1b[2J$ ")
	at := r.typeLine(time.Second, "ls -la\r")
	var b strings.Builder
	b.WriteString("total 6000\r\n")
	for i := 0; i < 1500; i++ {
		l := fmt.Sprintf("-rw-r--r-- 1 user user %7d Dec  4 16:%02d file-%04d.txt",
			r.rng.IntN(1<<20), i%60, i)
		if len(l) > cols-1 {
			l = l[:cols-1]
		}
		b.WriteString(l + "\r\n")
	}
	b.WriteString("$ ")
	r.stream(at, r.keys-1, b.String(), 1<<20)
	return r.events
}

// topWorkload starts top, which redraws its screen every second for a
// minute: a clock and load in the header, and a process table sorted by
// CPU use in which a third of the rows change each time.
func topWorkload(cols, rows int) []replayEvent {
	r := newRecording(3)
	r.output(0, -1, "\x1b[H\x1b[2J$ ")
	at := r.typeLine(time.Second, "top\r")
	type proc struct {
		pid  int
		cpu  float64
		time int
		name string
	}
	procs := make([]proc, 40)
	for i := range procs {
		procs[i] = proc{pid: 100 + 37*i, name: words[i%len(words)]}
	}
	of := r.keys - 1
	for sec := 0; sec < 60; sec++ {
		for i := range procs {
			if r.rng.IntN(3) == 0 {
				procs[i].cpu = float64(r.rng.IntN(500)) / 10
			}
			procs[i].time += int(procs[i].cpu)
		}
		sortProcs(procs, func(a, b proc) bool { return a.cpu > b.cpu })
		var b strings.Builder
		fmt.Fprintf(&b, "\x1b[Htop - 16:%02d:%02d up 3 days,  1 user,  load average: %.2f, %.2f, %.2f\x1b[K\r\n",
			sec/60, sec%60, 0.5+float64(r.rng.IntN(100))/100, 0.6, 0.7)
		fmt.Fprintf(&b, "Tasks: %d total,   %d running\x1b[K\r\n", 120+r.rng.IntN(5), 1+r.rng.IntN(3))
		fmt.Fprintf(&b, "%%Cpu(s): %4.1f us,  %4.1f sy\x1b[K\r\n\x1b[K\r\n",
			float64(r.rng.IntN(400))/10, float64(r.rng.IntN(100))/10)
		b.WriteString("\x1b[7m  PID USER     %CPU    TIME+ COMMAND\x1b[0m\x1b[K\r\n")
		for i := 0; i < rows-6 && i < len(procs); i++ {
			p := procs[i]
			l := fmt.Sprintf("%5d user    %5.1f %5d:%02d %s", p.pid, p.cpu, p.time/6000, p.time/100%60, p.name)
			if len(l) > cols-1 {
				l = l[:cols-1]
			}
			b.WriteString(l + "\x1b[K\r\n")
		}
		r.output(at+time.Duration(sec)*time.Second, of, b.String())
		of = -1
	}
	return r.events
}

func sortProcs[T any](s []T, less func(a, b T) bool) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && less(s[j], s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// catWorkload types "cat big.txt" and prints 1 MB of prose at 1 MB/s.
func catWorkload(cols, rows int) []replayEvent {
	r := newRecording(4)
	r.output(0, -1, "\x1b[H\x1b[2J$ ")
	at := r.typeLine(time.Second, "cat big.txt\r")
	var b strings.Builder
	for b.Len() < 1<<20 {
		for _, l := range r.textLines(64, 100) {
			b.WriteString(l + "\r\n")
		}
	}
	b.WriteString("$ ")
	r.stream(at, r.keys-1, b.String(), 1<<20)
	return r.events
}

// pagerWorkload opens a file in a pager and pages forward 20 times,
// 1 to 3 s apart; each page scrolls a screenful of new lines in.
func pagerWorkload(cols, rows int) []replayEvent {
	r := newRecording(5)
	r.output(0, -1, "\x1b[H\x1b[2J$ ")
	at := r.typeLine(time.Second, "less big.txt\r")
	text := r.textLines(21*rows, cols-1)
	var b strings.Builder
	b.WriteString("\x1b[H\x1b[2J")
	for _, l := range text[:rows-1] {
		b.WriteString(l + "\r\n")
	}
	b.WriteString(":")
	r.output(at, r.keys-1, b.String())
	next := rows - 1
	for page := 0; page < 20; page++ {
		at += r.jitter(1000, 3000)
		k := r.key(at)
		b.Reset()
		b.WriteString("\r\x1b[K")
		for _, l := range text[next : next+rows-1] {
			b.WriteString(l + "\r\n")
		}
		b.WriteString(":")
		next += rows - 1
		r.output(at+5*time.Millisecond, k, b.String())
	}
	return r.events
}
