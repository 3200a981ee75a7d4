package term

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
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
		t.pending = append(t.pending, "\r\x1bD"...)
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

// Replies to device attribute requests: a VT100 with advanced video
// (DA1) and a VT220-class terminal (DA2).
const (
	da1Reply = "\x1b[?1;2c"
	da2Reply = "\x1b[>1;10;0c"
)

// handleCSI acts on one complete control sequence with parameter and
// intermediate bytes seq and final byte final.
func (t *Terminal) handleCSI(seq []byte, final byte) {
	var priv byte
	if len(seq) > 0 && seq[0] >= '<' && seq[0] <= '?' {
		priv, seq = seq[0], seq[1:]
	}
	i := bytes.IndexFunc(seq, func(r rune) bool { return r < 0x30 })
	var inter []byte
	if i >= 0 {
		seq, inter = seq[:i], seq[i:]
	}
	params := bytes.Split(seq, []byte(";"))

	switch {
	case final == 'c' && len(inter) == 0 && priv == 0 && paramInt(params, 0) == 0:
		t.reply([]byte(da1Reply))
		return
	case final == 'c' && len(inter) == 0 && priv == '>' && paramInt(params, 0) == 0:
		t.reply([]byte(da2Reply))
		return
	case final == 'q' && string(inter) == " " && priv == 0:
		t.cursorShape = paramInt(params, 0)
		return
	case final == 'g' && priv == 0:
		t.customTabs = true // TBC
	case final == 'n' && priv == 0 && len(inter) == 0:
		t.deviceStatus(paramInt(params, 0))
		return
	case (final == 'h' || final == 'l') && priv == 0 && len(inter) == 0:
		if t.setANSIModes(params, final == 'h') {
			return
		}
	case (final == 'h' || final == 'l') && priv == '?':
		for i := range params {
			switch paramInt(params, i) {
			case 5:
				t.reverseScreen = final == 'h'
			case 2004:
				t.bracketed = final == 'h'
			}
		}
	}
	if final == 'm' && priv == 0 && len(inter) == 0 {
		t.scan.colKnown = t.scan.colAtEsc // SGR does not move the cursor
	}
	seqStart := len(t.pending)
	t.pending = append(t.pending, 0x1b, '[')
	if priv != 0 {
		t.pending = append(t.pending, priv)
	}
	t.pending = appendParams(t.pending, params, final, t.countLimit(final))
	t.pending = append(t.pending, inter...)
	t.pending = append(t.pending, final)

	if h, ok := t.emu.(csiFixer); ok && h.needsFix(priv, final, params) {
		seq := append([]byte(nil), t.pending[seqStart:]...)
		t.pending = t.pending[:seqStart]
		t.flush(false)
		h.fixCSI(seq, priv, final, params)
	}
}

// setANSIModes handles SM and RM. It keeps IRM (mode 4), which neither
// emulator implements, and reports whether nothing is left to pass on.
func (t *Terminal) setANSIModes(params [][]byte, set bool) bool {
	if len(params) != 1 || paramInt(params, 0) != 4 {
		return false
	}
	t.insertMode = set
	return true
}

// deviceStatus replies to DSR 5 (status) and DSR 6 (cursor position).
func (t *Terminal) deviceStatus(n int) {
	switch n {
	case 5:
		t.reply([]byte("\x1b[0n"))
	case 6:
		t.flush(false)
		col, row := t.emu.Cursor()
		if o, ok := t.emu.(originReporter); ok {
			row -= o.originTop()
		}
		t.reply(fmt.Appendf(nil, "\x1b[%d;%dR", row+1, col+1))
	}
}

func (t *Terminal) reply(p []byte) {
	t.replies = append(t.replies, p...)
}

// paramInt returns parameter i, or 0 when it is missing, empty or not
// a number. Numbers above maxParam become maxParam.
func paramInt(params [][]byte, i int) int {
	if i >= len(params) || !isDigits(params[i]) {
		return 0
	}
	n := 0
	for _, c := range params[i] {
		n = min(n*10+int(c-'0'), maxParam)
	}
	return n
}

// maxParam is the largest parameter value kept.
const maxParam = 1 << 20

func isDigits(p []byte) bool {
	if len(p) == 0 {
		return false
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// defaultOne lists the finals whose empty or zero parameters mean 1.
const defaultOne = "@ABCDEFGHILMPSTXZ`adef"

// countLimit returns the largest parameter passed on for final. Counts
// and positions beyond the screen act like the screen's size. The
// emulator spends time in proportion to some of them (REP, ECH, CHT),
// so they are cut there. Other parameters are cut to 65535.
func (t *Terminal) countLimit(final byte) int {
	cols, rows := t.emu.Size()
	switch {
	case final == 'b': // REP
		return cols * rows
	case strings.IndexByte(defaultOne, final) >= 0 || final == 'r':
		return max(cols, rows) + 1
	}
	return 65535
}

// appendParams writes params with empty ones made explicit, since
// vt10x stops reading parameters at the first empty one (so ESC[;10H
// would go to column 1), and numbers above limit cut to limit.
func appendParams(dst []byte, params [][]byte, final byte, limit int) []byte {
	one := bytes.IndexByte([]byte(defaultOne), final) >= 0
	if final == 'r' && len(params) == 2 && len(params[1]) == 0 {
		params = params[:1]
	}
	for i, p := range params {
		if i > 0 {
			dst = append(dst, ';')
		}
		switch {
		case len(params) == 1 && len(p) == 0:
			// A lone empty parameter stays empty: every default applies.
		case one || final == 'r':
			n := paramInt(params, i)
			if n == 0 {
				n = 1
			}
			dst = strconv.AppendInt(dst, int64(min(n, limit)), 10)
		case len(p) == 0:
			dst = append(dst, '0')
		case isDigits(p):
			dst = strconv.AppendInt(dst, int64(min(paramInt(params, i), limit)), 10)
		default:
			dst = append(dst, p...)
		}
	}
	return dst
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
