package vnc

import (
	"context"
	"encoding/binary"
	"image"
	"io"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/einkterm/einkterm/display"
	"github.com/einkterm/einkterm/vnc/rfb"
)

// discardSink takes frames and drops them.
type discardSink struct{ submits int }

func (d *discardSink) Submit(*display.Frame, []display.Damage) { d.submits++ }

// fuzzLimits are the limits the fuzzed viewer runs with.
const (
	fuzzMaxPixels  = 64 * 64
	fuzzMaxCutText = 1024
)

// serveBytes runs an RFB 3.8 handshake with security None for a 32x32
// desktop on srv, then sends data and hangs up.
func serveBytes(srv net.Conn, data []byte) {
	defer srv.Close()
	si := rfb.ServerInit{Width: 32, Height: 32, Format: rfb.PixelFormat32, Name: "fuzz"}
	srv.Write([]byte(rfb.ProtocolVersion3_8))
	io.ReadFull(srv, make([]byte, 12))
	srv.Write([]byte{1, rfb.SecurityNone})
	io.ReadFull(srv, make([]byte, 1))
	srv.Write([]byte{0, 0, 0, 0})
	io.ReadFull(srv, make([]byte, 1))
	srv.Write(si.Marshal())
	// SetPixelFormat, then SetEncodings with ZRLE, CopyRect, Raw,
	// DesktopSize and LastRect.
	io.ReadFull(srv, make([]byte, 20+4+4*5))
	go io.Copy(io.Discard, srv)
	srv.Write(data)
}

func fuzzSeeds() [][]byte {
	pf := rfb.PixelFormat32
	var enc rfb.ZRLEEncoder
	pix := make([]uint32, 20*10)
	for i := range pix {
		pix[i] = pf.FromRGB(uint8(i), uint8(i*3), 9)
	}
	update := func(r image.Rectangle, encoding int32, body []byte) []byte {
		b := []byte{rfb.FramebufferUpdateMsg, 0, 0, 1}
		var h [12]byte
		rfb.PutRectHeader(h[:], r, encoding)
		return append(append(b, h[:]...), body...)
	}
	zrle, _ := enc.Encode(nil, pf, pix, 20, 10)
	raw := rfb.EncodeRaw(nil, pf, pix)
	cut := []byte{rfb.ServerCutTextMsg, 0, 0, 0, 0, 0, 0, 3, 'a', 'b', 'c'}
	hugeCut := []byte{rfb.ServerCutTextMsg, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 'x'}
	cmap := []byte{rfb.SetColorMapEntriesMsg, 0, 0, 250, 0, 10}
	cmap = append(cmap, make([]byte, 60)...)
	copyRect := binary.BigEndian.AppendUint32(nil, 0)
	return [][]byte{
		update(image.Rect(2, 3, 22, 13), rfb.EncodingZRLE, zrle),
		update(image.Rect(2, 3, 22, 13), rfb.EncodingRaw, raw),
		update(image.Rect(10, 10, 30, 30), rfb.EncodingCopyRect, copyRect),
		update(image.Rect(0, 0, 64, 64), rfb.EncodingDesktopSize, nil),
		update(image.Rect(0, 0, 65535, 65535), rfb.EncodingDesktopSize, nil),
		update(image.Rect(0, 0, 65535, 65535), rfb.EncodingRaw, nil),
		append(cut, update(image.Rect(0, 0, 20, 10), rfb.EncodingZRLE, zrle)...),
		hugeCut,
		cmap,
		{rfb.BellMsg, rfb.BellMsg, 200},
		{rfb.FramebufferUpdateMsg, 0, 0xff, 0xff},
	}
}

func FuzzViewerServerMessages(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// A hang is a failure: crash with every goroutine's stack, which
		// also makes the fuzzer keep the input.
		watchdog := time.AfterFunc(20*time.Second, func() {
			buf := make([]byte, 1<<20)
			panic("viewer hung:\n" + string(buf[:runtime.Stack(buf, true)]))
		})
		defer watchdog.Stop()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)

		cli, srv := net.Pipe()
		go serveBytes(srv, data)
		c, err := Connect(cli, Options{MaxPixels: fuzzMaxPixels, MaxCutText: fuzzMaxCutText})
		if err != nil {
			t.Fatalf("handshake with the fuzz server failed: %v", err)
		}
		defer c.Close()
		info, _ := display.LookupProfile("32x32")
		v, err := NewViewer(c, info, &discardSink{}, ViewerOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := v.Run(ctx); err == context.DeadlineExceeded {
			t.Fatal("viewer still running 10 s after the server hung up")
		}
		if w, h := c.Size(); w*h > fuzzMaxPixels {
			t.Errorf("framebuffer grew to %dx%d, beyond the limit of %d pixels", w, h, fuzzMaxPixels)
		}

		runtime.ReadMemStats(&after)
		// Everything the viewer allocates is bounded by the limits and
		// the input: the ZRLE buffer by its rectangle, the rest small.
		budget := uint64(16<<20 + 8*len(data))
		if got := after.TotalAlloc - before.TotalAlloc; got > budget {
			t.Errorf("allocated %d bytes for %d bytes of input, budget %d", got, len(data), budget)
		}
	})
}
