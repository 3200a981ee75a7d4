package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
	"github.com/einkterm/einkterm/vnc/rfb"
)

// wireClient is an RFB client that counts the bytes servers send. It
// does not decode updates: it keeps an update request outstanding by
// asking again every requestEvery, and a change is measured as the bytes
// that arrive until the line has been quiet for a while.
type wireClient struct {
	conn  net.Conn
	br    *bufio.Reader
	bytes atomic.Int64
	w, h  uint16
	stop  chan struct{}
}

const requestEvery = 50 * time.Millisecond

func dialWire(b *testing.B, port int, encoding int32) *wireClient {
	b.Helper()
	conn, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		b.Fatal(err)
	}
	c := &wireClient{conn: conn, br: bufio.NewReader(conn), stop: make(chan struct{})}
	b.Cleanup(func() { close(c.stop); conn.Close() })
	var v [12]byte
	io.ReadFull(c.br, v[:])
	io.WriteString(conn, rfb.ProtocolVersion3_8)
	var n [1]byte
	io.ReadFull(c.br, n[:])
	types := make([]byte, n[0])
	io.ReadFull(c.br, types)
	conn.Write([]byte{rfb.SecurityNone})
	var result [4]byte
	io.ReadFull(c.br, result[:])
	if binary.BigEndian.Uint32(result[:]) != 0 {
		b.Fatal("server rejected security None")
	}
	conn.Write([]byte{1})
	init, err := rfb.ReadServerInit(c.br)
	if err != nil {
		b.Fatal(err)
	}
	c.w, c.h = init.Width, init.Height
	pf := rfb.PixelFormat32.Marshal()
	conn.Write(append([]byte{rfb.SetPixelFormatMsg, 0, 0, 0}, pf[:]...))
	enc := []byte{rfb.SetEncodingsMsg, 0, 0, 1}
	conn.Write(binary.BigEndian.AppendUint32(enc, uint32(encoding)))
	go c.count()
	go c.request()
	return c
}

func (c *wireClient) count() {
	buf := make([]byte, 64<<10)
	for {
		n, err := c.br.Read(buf)
		c.bytes.Add(int64(n))
		if err != nil {
			return
		}
	}
}

func (c *wireClient) request() {
	t := time.NewTicker(requestEvery)
	defer t.Stop()
	for {
		msg := []byte{rfb.FramebufferUpdateRequestMsg, 1, 0, 0, 0, 0}
		msg = binary.BigEndian.AppendUint16(msg, c.w)
		msg = binary.BigEndian.AppendUint16(msg, c.h)
		if _, err := c.conn.Write(msg); err != nil {
			return
		}
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
	}
}

func (c *wireClient) key(sym uint32) {
	for _, down := range []byte{1, 0} {
		msg := []byte{rfb.KeyEventMsg, down, 0, 0}
		c.conn.Write(binary.BigEndian.AppendUint32(msg, sym))
	}
}

func (c *wireClient) typeText(s string) {
	for _, r := range s {
		sym := uint32(r)
		if r == '\n' {
			sym = 0xff0d
		}
		c.key(sym)
	}
}

// settle waits until no byte has arrived for quiet and returns the bytes
// received since mark.
func (c *wireClient) settle(mark int64, quiet time.Duration) int64 {
	last, since := c.bytes.Load(), time.Now()
	for time.Since(since) < quiet {
		time.Sleep(20 * time.Millisecond)
		if now := c.bytes.Load(); now != last {
			last, since = now, time.Now()
		}
	}
	return last - mark
}

// measureServer reports bytes per keystroke and for a 1 MB cat.
func measureServer(b *testing.B, port int, encoding int32, file string) {
	c := dialWire(b, port, encoding)
	c.settle(0, time.Second)

	const keys = 20
	mark := c.bytes.Load()
	for i := 0; i < keys; i++ {
		c.typeText("x")
		time.Sleep(150 * time.Millisecond)
	}
	perKey := float64(c.settle(mark, time.Second)) / keys
	// Erase the typed line with Ctrl-U so the prompt is clean for the cat.
	c.conn.Write(binary.BigEndian.AppendUint32([]byte{rfb.KeyEventMsg, 1, 0, 0}, 0xffe3))
	c.key('u')
	c.conn.Write(binary.BigEndian.AppendUint32([]byte{rfb.KeyEventMsg, 0, 0, 0}, 0xffe3))
	c.settle(c.bytes.Load(), 500*time.Millisecond)

	mark = c.bytes.Load()
	c.typeText("cat " + file + "\n")
	cat := c.settle(mark, 2*time.Second)
	b.ReportMetric(perKey, "bytes/keystroke")
	b.ReportMetric(float64(cat), "bytes/cat-1MB")
}

// writeText writes n bytes of varied text lines to a file.
func writeText(b *testing.B, n int) string {
	name := filepath.Join(b.TempDir(), "text.txt")
	var sb strings.Builder
	for i := 0; sb.Len() < n; i++ {
		fmt.Fprintf(&sb, "%06d the quick brown fox jumps over the lazy dog %x\n", i, i*7919)
	}
	if err := os.WriteFile(name, []byte(sb.String()[:n]), 0o644); err != nil {
		b.Fatal(err)
	}
	return name
}

// BenchmarkServeWire compares the bytes einkterm serve sends with those
// of x11vnc serving an xterm of the same pixel size, per encoding. Run
// it with -benchtime=1x: each run types and cats for real.
func BenchmarkServeWire(b *testing.B) {
	file := writeText(b, 1<<20)
	encodings := map[string]int32{"raw": rfb.EncodingRaw, "zrle": rfb.EncodingZRLE, "hextile": 5}
	for _, name := range []string{"raw", "hextile", "zrle"} {
		enc := encodings[name]
		b.Run("einkterm/"+name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				port := startServeB(b)
				measureServer(b, port, enc, file)
			}
		})
		b.Run("x11vnc-xterm/"+name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				port := startX11vncXterm(b)
				measureServer(b, port, enc, file)
			}
		})
	}
}

func startServeB(b *testing.B) int {
	port := peertest.FreePort(b)
	cmd := exec.Command(buildEinkterm(b), "serve", "--listen", "127.0.0.1:"+strconv.Itoa(port),
		"--panel", testPanel, "shell", "--", "sh")
	cmd.Env = append(os.Environ(), "PS1=$ ")
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitPort(b, port)
	return port
}

func startX11vncXterm(b *testing.B) int {
	xvfb := peertest.Require(b, "Xvfb", "xvfb")
	x11vnc := peertest.Require(b, "x11vnc", "x11vnc")
	xterm := peertest.Require(b, "xterm", "xterm")
	disp := startXvfb(b, xvfb, "640x384x24")
	// xterm's default font is 6x13: 106x29 cells fill 640x384.
	xt := exec.Command(xterm, "-geometry", "106x29+0+0", "-e", "sh")
	xt.Env = append(os.Environ(), "DISPLAY="+disp, "PS1=$ ")
	if err := xt.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { xt.Process.Kill(); xt.Wait() })
	port := peertest.FreePort(b)
	v := exec.Command(x11vnc, "-display", disp, "-localhost", "-rfbport", strconv.Itoa(port),
		"-nopw", "-forever", "-shared", "-quiet")
	if err := v.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { v.Process.Kill(); v.Wait() })
	waitPort(b, port)
	time.Sleep(time.Second) // let xterm map its window
	return port
}

func waitPort(b *testing.B, port int) {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Fatalf("nothing listens on %s", addr)
}
