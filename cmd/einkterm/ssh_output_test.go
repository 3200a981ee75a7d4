package main

import (
	"bytes"
	"io"
	"testing"
)

func TestOutputQueueOrderAndEnd(t *testing.T) {
	var q outputQueue
	q.init()
	q.write([]byte("status;"))
	calls := 0
	go func() {
		q.copyFrom(bytes.NewReader([]byte("remote output")), func() { calls++ })
		q.close()
	}()
	got, err := io.ReadAll(readerFunc(q.read))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "status;remote output" {
		t.Errorf("read %q", got)
	}
	if calls == 0 {
		t.Error("output hook never called")
	}
	q.write([]byte("late"))
	if n, err := q.read(make([]byte, 8)); n != 0 || err != io.EOF {
		t.Errorf("read after close = %d, %v; want 0, EOF", n, err)
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// BenchmarkOutputQueue measures remote output passing through the
// link's queue to the emulator's reader, the path of a flood such as
// cat of a large file.
func BenchmarkOutputQueue(b *testing.B) {
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 2048) // 32 KiB
	const chunks = 64
	b.SetBytes(int64(len(chunk) * chunks))
	buf := make([]byte, 32<<10)
	for b.Loop() {
		var q outputQueue
		q.init()
		go func() {
			q.copyFrom(io.LimitReader(repeatReader(chunk), int64(len(chunk)*chunks)), nil)
			q.close()
		}()
		for {
			if _, err := q.read(buf); err != nil {
				break
			}
		}
	}
}

type repeatReader []byte

func (r repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		n += copy(p[n:], r)
	}
	return n, nil
}
