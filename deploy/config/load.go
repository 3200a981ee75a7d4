package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// maxBadValues bounds the number of wrong-typed values that Parse skips
// one by one before it gives up and returns the defaults.
const maxBadValues = 32

// Load reads the config file at path. It always returns a usable
// configuration: the file's settings where they are valid and the
// defaults elsewhere. The error is nil, a read error (the defaults are
// returned), or Errors listing every problem with file, line and fix.
// Besides the checks of Parse, Load reports a font, identity, password
// file or shell program that is missing on this machine, and uses the
// default of that setting.
//
// A file that holds a password and is readable by group or others is
// ignored whole, as OpenSSH rejects such private keys: the defaults are
// returned, with that problem first and every other problem after it.
func Load(path string) (Config, error) {
	// Opening a named pipe would wait for a writer, so the kind of file
	// is checked first.
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return Default(), fmt.Errorf("config: %s is %s, not a regular file: name the config file", path, FileKind(st.Mode()))
	}
	f, err := os.Open(path)
	if err != nil {
		return Default(), fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	// The mode comes from the open file, so it is the mode of the bytes
	// read even if the file is replaced meanwhile.
	info, err := f.Stat()
	if err != nil {
		return Default(), fmt.Errorf("config: %w", err)
	}
	if info.Size() > MaxFileSize {
		return Default(), Errors{sizeError(path, info.Size())}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return Default(), fmt.Errorf("config: reading %s: %w", path, err)
	}

	cfg, errs := Parse(path, data)
	if errs.WholeFile() == nil {
		errs = append(errs, checkFiles(path, &cfg, scanEntries(string(data)))...)
		sortByLine(errs)
	}
	if e := checkSecret(path, info.Mode().Perm(), data); e != nil {
		return Default(), append(Errors{e}, errs...)
	}
	if len(errs) > 0 {
		return cfg, errs
	}
	return cfg, nil
}

// LoadFound locates the config file as l.Locate does and loads it. When
// no file exists it returns the defaults, the place where a saved file
// would go, and no error.
func LoadFound(l Locator, flagPath string) (Config, Place, error) {
	place, err := l.Locate(flagPath)
	if err != nil {
		return Default(), place, err
	}
	if !place.Found {
		return Default(), place, nil
	}
	cfg, err := Load(place.Path)
	return cfg, place, err
}

// Parse decodes data, the contents of the config file named file, and
// returns the valid settings over the defaults with every problem found.
func Parse(file string, data []byte) (Config, Errors) {
	if e := checkLimits(file, data); e != nil {
		return Default(), Errors{e}
	}
	text := string(data)
	entries := scanEntries(text)

	var raw map[string]any
	if _, err := toml.Decode(text, &raw); err != nil {
		return Default(), Errors{syntaxError(file, err)}
	}

	var errs Errors
	for range maxBadValues {
		cfg := Default()
		md, err := toml.Decode(text, &cfg)
		if err == nil {
			errs = append(errs, undecodedErrors(file, md, entries)...)
			errs = append(errs, validate(file, &cfg, entries)...)
			sortByLine(errs)
			return cfg, errs
		}

		e := valueError(file, err, entries)
		errs = append(errs, e)
		if e.Line == 0 {
			e.Whole = true
			sortByLine(errs)
			return Default(), errs
		}
		// Blank the bad line, or the whole section when a table was
		// given for a value, and decode again, so the other settings
		// still apply.
		text = blankLines(text, e.Line, sectionEnd(entries, e.Line))
		if _, err := toml.Decode(text, &raw); err != nil {
			e.Whole = true
			sortByLine(errs)
			return Default(), errs
		}
	}
	errs[len(errs)-1].Whole = true
	sortByLine(errs)
	return Default(), errs
}

// sortByLine orders problems as they appear in the file; the toml
// package reports wrong types in map order.
func sortByLine(errs Errors) {
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
}

func syntaxError(file string, err error) *Error {
	e := &Error{File: file, Err: err.Error(), Fix: "check the quotes, brackets and = on that line", Whole: true}
	var pe toml.ParseError
	if errors.As(err, &pe) {
		e.Line = pe.Position.Line
		e.Err = "invalid TOML: " + pe.Message
		if u := strings.TrimSpace(pe.Usage); u != "" {
			e.Fix = firstLine(u)
		}
	}
	return e
}

var lastKeyRE = regexp.MustCompile(`\(last key ("(?:[^"\\]|\\.)*")\): (.*)$`)

