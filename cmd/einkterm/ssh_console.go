package main

import (
	"bytes"
	"context"
	"log/slog"
	"sync"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/term"
)

// loginConsole shows the login's questions, answers and errors on the
// panel before the session starts, so that a board with no other screen
// shows them too. It starts its emulator and refresh loop on the first
// write; the panel stays open for the session.
type loginConsole struct {
	panel    display.Panel
	fontSize int
	fontFile string
	log      *slog.Logger

	mu    sync.Mutex
	term  *term.Terminal
	loop  *display.Loop
	frame *display.Frame
	stop  context.CancelFunc
	done  chan error
}

// Write shows p, with each bare line feed taken as a new line.
func (c *loginConsole) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.term == nil {
		if err := c.start(); err != nil {
			c.log.Warn("login questions not shown on the panel", "err", err)
			return len(p), nil
		}
	}
	text := bytes.ReplaceAll(p, []byte("\r\n"), []byte("\n"))
	text = bytes.ReplaceAll(text, []byte("\n"), []byte("\r\n"))
	c.term.Write(text)
	if d := c.term.Render(c.frame); len(d) > 0 {
		c.loop.Submit(c.frame, d)
	}
	return len(p), nil
}

func (c *loginConsole) start() error {
	info := c.panel.Info()
	t, err := term.New(term.Options{
		Width: info.Width, Height: info.Height, Depth: info.Depth,
		FontSize: c.fontSize, FontFile: c.fontFile, Logger: c.log,
	})
	if err != nil {
		return err
	}
	c.term = t
	c.frame = display.NewFrame(info.Width, info.Height, info.Depth)
	c.loop = display.NewLoop(c.panel, display.LoopOptions{Logger: c.log})
	ctx, stop := context.WithCancel(context.Background())
	c.stop, c.done = stop, make(chan error, 1)
	go func() { c.done <- c.loop.Run(ctx) }()
	return nil
}

// finish stops the refresh loop, leaving the panel open. With
// keepScreen the panel keeps the text and screen.txt saves it, as for a
// login that ends here. Otherwise the panel is cleared first, because
// the session's refresh loop starts from the premise of a white panel.
func (c *loginConsole) finish(keepScreen bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.term == nil {
		return
	}
	if !keepScreen {
		c.term.Write([]byte("\x1b[?25l\x1b[2J\x1b[H"))
		if d := c.term.Render(c.frame); len(d) > 0 {
			c.loop.Submit(c.frame, d)
		}
	}
	if err := c.loop.Flush(context.Background()); err != nil {
		c.log.Warn("login console refresh failed", "err", err)
	}
	c.stop()
	<-c.done
	if keepScreen {
		if err := saveScreen(c.panel, c.term); err != nil {
			c.log.Warn("saving the login screen failed", "err", err)
		}
	}
	c.term = nil
}
