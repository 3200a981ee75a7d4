package server

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"net"
	"testing"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/vnc/rfb"
)

// FuzzClientMessages feeds arbitrary client-to-server messages to a
// connected client: the reader must return an error or EOF without
// panicking, and sizes a client announces must not allocate beyond the
// server's limits.
func FuzzClientMessages(f *testing.F) {
	seeds := [][]byte{
		{rfb.SetPixelFormatMsg, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0},
		{rfb.SetPixelFormatMsg, 0, 0, 0, 12, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0},
		{rfb.SetEncodingsMsg, 0, 0xff, 0xff, 0, 0, 0, 16},
		{rfb.FramebufferUpdateRequestMsg, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		{rfb.KeyEventMsg, 1, 0, 0, 0, 0, 0xff, 0x0d},
		{rfb.PointerEventMsg, 1, 0, 10, 0, 10},
		{rfb.ClientCutTextMsg, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 'a'},
		{200},
	}
	for _, s := range seeds {
		f.Add(s)
	}
	info, err := display.LookupProfile("64x48")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := New(info, Options{})
		if err != nil {
			t.Fatal(err)
		}
		server, peer := net.Pipe()
		defer server.Close()
		defer peer.Close()
		c := newClient(s, server, 1)
		c.br = bufio.NewReader(bytes.NewReader(data))
		if err := c.readLoop(); err == nil {
			t.Fatal("readLoop returned nil at the end of input")
		}
		if len(c.encodings) > maxEncodings {
			t.Errorf("kept %d encodings, limit %d", len(c.encodings), maxEncodings)
		}
		if err := c.pf.Validate(); err != nil {
			t.Errorf("client pixel format became invalid: %v", err)
		}
		if !c.requestRect.In(info.Bounds()) && !c.requestRect.Empty() {
			t.Errorf("request %v outside the frame", c.requestRect)
		}
	})
}

func TestCutTextLimit(t *testing.T) {
	info, _ := display.LookupProfile("64x48")
	s, err := New(info, Options{})
	if err != nil {
		t.Fatal(err)
	}
	server, peer := net.Pipe()
	defer server.Close()
	defer peer.Close()
	c := newClient(s, server, 1)
	s.primary = c
	msg := []byte{rfb.ClientCutTextMsg, 0, 0, 0}
	msg = binary.BigEndian.AppendUint32(msg, maxCutText+10)
	msg = append(msg, bytes.Repeat([]byte{'x'}, maxCutText+10)...)
	c.br = bufio.NewReader(bytes.NewReader(msg))
	c.readLoop()
	select {
	case got := <-s.Input():
		if len(got) != maxCutText {
			t.Errorf("pasted %d bytes, want the first %d", len(got), maxCutText)
		}
	default:
		t.Fatal("cut text did not reach the session")
	}
}