// valueError turns a decoding error into an Error. The toml package
// reports a value of the wrong type as a plain error that names the
// line and the key in its text, and a value that a type rejected as a
// ParseError.
func valueError(file string, err error, entries []entry) *Error {
	e := &Error{File: file, Err: err.Error()}
	var pe toml.ParseError
	if errors.As(err, &pe) {
		e.Key, e.Err = pe.LastKey, pe.Message
	} else if m := lastKeyRE.FindStringSubmatch(err.Error()); m != nil {
		if k, uerr := strconv.Unquote(m[1]); uerr == nil {
			e.Key, e.Err = k, wrongType(m[2])
		}
	}
	if e.Key == "" {
		return e
	}
	e.Key = normalizeKey(e.Key)
	e.Line = lineOf(entries, e.Key)
	if ex, ok := example(e.Key); ok {
		e.Fix = "write it as in " + ex
	}
	return e
}

var typesRE = regexp.MustCompile(`TOML value has type (\S+); destination has type (.+)$`)

// tomlTypeNames turns the toml package's Go type names into TOML's.
var tomlTypeNames = strings.NewReplacer("map[string]any", "table", "[]any", "array")

// wrongType rewords the toml package's type mismatch message.
func wrongType(msg string) string {
	if m := typesRE.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("wrong type: %s where %s is expected",
			article(tomlTypeNames.Replace(m[1])), article(tomlTypeNames.Replace(m[2])))
	}
	return "wrong type: " + msg
}

func article(noun string) string {
	if strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

func undecodedErrors(file string, md toml.MetaData, entries []entry) Errors {
	unknown := map[string]bool{}
	for _, k := range md.Undecoded() {
		unknown[strings.Join(k, ".")] = true
	}
	var errs Errors
	for _, k := range md.Undecoded() {
		key := strings.Join(k, ".")
		if unknown[parentKey(key)] {
			continue // reported with its table
		}
		errs = append(errs, &Error{
			File: file,
			Line: lineOf(entries, key),
			Key:  key,
			Err:  "unknown key",
			Fix:  acceptedKeysFix(key),
		})
	}
	return errs
}

func acceptedKeysFix(key string) string {
	table := parentKey(key)
	names := tableKeys(table)
	fix := "accepted keys at top level: "
	if table != "" {
		fix = "accepted keys in [" + table + "]: "
	}
	fix += strings.Join(names, ", ")
	if near := nearest(lastPart(key), names); near != "" {
		fix = "did you mean " + near + "? " + fix
	}
	return fix
}

func lastPart(k string) string {
	return k[strings.LastIndex(k, ".")+1:]
}

// blankLines empties lines first to last, counted from 1.
func blankLines(text string, first, last int) string {
	lines := strings.Split(text, "\n")
	for i := first; i <= last && i <= len(lines); i++ {
		if i >= 1 {
			lines[i-1] = ""
		}
	}
	return strings.Join(lines, "\n")
}

// sectionEnd returns the last line of the table whose header is on
// line, or line itself when it holds no header.
func sectionEnd(entries []entry, line int) int {
	header := false
	for _, e := range entries {
		switch {
		case e.line == line && e.table:
			header = true
		case header && e.table && e.line > line:
			return e.line - 1
		}
	}
	if header {
		return int(^uint(0) >> 1)
	}
	return line
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.TrimSpace(s)
}

// checkSecret returns a problem when data, the file at path with mode
// perm, sets session.vnc.password and group or others can read it. It
// looks at the file as written, so a password that validation dropped
// still counts.
func checkSecret(path string, perm os.FileMode, data []byte) *Error {
	if perm&0o077 == 0 || !holdsPassword(data) {
		return nil
	}
	const key = "session.vnc.password"
	return &Error{
		File: path,
		Line: lineOf(scanEntries(string(data)), key),
		Key:  key,
		Err: fmt.Sprintf("file mode %04o lets group or others read the password, "+
			"so einkterm ignores the whole file until it is private", perm),
		Fix: "run chmod 600 " + path + ", or remove the password and name a " +
			"mode 600 file in session.vnc.password_file",
		Whole: true,
	}
}

// holdsPassword reports whether data sets session.vnc.password to a
// non-empty string.
func holdsPassword(data []byte) bool {
	var raw struct {
		Session struct {
			VNC struct {
				Password any `toml:"password"`
			} `toml:"vnc"`
		} `toml:"session"`
	}
	// A file over the limits is not decoded, since that alone could
	// exhaust memory.
	if checkLimits("", data) != nil || decodeFails(data, &raw) {
		// A file that does not decode is ignored whole anyway, but a
		// password written in it is still exposed.
		return slices.ContainsFunc(scanEntries(string(data)), func(e entry) bool {
			return e.key == "session.vnc.password" && !e.table
		})
	}
	s, ok := raw.Session.VNC.Password.(string)
	return ok && s != ""
}

func decodeFails(data []byte, v any) bool {
	_, err := toml.Decode(string(data), v)
	return err != nil
}
