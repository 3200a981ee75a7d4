package sshclient

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/einkterm/einkterm/deploy/peertest"
)

// BenchmarkDialPublicKey measures a full login to a local sshd with an
// ed25519 key: TCP connect, key exchange, host-key check and publickey
// authentication. A reconnect costs this plus the session start.
func BenchmarkDialPublicKey(b *testing.B) {
	s := peertest.StartSSHD(b, peertest.SSHDOptions{})
	cfg := keyConfig(s)
	b.ResetTimer()
	for b.Loop() {
		c, err := Dial(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/login")
}

// BenchmarkDeadLinkDetection measures the time from a silent link stall
// to the client giving up, with keepalives every 200 ms and at most 2
// unanswered; OpenSSH's rule gives about interval x (max + 1).
func BenchmarkDeadLinkDetection(b *testing.B) {
	s := peertest.StartSSHD(b, peertest.SSHDOptions{})
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		proxy := peertest.StartProxy(b, s.Addr())
		writeKnownHostsB(b, s.KnownHosts, fmt.Sprintf("[127.0.0.1]:%d %s", proxy.Port, s.HostPub))
		cfg := keyConfig(s)
		cfg.Port = proxy.Port
		cfg.KeepAlive = 200 * time.Millisecond
		cfg.KeepAliveMax = 2
		c, err := Dial(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		proxy.Freeze()
		<-c.Done()
		total += time.Since(start)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/detect")
}

func writeKnownHostsB(b *testing.B, file, line string) {
	b.Helper()
	if err := writeFileString(file, line+"\n"); err != nil {
		b.Fatal(err)
	}
}
