package term

import (
	"math/rand"
	"testing"
)

func TestZZFlood2(t *testing.T) {
	rng := rand.New(rand.NewSource(0))
	cols, rows := 10+rng.Intn(30), 3+rng.Intn(10)
	text := floodText(rng, 50+rng.Intn(400), cols, true)
	term, _ := New(Options{Width: cols * 8, Height: rows * 16, Depth: 1, FontSize: 16})
	t.Logf("%dx%d len %d", cols, rows, len(text))
	for len(text) > 0 {
		n := min(len(text), 1+rng.Intn(6000))
		term.mu.Lock()
		t.Logf("before write: clean %v state %+v", term.scan.cleanFlush, term.emu.(floodReporter).floodState())
		term.mu.Unlock()
		term.Write([]byte(text[:n]))
		text = text[n:]
	}
}
