package server

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/einkterm/einkterm/vnc/rfb"
)

// handshake runs the protocol version, security and init phases (RFC
// 6143, 7.1-7.3) and returns the minor version agreed.
func (c *client) handshake() error {
	if _, err := io.WriteString(c.conn, rfb.ProtocolVersion3_8); err != nil {
		return err
	}
	var v [12]byte
	if _, err := io.ReadFull(c.br, v[:]); err != nil {
		return fmt.Errorf("reading client version: %w", err)
	}
	major, minor, err := rfb.ParseVersion(v[:])
	if err != nil {
		return err
	}
	if major != 3 {
		return fmt.Errorf("client speaks RFB %d.%d; only 3.x is served", major, minor)
	}
	// RFC 6143, 7.1.1: other 3.x minors are treated as 3.3, and 3.889
	// (Apple's) and later as 3.8.
	switch {
	case minor >= 8:
		c.minor = 8
	case minor == 7:
		c.minor = 7
	default:
		c.minor = 3
	}
	if err := c.security(); err != nil {
		return err
	}
	var shared [1]byte
	if _, err := io.ReadFull(c.br, shared[:]); err != nil {
		return fmt.Errorf("reading ClientInit: %w", err)
	}
	info := c.s.info
	init := rfb.ServerInit{
		Width:  uint16(info.Width),
		Height: uint16(info.Height),
		Format: c.pf,
		Name:   c.s.opts.Name,
	}
	_, err = c.conn.Write(init.Marshal())
	return err
}

func (c *client) security() error {
	want := byte(rfb.SecurityNone)
	if c.s.opts.Password != nil {
		want = rfb.SecurityVNCAuth
	}
	if c.minor == 3 {
		// RFB 3.3: the server picks the type.
		if err := binary.Write(c.conn, binary.BigEndian, uint32(want)); err != nil {
			return err
		}
	} else {
		if _, err := c.conn.Write([]byte{1, want}); err != nil {
			return err
		}
		var chosen [1]byte
		if _, err := io.ReadFull(c.br, chosen[:]); err != nil {
			return fmt.Errorf("reading security type: %w", err)
		}
		if chosen[0] != want {
			c.fail(fmt.Sprintf("security type %d was not offered", chosen[0]))
			return fmt.Errorf("client chose security type %d, offered %d", chosen[0], want)
		}
	}
	if want == rfb.SecurityNone {
		if c.minor == 8 {
			return binary.Write(c.conn, binary.BigEndian, uint32(0))
		}
		return nil
	}
	return c.vncAuth()
}

// errAuthFailed is returned when a client gives a wrong password.
var errAuthFailed = errors.New("authentication failed: wrong password")

func (c *client) vncAuth() error {
	var challenge [16]byte
	if _, err := rand.Read(challenge[:]); err != nil {
		return err
	}
	if _, err := c.conn.Write(challenge[:]); err != nil {
		return err
	}
	var response [16]byte
	if _, err := io.ReadFull(c.br, response[:]); err != nil {
		return fmt.Errorf("reading VNC auth response: %w", err)
	}
	want := rfb.VNCAuthResponse(c.s.opts.Password, challenge)
	if subtle.ConstantTimeCompare(want[:], response[:]) != 1 {
		// Each failure in a row makes the next answer slower, so
		// guessing the 8-byte password over the network is slow.
		delay := c.s.authFailed()
		c.s.log.Warn("VNC authentication failed", "client", c.id,
			"addr", c.conn.RemoteAddr().String(), "delay", delay)
		time.Sleep(delay)
		c.fail("authentication failed")
		return errAuthFailed
	}
	c.s.authSucceeded()
	return binary.Write(c.conn, binary.BigEndian, uint32(0))
}

// fail sends a failed SecurityResult, with a reason from RFB 3.8 on.
func (c *client) fail(reason string) {
	b := binary.BigEndian.AppendUint32(nil, 1)
	if c.minor >= 8 {
		b = binary.BigEndian.AppendUint32(b, uint32(len(reason)))
		b = append(b, reason...)
	}
	c.conn.Write(b)
}

// newReader returns the buffered reader of a connection.
func newReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 16<<10) }
