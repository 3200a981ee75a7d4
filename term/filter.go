package term

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// parseState is the state of the escape sequence scanner in front of the
// emulator.
type parseState uint8

const (
	stateGround parseState = iota
	stateEsc
	stateCSI
	stateString    // OSC, DCS, APC, PM or SOS body
	stateStringEsc // ESC seen inside a string
	stateEscHash   // ESC # seen
)

// maxCSI is the longest control sequence kept; longer ones are dropped.
const maxCSI = 64

// scanner watches the byte stream for the sequences that the emulator
// gets wrong or ignores, handles them, and passes the rest on.
type scanner struct {
	// colLo and colHi bound the cursor column while colKnown is set.
	// A wide character needs a flush only when it may land at the last
	// column.
	colLo, colHi int
	colKnown     bool
	escOpen      bool // an ESC and intermediate went on without a final
	colAtEsc     bool // colKnown when the current sequence began
	cleanFlush   bool // the last flush ended outside any sequence

	state     parseState
	runeStart int    // index in pending of the UTF-8 sequence being read
	printed   bool   // the last thing scanned was a printable character
	csi       []byte // parameters and intermediates of the current CSI
	long      bool   // current CSI exceeded maxCSI and is dropped
}

// feed scans p and passes its bytes on to t.pending, handling the
// intercepted sequences on the way. The caller holds t.mu.
func (t *Terminal) feed(p []byte) {
	s := &t.scan
	for _, b := range p {
		switch s.state {
		case stateGround:
			t.feedGround(b)

		case stateEsc:
			t.feedEsc(b)

		case stateCSI:
			t.feedCSI(b)

		case stateString:
			t.pending = append(t.pending, b)
			switch b {
			case 0x07:
				s.state = stateGround
			case 0x1b:
				s.state = stateStringEsc
			}

		case stateEscHash:
			s.state = stateGround
			if b == '8' {
				t.alignmentTest()
			} else {
				t.pending = append(t.pending, 0x1b, '#', b)
			}

		case stateStringEsc:
			t.pending = append(t.pending, b)
			s.state = stateString
			if b == '\\' {
				s.state = stateGround
			}
		}
	}
}

// feedGround scans a byte outside any escape sequence.
func (t *Terminal) feedGround(b byte) {
	s := &t.scan
	s.escOpen = false
	if b == 0x1b {
		s.state = stateEsc
		s.printed = false
		s.colAtEsc, s.colKnown = s.colKnown, false
		return
	}
	if b < 0x80 {
		s.printed = b >= 0x20 && b != 0x7f
		switch {
		case s.printed:
			s.colLo++
			s.colHi++
		case b == '\r':
			s.colLo, s.colHi = 0, 0
		case b != '\n':
			s.colKnown = false
		}
		if s.printed && t.insertMode {
			t.pending = append(t.pending, "\x1b[@"...)
		}
		if b == '\r' && t.originMode {
			// x/vt v0.1.0 moves the cursor down by the top margin on a
			// carriage return in origin mode; CHA 1 does the same job.
			t.pending = append(t.pending, "\x1b[G"...)
			return
		}
		t.pending = append(t.pending, b)
		return
	}
	t.pending = append(t.pending, b)
	if b >= 0xc0 {
		s.runeStart = len(t.pending) - 1
	}
	seq := t.pending[s.runeStart:]
	if utf8.FullRune(seq) {
		r, _ := utf8.DecodeRune(seq)
		t.feedRune(r)
	}
}

// feedRune handles a complete non-ASCII character at the end of
// t.pending: it wraps before a wide character at the last column and
// joins combining marks to a character that an earlier Write placed.
func (t *Terminal) feedRune(r rune) {
	s := &t.scan
	wasPrinted := s.printed
	s.printed = true
	if !isWide(r) {
		s.colHi += 2 // 0, 1 or 2 cells, whatever the emulator decides
	}
	if t.insertMode && !isCombining(r) {
		ich := "\x1b[@"
		if isWide(r) {
			ich = "\x1b[2@"
		}
		t.pending = slices.Insert(t.pending, s.runeStart, []byte(ich)...)
		s.runeStart += len(ich)
	}
	switch {
	case isWide(r):
		cols, _ := t.emu.Size()
		if w, ok := t.emu.(wideWrapper); ok && (!s.colKnown || s.colHi+2 >= cols) {
			t.flushBefore(s.runeStart)
			w.wrapBeforeWide()
		}
		s.colHi += 2
	case isCombining(r) && wasPrinted && s.runeStart == 0:
		// The base character went to the emulator with an earlier
		// Write, which ended its grapheme cluster there.
		if m, ok := t.emu.(markAppender); ok && m.appendMarks(string(r)) {
			t.pending = t.pending[:0]
		}
	}
}

