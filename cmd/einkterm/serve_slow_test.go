package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"image"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/einkterm/einkterm/vnc/rfb"
)

// rawClient is an RFB client that asks for Raw updates in 32-bit pixels
// and decodes them into a gray image.
type rawClient struct {
	conn net.Conn
	br   *bufio.Reader
	img  *image.Gray
}

func dialRaw(t *testing.T, port int) *rawClient {
	t.Helper()
	conn, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &rawClient{conn: conn, br: bufio.NewReaderSize(conn, 1<<16)}
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	var v [12]byte
	io.ReadFull(c.br, v[:])
	io.WriteString(conn, rfb.ProtocolVersion3_8)
	var n [1]byte
	io.ReadFull(c.br, n[:])
	io.CopyN(io.Discard, c.br, int64(n[0]))
	conn.Write([]byte{rfb.SecurityNone})
	var result [4]byte
	io.ReadFull(c.br, result[:])
	conn.Write([]byte{1})
	init, err := rfb.ReadServerInit(c.br)
	if err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Time{})
	c.img = image.NewGray(image.Rect(0, 0, int(init.Width), int(init.Height)))
	pf := rfb.PixelFormat32.Marshal()
	conn.Write(append([]byte{rfb.SetPixelFormatMsg, 0, 0, 0}, pf[:]...))
	conn.Write([]byte{rfb.SetEncodingsMsg, 0, 0, 1, 0, 0, 0, 0})
	return c
}

func (c *rawClient) request(incremental bool) {
	msg := []byte{rfb.FramebufferUpdateRequestMsg, 0, 0, 0, 0, 0}
	if incremental {
		msg[1] = 1
	}
	msg = binary.BigEndian.AppendUint16(msg, uint16(c.img.Rect.Dx()))
	msg = binary.BigEndian.AppendUint16(msg, uint16(c.img.Rect.Dy()))
	c.conn.Write(msg)
}

// readUpdate reads one FramebufferUpdate, or returns false when none
// arrives within wait.
func (c *rawClient) readUpdate(t *testing.T, wait time.Duration) bool {
	t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(wait))
	defer c.conn.SetReadDeadline(time.Time{})
	var hdr [4]byte
	if _, err := io.ReadFull(c.br, hdr[:]); err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			return false
		}
		t.Fatal(err)
	}
	if hdr[0] != rfb.FramebufferUpdateMsg {
		t.Fatalf("message type %d, want FramebufferUpdate", hdr[0])
	}
	c.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	conv, _ := rfb.NewConverter(rfb.PixelFormat32)
	var scratch []byte
	for i := 0; i < int(binary.BigEndian.Uint16(hdr[2:])); i++ {
		var rh [12]byte
		if _, err := io.ReadFull(c.br, rh[:]); err != nil {
			t.Fatal(err)
		}
		r, err := rfb.CheckRect(binary.BigEndian.Uint16(rh[0:]), binary.BigEndian.Uint16(rh[2:]),
			binary.BigEndian.Uint16(rh[4:]), binary.BigEndian.Uint16(rh[6:]), c.img.Rect.Dx(), c.img.Rect.Dy())
		if err != nil {
			t.Fatal(err)
		}
		if err := rfb.DecodeRaw(c.br, conv, c.img, r, &scratch); err != nil {
			t.Fatal(err)
		}
	}
	return true
}

// peakRSS returns a process's peak resident set size in KiB.
func peakRSS(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return kb
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

func TestServeSlowClientGetsNewestFrame(t *testing.T) {
	if testing.Short() {
		t.Skip("stalls a client for 10 s")
	}
	script := "yes 'flood line of served output' | head -c 3000000; echo; echo DONE-MARK"
	port, pid := startServeProcess(t, "shell", "--", "sh", "-c", "sleep 1; "+script+"; sleep 120")

	stalled := dialRaw(t, port)
	stalled.request(false)
	// A second client keeps reading: the session serves it while the
	// first one stalls.
	live := dialRaw(t, port)
	updates := 0
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		live.request(true)
		if live.readUpdate(t, 500*time.Millisecond) {
			updates++
		}
	}
	if updates < 3 {
		t.Errorf("the reading client got %d updates in 10 s while another stalled, want several", updates)
	}
	if rss := peakRSS(t, pid); rss > 150<<10 {
		t.Errorf("einkterm serve peaked at %d KiB during the flood, want under 150 MiB", rss)
	}

	dir := t.TempDir()
	if code, stderr := runCommand(t, "", "shell", "--display", "record:"+dir, "--panel", testPanel,
		"--", "sh", "-c", script); code != 0 {
		t.Fatalf("recorded session failed: %s", stderr)
	}
	want := readRecording(t, dir).image

	// The stalled client reads again: after what was in flight, it gets
	// the newest frame.
	for try := 0; try < 100; try++ {
		stalled.request(true)
		stalled.readUpdate(t, 300*time.Millisecond)
		if diff, _ := inkDifference(stalled.img, want); diff == 0 {
			return
		}
	}
	diff, ink := inkDifference(stalled.img, want)
	t.Errorf("after the stall the client's frame differs in %d of %d text pixels from the final frame", diff, ink)
}
