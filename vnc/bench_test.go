package vnc

import (
	"context"
	"testing"
	"time"

	"github.com/einkterm/einkterm/vnc/rfb"
)

// BenchmarkXvncScrollingXterm shows an xterm that scrolls text without
// pause on Xvnc, for one second per iteration, on an 800x600 IT8951
// 6" panel model (A2 takes 120 ms). It reports the bytes received from
// the server, the server's updates, and the panel's refreshes, per
// second, for Raw and ZRLE, with update requests paced to the panel and
// without pacing (the next request as soon as an update arrives).
func BenchmarkXvncScrollingXterm(b *testing.B) {
	srv := startXvnc(b, "800x600", "-SecurityTypes", "None")
	srv.xterm(b, "einkterm-scroll", []string{"-geometry", "80x28+0+0"},
		"while :; do seq 1 1000000; done")
	for _, enc := range []struct {
		name string
		encs []int32
	}{
		{"ZRLE", nil},
		{"Raw", []int32{rfb.EncodingRaw}},
	} {
		for _, paced := range []bool{true, false} {
			name := enc.name + "/paced"
			if !paced {
				name = enc.name + "/unpaced"
			}
			b.Run(name, func(b *testing.B) {
				benchScrolling(b, srv, enc.encs, paced)
			})
		}
	}
}

func benchScrolling(b *testing.B, srv *xServer, encs []int32, paced bool) {
	sess, err := newSession(b, srv.addr, "it8951-6in", Options{Encodings: encs, Logger: discardLogger()}, ViewerOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if !paced {
		sess.viewer.opts.Ready = nil
		sess.viewer.opts.Refreshes = nil
	}
	b.ResetTimer()
	start := time.Now()
	err = sess.run(b, time.Duration(b.N)*time.Second)
	elapsed := time.Since(start).Seconds()
	b.StopTimer()
	if err != context.DeadlineExceeded {
		b.Fatalf("Run = %v", err)
	}
	st := sess.viewer.Stats()
	refreshes := len(sess.rec.Events())
	b.ReportMetric(float64(sess.client.BytesRead())/elapsed, "wire-B/s")
	b.ReportMetric(float64(st.Updates)/elapsed, "updates/s")
	b.ReportMetric(float64(refreshes)/elapsed, "refreshes/s")
	if refreshes > 0 {
		b.ReportMetric(float64(st.Updates)/float64(refreshes), "updates/refresh")
	}
	b.ReportMetric(0, "ns/op")
}
