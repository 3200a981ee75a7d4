package config

import (
	"fmt"
	"strings"
)

// MaxFileSize is the largest config file einkterm reads. The example
// file is under 4 KB; a larger file is a mistake or an attack, such as
// one put on the FAT boot partition that any computer can write.
const MaxFileSize = 256 << 10

// maxNesting is the deepest nesting of arrays, inline tables and
// dotted key parts that a config file may have. The settings nest three
// levels at most ([session.vnc] password). The TOML decoder
// (BurntSushi/toml v1.6.0) takes time and memory that grow with the
// square of the depth. 4000 nested inline tables in a 24 KB file took
// about 1 GB, and a key of 8000 dotted parts in 16 KB took 1.3 GB.
const maxNesting = 16

// checkLimits returns a problem that makes the whole file unusable when
// data is larger than MaxFileSize or nests deeper than maxNesting, and
// nil otherwise. It runs before the decoder, which would otherwise do
// the expensive work.
func checkLimits(file string, data []byte) *Error {
	if len(data) > MaxFileSize {
		return sizeError(file, int64(len(data)))
	}
	if line, depth := nesting(string(data)); depth > maxNesting {
		return &Error{File: file, Line: line, Err: fmt.Sprintf("arrays and inline tables nest %d deep, over the limit of %d", depth, maxNesting),
			Fix: "write the setting as einkterm config example shows it", Whole: true}
	}
	if line, parts := dottedParts(string(data)); parts > maxNesting {
		return &Error{File: file, Line: line, Err: fmt.Sprintf("a key has %d dotted parts, over the limit of %d", parts, maxNesting),
			Fix: "write the setting as einkterm config example shows it", Whole: true}
	}
	return nil
}

// dottedParts returns the largest number of parts in a dotted key or
// table header of the TOML text, and its line. A dot counts where a key
// can be: in a table header, and before the first = of a line outside
// arrays and inline tables. Dots in values, strings and comments do not
// count.
func dottedParts(text string) (line, maxParts int) {
	n, parts, depth := 1, 1, 0
	inKey, header, lineStart := true, false, true
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch c {
		case '\n':
			n++
			parts, inKey, header, lineStart = 1, true, false, true
			continue
		case ' ', '\t', '\r':
			continue
		case '#':
			for i+1 < len(text) && text[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			i = skipString(text, i, &n)
		case '=':
			inKey = false
		case '[', '{':
			header = header || (c == '[' && lineStart && depth == 0)
			depth++
		case ']', '}':
			depth = max(depth-1, 0)
		case '.':
			if header || (inKey && depth == 0) {
				parts++
				if parts > maxParts {
					maxParts, line = parts, n
				}
			}
		}
		lineStart = false
	}
	return line, max(maxParts, 1)
}

// sizeError is the problem of a config file of size bytes, over
// MaxFileSize.
func sizeError(file string, size int64) *Error {
	return &Error{File: file, Err: fmt.Sprintf("the file is %d bytes, over the limit of %d", size, MaxFileSize),
		Fix: "check that this is the einkterm config file; einkterm config example prints one", Whole: true}
}

// nesting returns the deepest nesting of [ and { in the TOML text, and
// the line where it is first reached. Brackets inside strings and
// comments do not count. A table header such as [session.shell] counts
// as one level on its own line.
func nesting(text string) (line, maxDepth int) {
	depth, n := 0, 1
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '\n':
			n++
		case '#':
			for i+1 < len(text) && text[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			i = skipString(text, i, &n)
		case '[', '{':
			depth++
			if depth > maxDepth {
				maxDepth, line = depth, n
			}
		case ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return line, maxDepth
}

// skipString returns the index of the last byte of the string that
// starts at text[i], counting its line breaks in n. It handles basic
// and literal strings, single-line and multi-line. An unclosed string
// runs to the end, where the decoder reports it.
func skipString(text string, i int, n *int) int {
	quote := text[i]
	delim := string(quote)
	if strings.HasPrefix(text[i:], strings.Repeat(delim, 3)) {
		delim = strings.Repeat(delim, 3)
	}
	for j := i + len(delim); j < len(text); j++ {
		switch {
		case text[j] == '\n':
			*n++
		case text[j] == '\\' && quote == '"':
			j++
			if j < len(text) && text[j] == '\n' {
				*n++
			}
		case strings.HasPrefix(text[j:], delim):
			return j + len(delim) - 1
		}
	}
	return len(text) - 1
}
