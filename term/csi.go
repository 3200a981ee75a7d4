package term

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

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
	columnSwitch := false // DECCOLM

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
	case (final == 's' || final == 'u') && priv == 0 && len(inter) == 0 && len(seq) == 0:
		// SCOSC and SCORC, which x/vt v0.1.0 ignores, are DECSC and
		// DECRC while left and right margins are off, as they always
		// are here.
		if final == 's' {
			t.pending = append(t.pending, "\x1b7"...)
		} else {
			t.pending = append(t.pending, "\x1b8"...)
		}
		return
	case (final == 'h' || final == 'l') && priv == 0 && len(inter) == 0:
		if t.setANSIModes(params, final == 'h') {
			return
		}
	case (final == 'h' || final == 'l') && priv == '?':
		for i := range params {
			switch paramInt(params, i) {
			case 3:
				columnSwitch = true
			case 5:
				t.reverseScreen = final == 'h'
			case 6:
				t.originMode = final == 'h'
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
	if columnSwitch {
		// The width stays, since the panel sets it, but the switch
		// clears the screen, resets the margins and homes the cursor,
		// as on a VT100, xterm and tmux.
		t.pending = append(t.pending, "\x1b[r\x1b[H\x1b[2J"...)
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
	defaultsToOne := strings.IndexByte(defaultOne, final) >= 0
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
		case defaultsToOne || final == 'r':
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
