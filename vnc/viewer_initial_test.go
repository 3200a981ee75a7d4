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
			addr := updatelessServer(t, 64, 64)
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

// TestViewerInitialClearsBars starts a viewer from the picture of a
// desktop twice as tall as the server's, as after a reconnect. The bars
// above and below the new desktop must turn white. The area of the new
// desktop keeps the earlier picture until the first update.
func TestViewerInitialClearsBars(t *testing.T) {
	info, err := display.LookupProfile("64x64")
	if err != nil {
		t.Fatal(err)
	}
	white := display.NewFrame(1, 1, info.Depth).White()
	addr := updatelessServer(t, 64, 32)
	s, err := newSession(t, addr, "64x64", Options{}, ViewerOptions{Initial: blackFrame(64, 64, info.Depth)})
	if err != nil {
		t.Fatal(err)
	}
	s.run(t, time.Second)

	img := s.rec.Image()
	if g := img.GrayAt(32, 2); g != white {
		t.Errorf("top bar pixel = %d, want white %d", g, white)
	}
	if g := img.GrayAt(32, 61); g != white {
		t.Errorf("bottom bar pixel = %d, want white %d", g, white)
	}
	if g := img.GrayAt(32, 32); g != 0 {
		t.Errorf("desktop pixel = %d before any update, want the earlier black", g)
	}
}

// updatelessServer starts a fake server of w by h pixels that sends
// nothing for the first update request and waits.
func updatelessServer(t *testing.T, w, h int) string {
	srv := &fakeServer{t: t, width: w, height: h, quiet: true}
	srv.serve = func(s *serverConn) error {
		_, err := s.nextRequest()
		if err != nil {
			return err
		}
		_, err = s.nextRequest() // never comes: the viewer waits for an update
		return err
	}
	return srv.start()
}
