package vnc

import (
	"encoding/binary"
	"net"
	"strings"
	"testing"

	"github.com/einkterm/einkterm/vnc/rfb"
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

// TestRefusalReasonEscaped reads a refusal whose reason holds terminal
// control sequences, as a hostile server or a man in the middle of the
// unencrypted connection could send: the error quotes them, so printing
// it cannot retitle or recolour the user's terminal.
func TestRefusalReasonEscaped(t *testing.T) {
	for _, minor := range []int{3, 8} {
		client, server := net.Pipe()
		reason := "bad\x1b]2;PWNED\a\x1b[31mRED\r\nfake: line"
		go func() {
			defer server.Close()
			var msg []byte
			if minor == 3 {
				msg = binary.BigEndian.AppendUint32(msg, uint32(rfb.SecurityInvalid))
			} else {
				msg = append(msg, 0)
			}
			msg = binary.BigEndian.AppendUint32(msg, uint32(len(reason)))
			server.Write(append(msg, reason...))
		}()
		_, err := chooseSecurity(newConn(client), minor)
		client.Close()
		if err == nil {
			t.Fatalf("RFB 3.%d: the refusal was accepted", minor)
		}
		if strings.ContainsAny(err.Error(), "\x1b\a\r\n") {
			t.Errorf("RFB 3.%d: error %q carries control characters", minor, err)
		}
		if !strings.Contains(err.Error(), `\x1b]2;PWNED`) {
			t.Errorf("RFB 3.%d: error %q does not show the reason escaped", minor, err)
		}
	}
}
