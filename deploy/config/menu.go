package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Menu is the model of the first-boot menu. With no session configured,
// einkterm shows it on the panel without any login. The user picks SSH
// (host, user, port), a local shell or VNC (host, port), and SaveMenu
// writes the choice to the config file. Menu does no I/O: the caller
// feeds keyboard bytes to Input, draws Lines on the panel after each
// call, and stops when Done returns true.
type Menu struct {
	current  Session // values that prefill the forms
	choosing bool    // the session list is shown, not a form
	choice   int     // index in menuChoices
	fields   []menuField
	forms    map[int][]menuField // fields typed so far, by choice
	focus    int
	message  string // the last validation error, shown under the form
	done     bool
	quit     bool // the user pressed Ctrl-C
}

type menuChoice struct{ start, label string }

var menuChoices = []menuChoice{
	{"ssh", "SSH to another computer"},
	{"shell", "Shell on this device"},
	{"vnc", "VNC viewer"},
}

type menuField struct {
	key, label, value string
	port              bool // the value must be a port number
}

// MenuKey is a key that the menu acts on.
type MenuKey int

// Keys that the menu handles besides printable characters.
const (
	KeyRune MenuKey = iota
	KeyEnter
	KeyBackspace
	KeyTab
	KeyUp
	KeyDown
	KeyEsc
	KeyNone      // a key the menu ignores, such as Left or F1
	KeyInterrupt // Ctrl-C, which quits the menu without a choice
)

// NewMenu returns the menu showing the session list, with current
// preselected and its values in the forms.
func NewMenu(current Session) *Menu {
	m := &Menu{current: current, choosing: true}
	for i, c := range menuChoices {
		if c.start == current.Start {
			m.choice = i
		}
	}
	return m
}

// Done reports whether the user has made a complete, valid choice.
func (m *Menu) Done() bool { return m.done }

// Quit reports whether the user pressed Ctrl-C to leave the menu
// without a choice.
func (m *Menu) Quit() bool { return m.quit }

// Input handles raw bytes from a terminal keyboard: printable UTF-8,
// Enter (CR or LF), Backspace (DEL or BS), Tab, Esc, Ctrl-C and the
// arrow keys in both the CSI and SS3 forms. It returns Done, and stops
// reading at a choice or at Ctrl-C.
func (m *Menu) Input(b []byte) bool {
	for len(b) > 0 && !m.done && !m.quit {
		n, key, r := decodeKey(b)
		b = b[n:]
		m.Press(key, r)
	}
	return m.done
}

func decodeKey(b []byte) (n int, key MenuKey, r rune) {
	switch {
	case len(b) >= 2 && b[0] == 0x1b && (b[1] == '[' || b[1] == 'O'):
		return decodeEscape(b)
	case b[0] == 0x1b:
		return 1, KeyEsc, 0
	case b[0] == 0x03:
		return 1, KeyInterrupt, 0
	case b[0] == '\r' || b[0] == '\n':
		return 1, KeyEnter, 0
	case b[0] == 0x7f || b[0] == 0x08:
		return 1, KeyBackspace, 0
	case b[0] == '\t':
		return 1, KeyTab, 0
	}
	r, n = utf8.DecodeRune(b)
	return n, KeyRune, r
}

// decodeEscape reads one CSI or SS3 sequence up to its final byte. The
// menu uses only Up and Down; other sequences become KeyNone.
func decodeEscape(b []byte) (n int, key MenuKey, r rune) {
	n = 2
	for n < len(b) && (b[n] < 0x40 || b[n] > 0x7e) {
		n++
	}
	if n == len(b) {
		return n, KeyNone, 0
	}
	switch b[n] {
	case 'A':
		return n + 1, KeyUp, 0
	case 'B':
		return n + 1, KeyDown, 0
	}
	return n + 1, KeyNone, 0
}

// Press handles one key; r is the character for KeyRune.
func (m *Menu) Press(key MenuKey, r rune) {
	if m.done || m.quit {
		return
	}
	if key == KeyInterrupt {
		m.quit = true
		return
	}
	if m.choosing {
		m.pressList(key, r)
		return
	}
	m.pressForm(key, r)
}

func (m *Menu) pressList(key MenuKey, r rune) {
	switch key {
	case KeyUp:
		m.choice = (m.choice + len(menuChoices) - 1) % len(menuChoices)
	case KeyDown, KeyTab:
		m.choice = (m.choice + 1) % len(menuChoices)
	case KeyRune:
		if i := int(r - '1'); i >= 0 && i < len(menuChoices) {
			m.choice = i
			m.open()
		}
	case KeyEnter:
		m.open()
	}
}

// open shows the form of the chosen session, or finishes when it has
// no fields.
func (m *Menu) open() {
	m.message, m.focus = "", 0
	if m.forms == nil {
		m.forms = map[int][]menuField{}
	}
	if m.forms[m.choice] == nil {
		m.forms[m.choice] = m.formFor(menuChoices[m.choice].start)
	}
	m.fields = m.forms[m.choice]
	if len(m.fields) == 0 {
		m.done = true
		return
	}
	m.choosing = false
}

