package display

import "testing"

func TestBWAtEveryDepth(t *testing.T) {
	for _, depth := range []int{1, 2, 4, 8} {
		white := uint8(1<<depth - 1)
		if got := bw(white, depth); got != white {
			t.Errorf("depth %d: bw(white) = %d, want %d", depth, got, white)
		}
		if got := bw(0, depth); got != 0 {
			t.Errorf("depth %d: bw(0) = %d, want 0", depth, got)
		}
		if depth > 1 {
			if got := bw(white/2, depth); got != 0 {
				t.Errorf("depth %d: bw(%d) = %d, want black below half", depth, white/2, got)
			}
		}
	}
}
