package vnc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	govnc "github.com/mitchellh/go-vnc"

	"github.com/einkterm/einkterm/vnc/rfb"
)

// ErrPasswordRequired is returned when the server requires VNC
// authentication and Options.Password is nil.
var ErrPasswordRequired = errors.New("vnc: the server requires a password: give a password file, set EINKTERM_VNC_PASSWORD, or run on a terminal to be asked")

// AuthError is returned when the server rejects the password or the
// security handshake.
type AuthError struct {
	Reason string // the server's reason, when it sent one
}

func (e *AuthError) Error() string {
	reason := strings.TrimSpace(e.Reason)
	// TigerVNC and x11vnc send "Authentication failure" or "authentication
	// failed", which would only repeat the message.
	if reason == "" || strings.HasPrefix(strings.ToLower(reason), "authentication fail") {
		return "vnc: authentication failed: wrong password"
	}
	return "vnc: authentication failed: the server says " + strconv.Quote(reason)
}

// handshake runs the RFB handshake up to ServerInit on c (RFC 6143, 7.1
// to 7.3) and returns the server's ServerInit.
func handshake(c *conn, opts *Options) (rfb.ServerInit, error) {
	var vb [12]byte
	if _, err := io.ReadFull(c, vb[:]); err != nil {
		return rfb.ServerInit{}, fmt.Errorf("vnc: reading the server's protocol version: %w", err)
	}
	major, minor, err := rfb.ParseVersion(vb[:])
	if err != nil {
		return rfb.ServerInit{}, err
	}
	if major != 3 {
		return rfb.ServerInit{}, fmt.Errorf("vnc: server speaks RFB %d.%d: only version 3 is supported", major, minor)
	}
	// Versions 3.4 to 3.6 are vendor variants of 3.3; 3.889 (Apple) is
	// 3.8 with extra security types.
	switch {
	case minor >= 8:
		minor = 8
	case minor < 7:
		minor = 3
	}
	if _, err := fmt.Fprintf(c, "RFB 003.%03d\n", minor); err != nil {
		return rfb.ServerInit{}, fmt.Errorf("vnc: sending protocol version: %w", err)
	}
	opts.logger().Debug("vnc: protocol agreed", "version", fmt.Sprintf("3.%d", minor))

	sec, err := chooseSecurity(c, minor)
	if err != nil {
		return rfb.ServerInit{}, err
	}
	if err := authenticate(c, opts, sec, minor); err != nil {
		return rfb.ServerInit{}, err
	}

	shared := byte(1)
	if opts.Exclusive {
		shared = 0
	}
	if _, err := c.Write([]byte{shared}); err != nil {
		return rfb.ServerInit{}, fmt.Errorf("vnc: sending ClientInit: %w", err)
	}
	si, err := rfb.ReadServerInit(c)
	if err != nil {
		return si, err
	}
	if err := checkSize(int(si.Width), int(si.Height), opts.maxPixels()); err != nil {
		return si, err
	}
	return si, nil
}

