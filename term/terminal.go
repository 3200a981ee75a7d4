package term

import (
	"fmt"
	"image"
	"io"
	"log/slog"
	"strings"
	"sync"
)

// Options configures a Terminal.
type Options struct {
	// Width, Height and Depth are the frame's size in pixels and its
	// bits per pixel (1, 2, 4 or 8), as in display.Frame.
	Width, Height, Depth int

	// FontSize is the cell height in pixels, MinFontSize to
	// MaxFontSize. Zero picks it from DPI. The bundled Terminus Font
	// comes in heights from 12 to 32 pixels and integer enlargements of
	// them, and the nearest is used.
	FontSize int

	// DPI is the panel's resolution in pixels per inch, used when
	// FontSize is zero to give text of about 9 points. Zero means a
	// 16-pixel cell.
	DPI int

	// FontFile is a TTF or OTF font to use in place of the bundled
	// one, and BoldFontFile its bold face. Empty means bundled; with
	// no bold face, bold text is drawn twice, one pixel apart.
	FontFile, BoldFontFile string

	// Replies receives the terminal's replies to device queries (DA,
	// DSR, CPR), so it is the session's input to the remote side. Nil
	// discards them.
	Replies io.Writer

	// Logger receives debug messages. Nil is silent.
	Logger *slog.Logger
}

// Terminal is a terminal emulator with a renderer for packed frames.
// Write and Render may be called from different goroutines.
type Terminal struct {
	mu      sync.Mutex // guards everything below but the render state
	opts    Options
	emu     emulator
	font    *fontSet
	scan    scanner
	pending []byte // bytes scanned but not yet given to the emulator
	replies []byte

	bracketed     bool
	reverseScreen bool // DECSCNM
	insertMode    bool // IRM
	originMode    bool // DECOM
	noFloodSkip   bool // tests turn skipFlood off to compare
	customTabs    bool // tab stops may differ from every 8 columns
	cursorShape   int  // DECSCUSR parameter; 0 is the default block

	replyMu sync.Mutex // serializes writes to Options.Replies

	renderMu sync.Mutex // guards font and render
	render   renderState
}

// New returns a terminal sized to fill a frame of opts.Width by
// opts.Height pixels.
func New(opts Options) (*Terminal, error) {
	switch opts.Depth {
	case 1, 2, 4, 8:
	default:
		return nil, fmt.Errorf("term: depth %d is not 1, 2, 4 or 8", opts.Depth)
	}
	if opts.Width <= 0 || opts.Height <= 0 {
		return nil, fmt.Errorf("term: frame size %dx%d is not positive",
			opts.Width, opts.Height)
	}
	if err := checkFontSize(opts.FontSize); err != nil {
		return nil, err
	}
	if opts.Replies == nil {
		opts.Replies = io.Discard
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	fs, err := newFontSet(opts)
	if err != nil {
		return nil, err
	}
	t := &Terminal{opts: opts, font: fs}
	cols, rows := t.gridSize(opts.Width, opts.Height)
	if cols < 1 || rows < 1 {
		return nil, fmt.Errorf("term: frame %dx%d is smaller than one %dx%d cell: use a smaller font",
			opts.Width, opts.Height, t.font.width, t.font.height)
	}
	t.emu = newEmulator(t, cols, rows)
	return t, nil
}

// newEmulator creates the emulator behind every Terminal. Tests replace
// it to run the same cases against another emulator.
var newEmulator = func(t *Terminal, cols, rows int) emulator {
	return newXVT(cols, rows, t.sendReply)
}

// sendReply writes p to Options.Replies. It is safe for concurrent use.
func (t *Terminal) sendReply(p []byte) {
	t.replyMu.Lock()
	defer t.replyMu.Unlock()
	if _, err := t.opts.Replies.Write(p); err != nil {
		t.opts.Logger.Debug("term: reply not sent", "err", err)
	}
}

// Close releases the emulator. The Terminal must not be used after.
func (t *Terminal) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c, ok := t.emu.(interface{ Close() }); ok {
		c.Close()
	}
	return nil
}

// newFontSet loads the fonts that opts ask for.
func newFontSet(opts Options) (*fontSet, error) {
	size := opts.FontSize
	if size == 0 {
		size = autoFontSize(opts.DPI)
	}
	if opts.FontFile == "" {
		return newBundledFontSet(size)
	}
	regular, err := loadTTF(opts.FontFile, size)
	if err != nil {
		return nil, err
	}
	fs := &fontSet{width: regular.width, height: regular.height,
		ascent: regular.ascent, scale: 1, regular: regular}
	if opts.BoldFontFile != "" {
		bold, err := loadTTF(opts.BoldFontFile, size)
		if err != nil {
			return nil, err
		}
		fs.bold = bold
	}
	return fs, fs.loadFallback()
}

