// Package evdev reads keyboards through the Linux input event interface
// (/dev/input/eventN) and turns their keys into the bytes a terminal
// sends, for appliances and e-readers where einkterm has no controlling
// terminal.
//
// A Keyboard grabs each device with EVIOCGRAB so that keys do not also
// reach the console or the reader's own software, and releases the grab
// when it is closed. The kernel also drops a grab when the process
// exits, whatever the cause, because closing the file releases it. With
// an empty path the Keyboard takes every keyboard it finds and adds
// keyboards plugged in later, watching /dev/input with inotify.
//
// Keys are translated with a Keymap (US layout by default, with
// overrides read by ParseKeymap), modifiers and Caps Lock are tracked,
// and the kernel's autorepeat events repeat keys. Bytes come from
// term.EncodeKey. Event codes and ioctl numbers are those of
// linux/input.h and linux/input-event-codes.h.
package evdev
