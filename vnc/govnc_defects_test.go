package vnc

// These tests run go-vnc's own code, unwrapped, to show each defect that
// this package works around. If one starts failing, go-vnc changed and
// the workaround may be unneeded.

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	govnc "github.com/mitchellh/go-vnc"

	"github.com/einkterm/einkterm/vnc/rfb"
)

// govncClient connects go-vnc directly to a scripted server on a pipe
// and returns the client and the server's end after the handshake.
func govncClient(t *testing.T, ch chan govnc.ServerMessage) (*govnc.ClientConn, net.Conn) {
	t.Helper()
	cli, srv := net.Pipe()
	t.Cleanup(func() { cli.Close(); srv.Close() })
	si := rfb.ServerInit{Width: 8, Height: 8, Format: rfb.PixelFormat32, Name: "d"}
	go func() {
		srv.Write(replayScript(si)[:12])
		io.ReadFull(srv, make([]byte, 12))
		srv.Write([]byte{1, rfb.SecurityNone})
		io.ReadFull(srv, make([]byte, 1))
		srv.Write([]byte{0, 0, 0, 0})
		io.ReadFull(srv, make([]byte, 1))
		srv.Write(si.Marshal())
	}()
	c, err := govnc.Client(cli, &govnc.ClientConfig{ServerMessageCh: ch})
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func TestGoVNCSetPixelFormatLeavesDecoderFormat(t *testing.T) {
	c, srv := govncClient(t, nil)
	go io.Copy(io.Discard, srv)
	want := toGoVNC(rfb.PixelFormat16)
	if err := c.SetPixelFormat(&want); err != nil {
		t.Fatal(err)
	}
	if c.PixelFormat == want {
		t.Fatal("go-vnc now keeps PixelFormat in step with SetPixelFormat")
	}
	t.Logf("after SetPixelFormat(16 bpp) go-vnc still decodes with %d bpp", c.PixelFormat.BPP)
}

func TestGoVNCCutTextReadsOnePaddingByte(t *testing.T) {
	// ServerCutText after its type byte: 3 padding bytes, length 2, "hi".
	msg := []byte{0, 0, 0, 0, 0, 0, 2, 'h', 'i'}
	r := bytes.NewReader(msg)
	got, err := new(govnc.ServerCutTextMessage).Read(nil, r)
	if err == nil && got.(*govnc.ServerCutTextMessage).Text == "hi" && r.Len() == 0 {
		t.Fatal("go-vnc now reads ServerCutText correctly")
	}
	t.Logf("go-vnc read %+v, %v, and left %d bytes to be taken for the next message", got, err, r.Len())

	fixed, err := readCutText(bytes.NewReader(msg), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if s := fixed.(*CutText).Text; s != "hi" {
		t.Errorf("replacement read %q, want hi", s)
	}
}

func TestGoVNCKeyEventTakesFiveWrites(t *testing.T) {
	c, srv := govncClient(t, nil)
	reads := make(chan int, 16)
	go func() {
		buf := make([]byte, 64)
		for {
			n, err := srv.Read(buf)
			if err != nil {
				close(reads)
				return
			}
			reads <- n
		}
	}()
	if err := c.KeyEvent('a', true); err != nil {
		t.Fatal(err)
	}
	c.Close()
	var sizes []int
	for n := range reads {
		sizes = append(sizes, n)
	}
	// A pipe delivers each write as its own read.
	if len(sizes) == 1 {
		t.Fatal("go-vnc now sends KeyEvent in one write")
	}
	t.Logf("go-vnc KeyEvent writes: %v; another writer may interleave between them", sizes)
}

func TestGoVNCReaderExitLeavesChannelOpen(t *testing.T) {
	ch := make(chan govnc.ServerMessage)
	_, srv := govncClient(t, ch)
	srv.Write([]byte{77}) // an unknown message type stops go-vnc's reader
	select {
	case _, ok := <-ch:
		if !ok {
			t.Fatal("go-vnc now closes its message channel when the reader stops")
		}
		t.Fatal("go-vnc delivered a message for an unknown type")
	case <-time.After(300 * time.Millisecond):
		t.Log("go-vnc's reader stopped and its channel stays open: a plain receive would hang")
	}
}

func TestGoVNCColorMapIndexUnchecked(t *testing.T) {
	// SetColorMapEntries after its type byte: padding, first colour 255,
	// two colours: the second lands at index 256 of a 256-entry array.
	msg := []byte{0, 0, 255, 0, 2}
	msg = append(msg, make([]byte, 12)...)
	c := &govnc.ClientConn{}
	defer func() {
		if r := recover(); r == nil {
			t.Fatal("go-vnc now checks colour-map indices")
		} else {
			t.Logf("go-vnc panicked: %v", r)
		}
	}()
	new(govnc.SetColorMapEntriesMessage).Read(c, bytes.NewReader(msg))
}

func TestGoVNCUpdateAllocatesAnnouncedSize(t *testing.T) {
	// go-vnc's FramebufferUpdate reader decodes a Raw rectangle of any
	// announced size, even outside the 8x8 framebuffer: here 16x16.
	c := &govnc.ClientConn{FrameBufferWidth: 8, FrameBufferHeight: 8, PixelFormat: toGoVNC(rfb.PixelFormat8)}
	msg := []byte{0, 0, 1}
	var h [12]byte
	binary.BigEndian.PutUint16(h[4:], 16)
	binary.BigEndian.PutUint16(h[6:], 16)
	msg = append(append(msg, h[:]...), make([]byte, 256)...)
	got, err := new(govnc.FramebufferUpdateMessage).Read(c, bytes.NewReader(msg))
	if err != nil {
		t.Fatalf("go-vnc now rejects the rectangle: %v", err)
	}
	colors := got.(*govnc.FramebufferUpdateMessage).Rectangles[0].Enc.(*govnc.RawEncoding).Colors
	t.Logf("go-vnc decoded %d pixels for an 8x8 framebuffer", len(colors))
}