// chooseSecurity reads the security types the server offers and picks
// None, else VNC authentication.
func chooseSecurity(c *conn, minor int) (uint8, error) {
	if minor == 3 {
		var b [4]byte
		if _, err := io.ReadFull(c, b[:]); err != nil {
			return 0, fmt.Errorf("vnc: reading security type: %w", err)
		}
		t := binary.BigEndian.Uint32(b[:])
		switch t {
		case rfb.SecurityInvalid:
			reason, err := rfb.ReadReason(c)
			if err != nil {
				return 0, err
			}
			return 0, fmt.Errorf("vnc: server refused the connection: %q", reason)
		case rfb.SecurityNone, rfb.SecurityVNCAuth:
			return uint8(t), nil
		}
		return 0, fmt.Errorf("vnc: server requires security type %d: only None and VNC authentication are supported", t)
	}

	var nb [1]byte
	if _, err := io.ReadFull(c, nb[:]); err != nil {
		return 0, fmt.Errorf("vnc: reading security types: %w", err)
	}
	if nb[0] == 0 {
		reason, err := rfb.ReadReason(c)
		if err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("vnc: server refused the connection: %q", reason)
	}
	types := make([]byte, nb[0])
	if _, err := io.ReadFull(c, types); err != nil {
		return 0, fmt.Errorf("vnc: reading security types: %w", err)
	}
	chosen := byte(0)
	for _, want := range []byte{rfb.SecurityNone, rfb.SecurityVNCAuth} {
		for _, t := range types {
			if t == want && chosen == 0 {
				chosen = t
			}
		}
	}
	if chosen == 0 {
		return 0, fmt.Errorf("vnc: server offers security types %s but this viewer has only None (1) and VNC authentication (2): "+
			"start the server with -SecurityTypes VncAuth or None and tunnel it with --via", securityNames(types))
	}
	if _, err := c.Write([]byte{chosen}); err != nil {
		return 0, fmt.Errorf("vnc: sending security type: %w", err)
	}
	return chosen, nil
}

func securityNames(types []byte) string {
	names := map[byte]string{1: "None", 2: "VNC authentication", 5: "RA2", 6: "RA2ne",
		16: "Tight", 18: "TLS", 19: "VeNCrypt", 30: "Apple DH"}
	var s []string
	for _, t := range types {
		if n, ok := names[t]; ok {
			s = append(s, fmt.Sprintf("%s (%d)", n, t))
		} else {
			s = append(s, fmt.Sprint(t))
		}
	}
	return strings.Join(s, ", ")
}

// authenticate runs the chosen security type and reads the
// SecurityResult, which RFB 3.8 always sends and older versions send
// only after VNC authentication.
func authenticate(c *conn, opts *Options, sec uint8, minor int) error {
	if sec == rfb.SecurityVNCAuth {
		if opts.Password == nil {
			return ErrPasswordRequired
		}
		pw, err := opts.Password()
		if err != nil {
			return fmt.Errorf("vnc: getting the password: %w", err)
		}
		if len(pw) > 8 {
			opts.logger().Warn("vnc: VNC authentication uses only the first 8 bytes of the password")
		}
		auth := &govnc.PasswordAuth{Password: string(pw)}
		if err := auth.Handshake(c); err != nil {
			return fmt.Errorf("vnc: VNC authentication: %w", err)
		}
	}
	if sec == rfb.SecurityNone && minor < 8 {
		return nil
	}
	var b [4]byte
	if _, err := io.ReadFull(c, b[:]); err != nil {
		return fmt.Errorf("vnc: reading security result: %w", err)
	}
	if binary.BigEndian.Uint32(b[:]) == 0 {
		return nil
	}
	if minor < 8 {
		return &AuthError{}
	}
	reason, err := rfb.ReadReason(c)
	if err != nil {
		return err
	}
	return &AuthError{Reason: reason}
}

func checkSize(w, h, maxPixels int) error {
	if w == 0 || h == 0 {
		return fmt.Errorf("vnc: server framebuffer is %dx%d: nothing to show", w, h)
	}
	// In 64 bits, since 65535*65535 overflows a 32-bit int.
	if int64(w)*int64(h) > int64(maxPixels) {
		return fmt.Errorf("vnc: server framebuffer %dx%d exceeds the limit of %d pixels: lower the server's geometry",
			w, h, maxPixels)
	}
	return nil
}

// replayScript returns the server side of an RFB 3.8 handshake with
// security None that ends in si, for go-vnc to read.
func replayScript(si rfb.ServerInit) []byte {
	b := []byte(rfb.ProtocolVersion3_8)
	b = append(b, 1, rfb.SecurityNone) // one security type: None
	b = append(b, 0, 0, 0, 0)          // SecurityResult OK
	return append(b, si.Marshal()...)
}
