package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// fieldByKey returns the field of v (a Config) at the dotted TOML key.
func fieldByKey(v reflect.Value, key string) (reflect.Value, bool) {
	for _, part := range strings.Split(key, ".") {
		if v.Kind() != reflect.Struct || v.Type() == reflect.TypeOf(Duration{}) {
			return reflect.Value{}, false
		}
		found := false
		for i := range v.NumField() {
			if tomlName(v.Type().Field(i)) == part {
				v, found = v.Field(i), true
				break
			}
		}
		if !found {
			return reflect.Value{}, false
		}
	}
	return v, true
}

func tomlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	return name
}

// tableKeys returns the keys accepted in table ("" for the top level),
// with sub-tables written as [name].
func tableKeys(table string) []string {
	v := reflect.ValueOf(Default())
	if table != "" {
		var ok bool
		if v, ok = fieldByKey(v, table); !ok {
			return nil
		}
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	var keys []string
	for i := range v.NumField() {
		name := tomlName(v.Type().Field(i))
		if isTable(v.Field(i)) {
			name = "[" + joinKey(table, name) + "]"
		}
		keys = append(keys, name)
	}
	return keys
}

func isTable(v reflect.Value) bool {
	return v.Kind() == reflect.Struct && v.Type() != reflect.TypeOf(Duration{})
}

// example returns `key = value` with key's default value in TOML, or
// an example value where the default is empty.
func example(key string) (string, bool) {
	v, ok := fieldByKey(reflect.ValueOf(Default()), key)
	if !ok || isTable(v) {
		return "", false
	}
	name := lastPart(key)
	switch x := v.Interface().(type) {
	case string:
		if x == "" {
			x = emptyExamples[key]
		}
		return fmt.Sprintf("%s = %q", name, x), true
	case int:
		return fmt.Sprintf("%s = %d", name, x), true
	case float64:
		v := strconv.FormatFloat(x, 'f', -1, 64)
		if !strings.Contains(v, ".") {
			v += ".0" // a TOML float keeps its point
		}
		return fmt.Sprintf("%s = %s", name, v), true
	case Duration:
		return fmt.Sprintf("%s = %q", name, x.String()), true
	case []string:
		return name + ` = ["program", "argument"]`, true
	}
	return "", false
}

// emptyExamples are example values of the settings whose default is "".
var emptyExamples = map[string]string{
	"display":                   "it8951:pi4",
	"font.name":                 "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
	"session.ssh.host":          "build.example.org",
	"session.ssh.user":          "pi",
	"session.ssh.identity":      "/root/.ssh/id_ed25519",
	"session.vnc.host":          "desktop.example.org",
	"session.vnc.password_file": "/root/.vnc/passwd",
	"session.vnc.password":      "secret",
	"wifi.ssid":                 "home",
	"wifi.country":              "GB",
}

// nearest returns the name in names closest to s when it is at most two
// edits away, or "".
func nearest(s string, names []string) string {
	best, bestDist := "", 3
	for _, n := range names {
		n = strings.Trim(n, "[]")
		n = lastPart(n)
		if d := editDistance(s, n); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
