package config

import (
	"strings"
)

// entry is one key assignment or table header of a TOML document.
type entry struct {
	key   string // full dotted key, with quotes removed
	line  int    // 1-based line number
	table bool   // a [table] header rather than key = value
}

// scanEntries finds the line of every table header and key in a TOML
// document, which the toml package does not export. It handles headers,
// dotted and quoted keys, comments and multi-line strings. Keys inside
// inline tables and arrays of tables get the line of their parent key.
func scanEntries(text string) []entry {
	var (
		out   []entry
		table string
		delim string // closing delimiter of an open multi-line string
	)
	for i, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if delim != "" {
			if strings.Count(line, delim)%2 == 1 {
				delim = ""
			}
			continue
		}
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '[' {
			table = headerName(line)
			out = append(out, entry{key: table, line: i + 1, table: true})
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		out = append(out, entry{key: joinKey(table, normalizeKey(name)), line: i + 1})
		delim = openMultiline(value)
	}
	return out
}

// headerName returns "a.b" for "[a.b]", "[[a.b]]" and "[ a . "b" ] # x".
func headerName(line string) string {
	line = strings.TrimLeft(line, "[")
	if end := strings.Index(line, "]"); end >= 0 {
		line = line[:end]
	}
	return normalizeKey(line)
}

// normalizeKey removes spaces around dots and quotes around parts.
func normalizeKey(k string) string {
	parts := strings.Split(k, ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}

func joinKey(table, key string) string {
	if table == "" {
		return key
	}
	return table + "." + key
}

// openMultiline returns the delimiter of a multi-line string that value
// opens and does not close on the same line, or "".
func openMultiline(value string) string {
	for _, d := range []string{`"""`, `'''`} {
		if strings.Count(value, d)%2 == 1 {
			return d
		}
	}
	return ""
}

// lineOf returns the line that sets key, or of its nearest parent key or
// table when key itself is not written out (inline tables), or 0.
func lineOf(entries []entry, key string) int {
	for k := key; k != ""; k = parentKey(k) {
		for _, e := range entries {
			if e.key == k {
				return e.line
			}
		}
	}
	return 0
}

func parentKey(k string) string {
	i := strings.LastIndex(k, ".")
	if i < 0 {
		return ""
	}
	return k[:i]
}
