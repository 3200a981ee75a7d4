package main

import (
	"encoding/binary"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/einkterm/einkterm/vnc/rfb"
)

// brokenRFBServer accepts RFB clients on 127.0.0.1, completes each
// handshake and then sends a rectangle outside its 320x200 framebuffer,
// as a server with a bug does. It returns the address and a count of
// the connections it took.
func brokenRFBServer(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var count atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			count.Add(1)
			go serveBrokenRFB(c)
		}
	}()
	return l.Addr().String(), &count
}

func serveBrokenRFB(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, rfb.ProtocolVersion3_8)
	var version [12]byte
	if _, err := io.ReadFull(c, version[:]); err != nil {
		return
	}
	c.Write([]byte{1, rfb.SecurityNone})
	var b [1]byte
	if _, err := io.ReadFull(c, b[:]); err != nil {
		return
	}
	binary.Write(c, binary.BigEndian, uint32(0))    // SecurityResult: OK
	if _, err := io.ReadFull(c, b[:]); err != nil { // ClientInit
		return
	}
	si := rfb.ServerInit{Width: 320, Height: 200, Format: rfb.PixelFormat32, Name: "broken"}
	c.Write(si.Marshal())
	// FramebufferUpdate with one Raw rectangle of 100x100 at (300,190).
	update := []byte{0, 0, 0, 1}
	for _, v := range []uint16{300, 190, 100, 100} {
		update = binary.BigEndian.AppendUint16(update, v)
	}
	update = binary.BigEndian.AppendUint32(update, 0)
	c.Write(update)
	io.Copy(io.Discard, c)
}

// TestVNCReconnectGivesUpOnBrokenServer points einkterm vnc with
// --reconnect at a server that accepts every connection and breaks the
// protocol at once. Each connection comes up, so without care each loss
// would start the reconnect time again. einkterm must stop after about
// the --reconnect time and name the problem.
func TestVNCReconnectGivesUpOnBrokenServer(t *testing.T) {
	addr, count := brokenRFBServer(t)
	_, port, _ := net.SplitHostPort(addr)
	start := time.Now()
	code, stderr := runVNCCommand(t, 30*time.Second, nil, "--display", "record:"+t.TempDir(),
		"--panel", testPanel, "--reconnect", "3s", "127.0.0.1::"+port)
	took := time.Since(start)
	if code == 0 {
		t.Errorf("exit status 0; stderr:\n%s", stderr)
	}
	if took > 15*time.Second {
		t.Errorf("einkterm kept reconnecting for %v with --reconnect 3s (%d connections)", took, count.Load())
	}
	if !strings.Contains(stderr, "outside the 320x200 framebuffer") {
		t.Errorf("stderr does not name the broken rectangle:\n%s", stderr)
	}
	if n := count.Load(); n < 2 {
		t.Errorf("%d connections: einkterm did not try to reconnect", n)
	}
}
