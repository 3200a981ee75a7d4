package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Assignment sets one key of a config file to a value.
type Assignment struct {
	Key   string // dotted key, such as "session.ssh.host"
	Value any    // string, int or []string
}

// SetValues returns text with each assignment applied, keeping every
// comment and every other line as it was. A key already written in its
// table's section is replaced on its line. A missing key is added at the
// end of its table's section, and a missing table is appended.
func SetValues(text string, assignments ...Assignment) (string, error) {
	// A file edited on Windows keeps its CRLF line ends.
	if strings.Contains(text, "\r\n") {
		out, err := SetValues(strings.ReplaceAll(text, "\r\n", "\n"), assignments...)
		return strings.ReplaceAll(out, "\n", "\r\n"), err
	}
	for _, a := range assignments {
		value, err := tomlLiteral(a.Value)
		if err != nil {
			return "", fmt.Errorf("config: %s: %w", a.Key, err)
		}
		text, err = setValue(text, a.Key, value)
		if err != nil {
			return "", err
		}
	}
	return text, nil
}

func setValue(text, key, value string) (string, error) {
	table, name := parentKey(key), lastPart(key)
	lines := strings.Split(text, "\n")
	entries := scanEntries(text)

	header, last := 0, 0 // lines of the table's header and its last key
	for _, e := range entries {
		switch {
		case e.key == key && !e.table:
			// Keep the key as written (indent, dotted form) and replace
			// the value; a comment after the old value goes with it.
			written, _, _ := strings.Cut(lines[e.line-1], "=")
			lines[e.line-1] = strings.TrimRight(written, " \t") + " = " + value
			return strings.Join(lines, "\n"), nil
		case e.table && e.key == table:
			header, last = e.line, e.line
		case !e.table && parentKey(e.key) == table && (header > 0 || table == ""):
			last = e.line
		case strings.HasPrefix(e.key, key+"."):
			return "", fmt.Errorf("config: cannot set %s: it is a table in this file", key)
		}
	}
	if ln := inlineParent(entries, key); ln != 0 {
		return "", fmt.Errorf("config: cannot set %s: it is inside an inline table or dotted key at line %d; write it as %s in [%s]",
			key, ln, name, table)
	}

	line := name + " = " + value
	switch {
	case table == "" && last == 0:
		lines = append([]string{line}, lines...)
	case last > 0:
		lines = insertAt(lines, last, line)
	default:
		if n := len(lines); n > 0 && lines[n-1] == "" {
			lines = lines[:n-1]
		}
		lines = append(lines, "", "["+table+"]", line, "")
	}
	return strings.Join(lines, "\n"), nil
}

// inlineParent returns the line of a key = value that holds key inside
// an inline table or a dotted key, or 0.
func inlineParent(entries []entry, key string) int {
	for k := parentKey(key); k != ""; k = parentKey(k) {
		for _, e := range entries {
			if e.key == k && !e.table {
				return e.line
			}
		}
	}
	return 0
}

func insertAt(lines []string, after int, line string) []string {
	out := make([]string, 0, len(lines)+1)
	out = append(out, lines[:after]...)
	out = append(out, line)
	return append(out, lines[after:]...)
}

func tomlLiteral(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return quote(x), nil
	case int:
		return strconv.Itoa(x), nil
	case []string:
		quoted := make([]string, len(x))
		for i, s := range x {
			quoted[i] = quote(s)
		}
		return "[" + strings.Join(quoted, ", ") + "]", nil
	}
	return "", fmt.Errorf("unsupported value type %T", v)
}

// quote writes s as a TOML basic string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