func (t *Terminal) gridSize(width, height int) (cols, rows int) {
	return width / t.font.width, height / t.font.height
}

// Write feeds bytes from the remote side to the emulator. A UTF-8
// sequence split across calls is kept until it is complete. Write never
// fails. Replies to DA, DSR and CPR in p go to Options.Replies before
// it returns, so Write waits for that writer. The emulator's other
// replies (mode reports, colour queries) follow from another goroutine
// and never hold Write up.
func (t *Terminal) Write(p []byte) (int, error) {
	t.mu.Lock()
	t.feed(p)
	t.flush(true)
	replies := t.replies
	t.replies = nil
	t.mu.Unlock()

	if len(replies) > 0 {
		t.sendReply(replies)
	}
	return len(p), nil
}

// Size returns the screen size in cells.
func (t *Terminal) Size() (cols, rows int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.emu.Size()
}

// CellSize returns the size of one cell in pixels.
func (t *Terminal) CellSize() image.Point {
	t.renderMu.Lock()
	defer t.renderMu.Unlock()
	return image.Pt(t.font.width, t.font.height)
}

// Resize fits the screen to a frame of width by height pixels and
// returns the new size in cells, at least 1 by 1. The next Render
// redraws the whole frame, which must have the new size.
func (t *Terminal) Resize(width, height int) (cols, rows int) {
	t.renderMu.Lock()
	cols, rows = t.gridSize(width, height)
	t.renderMu.Unlock()
	cols, rows = max(cols, 1), max(rows, 1)

	t.mu.Lock()
	t.opts.Width, t.opts.Height = width, height
	t.emu.Resize(cols, rows)
	t.mu.Unlock()

	t.renderMu.Lock()
	t.render.invalidate()
	t.renderMu.Unlock()
	return cols, rows
}

// Text returns the screen as text: one line per row with trailing
// spaces trimmed, each followed by "\n".
func (t *Terminal) Text() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var b strings.Builder
	cols, rows := t.emu.Size()
	var line []rune
	for y := 0; y < rows; y++ {
		line = line[:0]
		for x := 0; x < cols; x++ {
			c := t.emu.Cell(x, y)
			if c.Width == 0 {
				continue
			}
			r := c.Rune
			if r == 0 {
				r = ' '
			}
			line = append(line, r)
			line = append(line, []rune(c.Comb)...)
		}
		b.WriteString(strings.TrimRight(string(line), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// Cursor returns the cursor position in cells, from 0.
func (t *Terminal) Cursor() (col, row int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.emu.Cursor()
}

// CursorRect returns the cursor cell in pixels of the frame that Render
// draws.
func (t *Terminal) CursorRect() image.Rectangle {
	col, row := t.Cursor()
	cs := t.CellSize()
	return image.Rect(col*cs.X, row*cs.Y, (col+1)*cs.X, (row+1)*cs.Y)
}

// Title returns the window title last set by the remote side.
func (t *Terminal) Title() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.emu.Title()
}

// AppCursorKeys reports whether the remote side asked for application
// cursor keys (DECCKM), which EncodeKey needs.
func (t *Terminal) AppCursorKeys() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.emu.Modes().appCursor
}

// BracketedPaste reports whether the remote side enabled bracketed
// paste (mode 2004), which EncodePaste needs.
func (t *Terminal) BracketedPaste() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.bracketed
}

// reverseScreenSet reports whether DECSCNM (reverse screen) is on.
func (t *Terminal) reverseScreenSet() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.reverseScreen
}

// SetFontSize switches to cells of about size pixels high, MinFontSize
// to MaxFontSize (zero picks the size from Options.DPI), refits the screen to the frame and
// returns the new size in cells, which the session must pass on (pty
// window size or SSH window-change). The next Render redraws the whole
// frame.
func (t *Terminal) SetFontSize(size int) (cols, rows int, err error) {
	t.mu.Lock()
	opts := t.opts
	t.mu.Unlock()

	if err := checkFontSize(size); err != nil {
		return 0, 0, err
	}
	opts.FontSize = size
	fs, err := newFontSet(opts)
	if err != nil {
		return 0, 0, err
	}
	t.renderMu.Lock()
	t.font = fs
	t.render.invalidate()
	t.renderMu.Unlock()

	t.mu.Lock()
	t.opts.FontSize = size
	t.mu.Unlock()
	cols, rows = t.Resize(opts.Width, opts.Height)
	return cols, rows, nil
}
