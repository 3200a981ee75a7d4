package evdev

import (
	"os"
	"path/filepath"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A FIFO stands in for an event node: the read path, the decoding of
// input_event records and the poller are the real ones, while the
// ioctls fail as they do on any file that is not an input device.
func TestSysDeviceReadsFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "event0")
	if err := unix.Mkfifo(path, 0o600); err != nil {
		t.Skipf("cannot make a FIFO: %v", err)
	}
	d, err := openDevice(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()

	events := []inputEvent{
		{Type: evKey, Code: 30, Value: keyPressed},
		{Type: evSyn},
	}
	for _, e := range events {
		if _, err := w.Write(unsafe.Slice((*byte)(unsafe.Pointer(&e)), eventSize)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := d.ReadEvents()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != (Event{evKey, 30, keyPressed}) || got[1] != (Event{}) {
		t.Errorf("read %+v, want KEY_A press and SYN_REPORT", got)
	}
	if d.IsKeyboard() {
		t.Error("a FIFO reports letter keys")
	}
	if err := d.Grab(); err == nil {
		t.Error("EVIOCGRAB on a FIFO succeeded")
	}

	// Close must end a read that is blocked with no data.
	done := make(chan error, 1)
	go func() {
		_, err := d.ReadEvents()
		done <- err
	}()
	time.Sleep(20 * time.Millisecond) // let the read block
	d.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Error("blocked read returned no error after Close")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not end a blocked read")
	}
}
