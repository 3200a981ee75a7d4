package config

import (
	"fmt"
	"strings"
)

// Error is one problem found in a config file.
type Error struct {
	File string // path of the config file
	Line int    // line number, from 1; 0 when no single line is at fault
	Key  string // dotted key such as "refresh.idle_clean"; "" for syntax errors
	Err  string // what is wrong
	Fix  string // the correction, with the accepted values
	// Whole reports that the problem makes einkterm ignore the whole
	// file and use every default, such as a syntax error or a password
	// in a file that others can read.
	Whole bool
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config: ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Err)
	if e.Fix != "" {
		b.WriteString("; " + e.Fix)
	}
	return b.String()
}

// Errors lists every problem found in one file. Load returns it together
// with a usable configuration, so callers show it and carry on.
type Errors []*Error

// WholeFile returns the first problem that makes einkterm ignore the
// whole file, or nil when the file's other settings are used.
func (es Errors) WholeFile() *Error {
	for _, e := range es {
		if e.Whole {
			return e
		}
	}
	return nil
}

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}
