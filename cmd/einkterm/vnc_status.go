package main

import (
	"fmt"
	"image"
	"strings"
	"time"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/term"
)

// vncStatus draws a one-line status in reverse video over the bottom
// text row of the last desktop picture, for the panel while no viewer
// is connected. The next viewer's first frame covers it.
type vncStatus struct {
	term    *term.Terminal
	scratch *display.Frame // the emulator's rendering; only the bottom row is used
	row     image.Rectangle
}

// showStatus shows msg on the panel over the last picture, or over white
// before the first connection.
func (s *vncSession) showStatus(msg string) {
	info := s.panel.Info()
	if s.status == nil {
		t, err := term.New(term.Options{Width: info.Width, Height: info.Height, Depth: info.Depth, Logger: s.log})
		if err != nil {
			s.log.Warn("vnc: status line not shown on the panel", "err", err)
			return
		}
		cell := t.CellSize()
		_, rows := t.Size()
		s.status = &vncStatus{
			term:    t,
			scratch: display.NewFrame(info.Width, info.Height, info.Depth),
			row:     image.Rect(0, (rows-1)*cell.Y, info.Width, rows*cell.Y),
		}
	}
	st := s.status
	cols, rows := st.term.Size()
	line := []rune(strings.Join(strings.Fields(msg), " "))
	if len(line) > cols {
		line = line[:cols]
	}
	text := string(line) + strings.Repeat(" ", cols-len(line))
	fmt.Fprintf(st.term, "\x1b[?25l\x1b[%d;1H\x1b[0;7m%s\x1b[0m", rows, text)
	st.term.Render(st.scratch)

	var f *display.Frame
	if s.last != nil {
		f = s.last.Clone()
	} else {
		f = display.NewFrame(info.Width, info.Height, info.Depth)
	}
	f.CopyRect(st.scratch, st.row)
	s.loop.Submit(f, []display.Damage{{Kind: display.Changed, Rect: st.row}})
}

// outageStatus is the status line while the connection is down: why,
// when the next try and the last one are, in local time, and how to
// quit.
func outageStatus(err error, next, giveUp time.Time) string {
	return fmt.Sprintf("VNC server unreachable: %s; retrying at %s, giving up at %s; Ctrl-C quits",
		oneLine(err), next.Format("15:04:05"), giveUp.Format("15:04:05"))
}
