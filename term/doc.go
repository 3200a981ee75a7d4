// Package term emulates a terminal for einkterm and draws its screen into
// a packed display.Frame.
//
// Bytes from the remote side go through Write, which keeps UTF-8
// sequences split across calls, replies to device queries (DA, DSR, CPR)
// on Options.Replies and feeds an emulator (github.com/charmbracelet/x/vt
// v0.1.0, with corrections of its own). Render then redraws only the
// cells that changed since the previous call and returns the damaged
// rectangles, so that slow panels refresh as little as possible.
//
// EncodeKey and EncodePaste turn key events from a simulator window or
// evdev into the bytes an xterm would send.
package term