func (m *Menu) formFor(start string) []menuField {
	c := m.current
	switch start {
	case "ssh":
		return []menuField{
			{key: "session.ssh.host", label: "Host", value: c.SSH.Host},
			{key: "session.ssh.user", label: "User", value: c.SSH.User},
			{key: "session.ssh.port", label: "Port", value: portText(c.SSH.Port, 22), port: true},
		}
	case "vnc":
		return []menuField{
			{key: "session.vnc.host", label: "Host", value: c.VNC.Host},
			{key: "session.vnc.port", label: "Port", value: portText(c.VNC.Port, 5900), port: true},
		}
	}
	return nil
}

func portText(p, def int) string {
	if p == 0 {
		p = def
	}
	return strconv.Itoa(p)
}

func (m *Menu) pressForm(key MenuKey, r rune) {
	f := &m.fields[m.focus]
	switch key {
	case KeyEsc:
		m.choosing, m.message = true, ""
	case KeyUp:
		m.focus = (m.focus + len(m.fields) - 1) % len(m.fields)
	case KeyDown, KeyTab:
		m.focus = (m.focus + 1) % len(m.fields)
	case KeyBackspace:
		if _, size := utf8.DecodeLastRuneInString(f.value); size > 0 {
			f.value = f.value[:len(f.value)-size]
		}
	case KeyRune:
		if unicode.IsPrint(r) && r != ' ' {
			f.value += string(r)
		}
	case KeyEnter:
		if m.focus < len(m.fields)-1 {
			m.focus++
			return
		}
		m.submit()
	}
}

// submit checks the form and finishes, or moves to the first bad field
// with a message.
func (m *Menu) submit() {
	for i, f := range m.fields {
		if msg := checkField(f); msg != "" {
			m.focus, m.message = i, msg
			return
		}
	}
	m.message, m.done = "", true
}

func checkField(f menuField) string {
	switch {
	case f.port:
		if p, err := strconv.Atoi(f.value); err != nil || p < 1 || p > 65535 {
			return fmt.Sprintf("%s must be a number from 1 to 65535", f.label)
		}
	case f.label == "Host" && f.value == "":
		return "Host is empty: type a host name or address"
	}
	return ""
}

// Lines returns the menu as text, one string per panel row. The focused
// entry is marked with ">" and the text cursor with "_".
func (m *Menu) Lines() []string {
	lines := []string{"einkterm: choose what to start", ""}
	if m.choosing {
		for i, c := range menuChoices {
			lines = append(lines, fmt.Sprintf("%s %d  %s", mark(i == m.choice), i+1, c.label))
		}
		return append(lines, "", "Up/Down and Enter, or press 1, 2 or 3. Ctrl-C quits.")
	}
	lines[0] = "einkterm: " + menuChoices[m.choice].label
	for i, f := range m.fields {
		value := f.value
		if i == m.focus {
			value += "_"
		}
		lines = append(lines, fmt.Sprintf("%s %-5s %s", mark(i == m.focus), f.label+":", value))
	}
	lines = append(lines, "", "Enter: next/save  Tab: next field  Esc: back")
	if m.message != "" {
		lines = append(lines, "", m.message)
	}
	return lines
}

// ANSI returns Lines as bytes for a terminal emulator: clear the screen,
// home the cursor, and one line per row. Writing them to the session's
// emulator draws the menu on the panel.
func (m *Menu) ANSI() []byte {
	return []byte("\x1b[H\x1b[2J" + strings.Join(m.Lines(), "\r\n"))
}

func mark(on bool) string {
	if on {
		return ">"
	}
	return " "
}

// Assignments returns the config settings of the finished choice, or
// nil before Done.
func (m *Menu) Assignments() []Assignment {
	if !m.done {
		return nil
	}
	as := []Assignment{{Key: "session.start", Value: menuChoices[m.choice].start}}
	for _, f := range m.fields {
		var v any = f.value
		if f.port {
			v, _ = strconv.Atoi(f.value)
		}
		as = append(as, Assignment{Key: f.key, Value: v})
	}
	return as
}

// SaveMenu writes the menu's choice into the config file at path
// atomically, keeping the file's other lines and comments. A missing
// file is created. Problems elsewhere in the file do not stop the save;
// a problem with a value the menu set does.
func SaveMenu(path string, m *Menu) error {
	if !m.Done() {
		return fmt.Errorf("config: the menu is not finished, nothing to save")
	}
	text, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("config: %w", err)
	}
	updated, err := SetValues(string(text), m.Assignments()...)
	if err != nil {
		return err
	}
	if !strings.HasSuffix(updated, "\n") {
		updated += "\n"
	}

	cfg, errs := Parse(path, []byte(updated))
	for _, e := range errs {
		if e.Key == "" || strings.HasPrefix(e.Key, "session.") {
			return fmt.Errorf("%w; the menu choice is not saved", e)
		}
	}
	return writeConfig(path, []byte(updated), cfg)
}
