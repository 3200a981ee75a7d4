package config

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestParseRejectsDeepNesting gives nesting that the TOML decoder would
// take a gigabyte over: the file is rejected whole, at once, with the
// line and the depth.
func TestParseRejectsDeepNesting(t *testing.T) {
	const depth = 4000
	text := "refresh = {" + strings.Repeat("a = {", depth) + strings.Repeat("}", depth) + "}\n"
	cfg, errs := Parse("deep.toml", []byte(text))
	if len(errs) != 1 {
		t.Fatalf("problems %v, want one", errs)
	}
	e := errs[0]
	if !e.Whole || e.Line != 1 || !strings.Contains(e.Err, "nest 4001 deep, over the limit of 16") {
		t.Errorf("problem %+v, want the whole file rejected at line 1 for its depth", e)
	}
	if cfg.Display != Default().Display {
		t.Errorf("display %q, want the default", cfg.Display)
	}
}

// TestParseRejectsLargeFile gives a file over MaxFileSize.
func TestParseRejectsLargeFile(t *testing.T) {
	text := "# " + strings.Repeat("x", MaxFileSize) + "\n"
	_, errs := Parse("large.toml", []byte(text))
	if len(errs) != 1 || !errs[0].Whole || !strings.Contains(errs[0].Err, "over the limit of 262144") {
		t.Errorf("problems %v, want the file rejected for its size", errs)
	}
}

// TestNestingSkipsStringsAndComments counts brackets only where TOML
// reads them as arrays, tables and inline tables.
func TestNestingSkipsStringsAndComments(t *testing.T) {
	tests := []struct {
		text  string
		line  int
		depth int
	}{
		{"[session.shell]\ncommand = [\"/bin/sh\", \"-c\", \"echo [[[{{{\"]\n", 1, 1},
		{"# [[[[[[\nx = 'a[[[[['\ny = \"\"\"\n[[[[\n\"\"\"\n", 0, 0},
		{"x = [[1], [2, [3]]]\n", 1, 3},
		{"a = \"esc \\\" [\"\nb = [{c = [1]}]\n", 2, 3},
	}
	for _, tt := range tests {
		line, depth := nesting(tt.text)
		if line != tt.line || depth != tt.depth {
			t.Errorf("nesting(%q) = line %d depth %d, want line %d depth %d", tt.text, line, depth, tt.line, tt.depth)
		}
	}
}

// TestLoadRejectsNamedPipe names a named pipe as the config file:
// opening it would wait for a writer forever, so Load fails at once.
func TestLoadRejectsNamedPipe(t *testing.T) {
	pipe := filepath.Join(t.TempDir(), FileName)
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(pipe)
	if err == nil || !strings.Contains(err.Error(), "is a named pipe, not a regular file") {
		t.Errorf("error %v, want one naming the named pipe", err)
	}
	if _, statErr := os.Lstat(pipe); statErr != nil {
		t.Error(statErr)
	}
}

// TestParseRejectsLongDottedKey gives a key of 8000 dotted parts, which
// the TOML decoder would take 1.3 GB over, and a table header of as
// many: each file is rejected whole at once.
func TestParseRejectsLongDottedKey(t *testing.T) {
	key := strings.Repeat("a.", 7999) + "a"
	for _, text := range []string{key + " = 1\n", "[" + key + "]\n"} {
		_, errs := Parse("dotted.toml", []byte(text))
		if len(errs) != 1 || !errs[0].Whole || errs[0].Line != 1 || !strings.Contains(errs[0].Err, "8000 dotted parts") {
			t.Errorf("%.20q...: problems %v, want the file rejected for its key", text, errs)
		}
	}
}

// TestDottedPartsSkipsValues counts dots only in keys: not in numbers,
// strings or comments after the =.
func TestDottedPartsSkipsValues(t *testing.T) {
	text := "a.b.c = 1.5\n\"x.y.z\" = \"1.2.3.4\" # a.b.c.d.e\n[session.vnc]\nq = [1.5, 2.5, 3.5,\n  4.5, 5.5, 6.5]\n"
	line, parts := dottedParts(text)
	if parts != 3 || line != 1 {
		t.Errorf("dottedParts = line %d, %d parts; want line 1, 3 parts", line, parts)
	}
}
