package vnc

import (
	"strings"
	"testing"
)

func TestAuthErrorWording(t *testing.T) {
	tests := []struct {
		reason, want string
	}{
		{"", "vnc: authentication failed: wrong password"},
		{"Authentication failure", "vnc: authentication failed: wrong password"},
		{"authentication failed", "vnc: authentication failed: wrong password"},
		{"Too many security failures", `vnc: authentication failed: the server says "Too many security failures"`},
	}
	for _, tt := range tests {
		got := (&AuthError{Reason: tt.reason}).Error()
		if got != tt.want {
			t.Errorf("AuthError{%q} = %q, want %q", tt.reason, got, tt.want)
		}
		if n := strings.Count(strings.ToLower(got), "authentication fail"); n != 1 {
			t.Errorf("AuthError{%q} = %q says authentication failed %d times", tt.reason, got, n)
		}
	}
}
