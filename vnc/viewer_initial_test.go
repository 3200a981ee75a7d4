package vnc

import (
	"testing"
	"time"

	"github.com/einkterm/einkterm/display"
)

// TestViewerStartsFromInitialFrame connects to a server that sends no
// update: the panel must keep the Initial picture, not turn white, and
// a frame of the wrong size must be ignored.
func TestViewerStartsFromInitialFrame(t *testing.T) {
	info, err := display.LookupProfile("64x64")
	if err != nil {
		t.Fatal(err)
	}
	white := display.NewFrame(1, 1, info.Depth).White()
	tests := []struct {
		name    string
		initial *display.Frame
		want    uint8
	}{
		{"same size", blackFrame(64, 64, info.Depth), 0},
		{"other size", blackFrame(32, 32, info.Depth), white},
		{"other depth", blackFrame(64, 64, otherDepth(info.Depth)), white},
		{"none", nil, white},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &fakeServer{t: t, width: 64, height: 64, quiet: true}
			srv.serve = func(s *serverConn) error {
				_, err := s.nextRequest()
				if err != nil {
					return err
				}
				_, err = s.nextRequest() // never comes: the viewer waits for an update
				return err
			}
			addr := srv.start()
			s, err := newSession(t, addr, "64x64", Options{}, ViewerOptions{Initial: tt.initial})
			if err != nil {
				t.Fatal(err)
			}
			s.run(t, time.Second)
			if g := s.rec.Image().GrayAt(10, 10); g != tt.want {
				t.Errorf("pixel = %d before any update, want %d", g, tt.want)
			}
		})
	}
}

func otherDepth(depth int) int {
	if depth == 8 {
		return 4
	}
	return 8
}

func blackFrame(w, h, depth int) *display.Frame {
	f := display.NewFrame(w, h, depth)
	f.Fill(0)
	return f
}