// flushBefore hands t.pending[:i] to the emulator and keeps the rest.
func (t *Terminal) flushBefore(i int) {
	if i == 0 {
		return
	}
	rest := append([]byte(nil), t.pending[i:]...)
	start := t.scan.runeStart - i
	t.pending = t.pending[:i]
	t.flush(false)
	t.pending = append(t.pending, rest...)
	t.scan.runeStart = start
}

// alignmentTest performs DECALN: margins reset, the screen filled with
// E, and the cursor at home. x/vt v0.1.0 ignores it.
func (t *Terminal) alignmentTest() {
	t.flush(false)
	cols, rows := t.emu.Size()
	line := strings.Repeat("E", cols)
	t.pending = append(t.pending, "\x1b[r"...)
	for r := 1; r <= rows; r++ {
		t.pending = fmt.Appendf(t.pending, "\x1b[%d;1H%s", r, line)
	}
	t.pending = append(t.pending, "\x1b[H"...)
}

func (t *Terminal) feedEsc(b byte) {
	s := &t.scan
	switch b {
	case '[':
		s.state = stateCSI
		s.csi = s.csi[:0]
		s.long = false
		return
	case ']', 'P', '_', '^', 'X':
		s.state = stateString
	case '#':
		s.state = stateEscHash
		return
	case 'E': // NEL, which x/vt v0.1.0 ignores
		s.state = stateGround
		if t.originMode {
			t.pending = append(t.pending, "\x1b[G\x1bD"...)
		} else {
			t.pending = append(t.pending, "\r\x1bD"...)
		}
		return
	case 'Z': // DECID: the same as DA1
		s.state = stateGround
		t.reply([]byte(da1Reply))
		return
	case 'H': // HTS
		t.customTabs = true
		s.state = stateGround
	case 'c': // RIS
		t.customTabs = false
		t.bracketed = false
		t.reverseScreen = false
		t.insertMode = false
		t.originMode = false
		t.cursorShape = 0
		s.state = stateGround
	case 0x1b:
		return
	default:
		// An intermediate byte keeps the sequence open for its final.
		if b < 0x20 || b > 0x2f {
			s.state = stateGround
		}
	}
	t.pending = append(t.pending, 0x1b, b)
	if b >= 0x20 && b <= 0x2f {
		// Pass later bytes as they come; the emulator completes the
		// sequence itself.
		s.state = stateGround
		s.escOpen = true
	}
}

func (t *Terminal) feedCSI(b byte) {
	s := &t.scan
	switch {
	case b == 0x1b:
		s.state = stateEsc
	case b == 0x18 || b == 0x1a: // CAN, SUB cancel the sequence
		s.state = stateGround
	case b < 0x20:
		// A VT100 executes C0 controls found inside a sequence.
		t.pending = append(t.pending, b)
	case b < 0x40:
		if len(s.csi) >= maxCSI {
			s.long = true
			return
		}
		s.csi = append(s.csi, b)
	default:
		s.state = stateGround
		if !s.long {
			t.handleCSI(s.csi, b)
		}
	}
}

// flush hands the pending bytes to the emulator. With keepTail, an
// incomplete UTF-8 sequence at the end stays pending for the next
// Write. Invalid UTF-8 becomes U+FFFD, as in xterm.
func (t *Terminal) flush(keepTail bool) {
	p := t.pending
	var tail []byte
	if keepTail {
		n := incompleteTail(p)
		p, tail = p[:len(p)-n], p[len(p)-n:]
	}
	if !utf8.Valid(p) {
		p = bytes.ToValidUTF8(p, []byte("\uFFFD"))
	}
	if t.scan.cleanFlush && !t.noFloodSkip {
		p = t.skipFlood(p)
	}
	if len(p) > 0 {
		t.emu.Write(p)
	}
	t.pending = append(t.pending[:0], tail...)

	s := &t.scan
	s.runeStart = 0
	s.cleanFlush = s.state == stateGround && !s.escOpen
	s.colLo, _ = t.emu.Cursor()
	s.colHi, s.colKnown = s.colLo, true
}

// incompleteTail returns the length of a UTF-8 sequence at the end of p
// that is cut short, or 0.
func incompleteTail(p []byte) int {
	for n := 1; n <= 3 && n <= len(p); n++ {
		b := p[len(p)-n]
		if b < 0x80 {
			return 0
		}
		if b >= 0xc0 {
			if utf8.FullRune(p[len(p)-n:]) {
				return 0
			}
			return n
		}
	}
	return 0
}
