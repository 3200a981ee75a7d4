package evdev_test

import (
	"io"
	"log/slog"
	"os"

	"github.com/einkterm/einkterm/term/evdev"
)

// Open every keyboard, and those plugged in later, and copy what is
// typed to a session's input. Close releases the grabs.
func ExampleOpen() {
	kb, err := evdev.Open("", evdev.Options{Logger: slog.Default()})
	if err != nil {
		slog.Error("no keyboard", "err", err)
		return
	}
	defer kb.Close()
	io.Copy(os.Stdout, kb) // a session would copy to the remote
}
