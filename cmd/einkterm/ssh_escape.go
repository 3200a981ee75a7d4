package main

import "fmt"

// escapeAction is a local command typed as an escape sequence.
type escapeAction int

const (
	escapeNone       escapeAction = iota
	escapeDisconnect              // ~.
	escapeHelp                    // ~?
	escapeLarger                  // ~+, an einkterm addition
	escapeSmaller                 // ~-, an einkterm addition
)

// escapeFilter finds OpenSSH's escape sequences in typed input: the
// escape character (normally ~) right after a newline, or first of all,
// followed by '.' to disconnect, '?' for help, or itself to send it once.
// einkterm adds '+' and '-' to change the font size. Any other byte
// after it is sent together with the escape character.
type escapeFilter struct {
	char       byte // zero turns escapes off
	lineStart  bool // the previous byte ended a line
	sawEscape  bool // the escape character was held back
	notStarted bool // nothing typed yet, which counts as a line start
}

func newEscapeFilter(char byte) *escapeFilter {
	return &escapeFilter{char: char, notStarted: true}
}

// feed returns the bytes to send for p and the actions typed in it, in
// order: send[i] goes before actions[i] takes effect. A held escape
// character waits for the next call.
func (f *escapeFilter) feed(p []byte) (sends [][]byte, actions []escapeAction) {
	if f.char == 0 {
		return [][]byte{p}, []escapeAction{escapeNone}
	}
	var out []byte
	for _, c := range p {
		atStart := f.lineStart || f.notStarted
		switch {
		case f.sawEscape:
			f.sawEscape = false
			switch c {
			case '.':
				sends, actions = append(sends, out), append(actions, escapeDisconnect)
				out = nil
				continue
			case '?', '+', '-':
				act := map[byte]escapeAction{'?': escapeHelp, '+': escapeLarger, '-': escapeSmaller}[c]
				sends, actions = append(sends, out), append(actions, act)
				out = nil
				f.lineStart = true
				continue
			case f.char:
				out = append(out, c)
			default:
				out = append(out, f.char, c)
			}
		case c == f.char && atStart:
			f.sawEscape = true
			f.notStarted = false
			continue
		default:
			out = append(out, c)
		}
		f.notStarted = false
		f.lineStart = c == '\r' || c == '\n'
	}
	return append(sends, out), append(actions, escapeNone)
}

// escapeHelpText returns the text ~? shows, as OpenSSH prints it.
func escapeHelpText(char byte) string {
	e := string(char)
	return fmt.Sprintf("\r\nSupported escape sequences:\r\n"+
		" %s.   - terminate connection\r\n"+
		" %s?   - this message\r\n"+
		" %s+   - larger font (einkterm)\r\n"+
		" %s-   - smaller font (einkterm)\r\n"+
		" %s%s   - send the escape character by typing it twice\r\n"+
		"(Note that escapes are only recognized immediately after newline.)\r\n",
		e, e, e, e, e, e)
}

// escapeRemote applies the escape filter to the keystrokes of an SSH
// link; the terminal's replies reach the link's WriteReply unfiltered.
type escapeRemote struct {
	*sshLink
	filter *escapeFilter
	in     *input // holds the session's terminal, for ~+ and ~-
}

// Write sends p without its escape sequences and carries them out.
func (e *escapeRemote) Write(p []byte) (int, error) {
	sends, actions := e.filter.feed(p)
	for i, s := range sends {
		if len(s) > 0 {
			if _, err := e.sshLink.Write(s); err != nil {
				return 0, err
			}
		}
		switch actions[i] {
		case escapeDisconnect:
			e.sshLink.disconnect()
			return len(p), nil
		case escapeHelp:
			e.sshLink.inject(escapeHelpText(e.filter.char))
		case escapeLarger, escapeSmaller:
			e.zoom(actions[i] == escapeLarger)
		}
	}
	return len(p), nil
}

// zoom moves the terminal's font one bundled size up or down and sends
// the new size in cells to the server.
func (e *escapeRemote) zoom(larger bool) {
	if e.in == nil {
		return
	}
	t := e.in.term.Load()
	if t == nil {
		return
	}
	size := nextFontSize(t.CellSize().Y, larger)
	cols, rows, err := t.SetFontSize(size)
	if err != nil {
		e.log.Warn("font size not changed", "size", size, "err", err)
		return
	}
	e.log.Info("font size changed", "height", size, "cols", cols, "rows", rows)
	if err := e.sshLink.Resize(cols, rows); err != nil {
		e.log.Warn("window-change request failed", "err", err)
	}
}

// fontHeights are the cell heights the zoom escapes step through: the
// bundled Terminus Font sizes.
var fontHeights = []int{12, 14, 16, 18, 20, 22, 24, 28, 32}

// nextFontSize returns the next height above or below current, or the
// end of the list.
func nextFontSize(current int, larger bool) int {
	if larger {
		for _, h := range fontHeights {
			if h > current {
				return h
			}
		}
		return fontHeights[len(fontHeights)-1]
	}
	for i := len(fontHeights) - 1; i >= 0; i-- {
		if fontHeights[i] < current {
			return fontHeights[i]
		}
	}
	return fontHeights[0]
}

// parseEscapeChar parses -e: a single character, ^X for a control
// character, or none.
func parseEscapeChar(s string) (byte, error) {
	switch {
	case s == "none":
		return 0, nil
	case len(s) == 1:
		return s[0], nil
	case len(s) == 2 && s[0] == '^' && s[1] >= '@' && s[1] <= '_':
		return s[1] & 0x1f, nil
	case len(s) == 2 && s[0] == '^' && s[1] >= 'a' && s[1] <= 'z':
		return s[1] & 0x1f, nil
	}
	return 0, fmt.Errorf("invalid -e %q: use one ASCII character, ^X for a control character, or none", s)
}
