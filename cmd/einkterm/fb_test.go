package main

import (
	"net/url"
	"strings"
	"testing"
)

func TestFramebufferDisplayErrors(t *testing.T) {
	tests := []struct {
		kind, arg, query, want string
	}{
		{"fb", "fb0", "", "needs a device path"},
		{"fb", "/dev/fb0", "colour=1", `unknown option "colour"`},
		{"fb", "/nonexistent/fb9", "", "no such file"},
		{"mxcfb", "/dev/fb0", "force=maybe", "invalid --display mxcfb force"},
		{"mxcfb", "/dev/fb0", "wait=soon", "invalid --display mxcfb wait"},
		{"mxcfb", "/nonexistent/fb9", "family=kobo", "no such file"},
	}
	for _, tt := range tests {
		q, _ := url.ParseQuery(tt.query)
		_, err := displayKinds[tt.kind].open(tt.arg, q, displayOptions{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s:%s?%s: error %v, want one containing %q", tt.kind, tt.arg, tt.query, err, tt.want)
		}
	}
}

func TestFramebufferKindsRotateThemselves(t *testing.T) {
	for _, name := range []string{"fb", "mxcfb"} {
		if !displayKinds[name].rotates {
			t.Errorf("%s is wrapped with display.Rotate as well as rotating itself", name)
		}
	}
}
