// Package vnc is einkterm's VNC viewer, built on
// github.com/mitchellh/go-vnc (2015), for panels that refresh slowly.
//
// go-vnc carries the message loop, the client-to-server messages and the
// Encoding and ServerMessage interfaces. Its defects are worked around
// from outside:
//
//   - its handshake allocates whatever length the server announces, so
//     Connect runs the RFB handshake itself (RFB 3.3, 3.7 and 3.8,
//     security None and VNC authentication) and hands go-vnc a replayed,
//     already checked copy of the result;
//   - it decodes every pixel with one read on the bare connection, so the
//     connection is buffered;
//   - it has no write lock and KeyEvent takes five writes, so every
//     message goes out under one lock, KeyEvent in a single write;
//   - SetPixelFormat leaves its decoder's pixel format unchanged, so the
//     format is kept in step here and decoding uses the viewer's copy;
//   - its ServerCutText reader skips 1 padding byte instead of 3, and its
//     FramebufferUpdate and SetColorMapEntries readers check no bounds.
//     All four standard server messages are replaced by bounded readers,
//     and every other message type ends the session with an error that
//     names it;
//   - its reader goroutine closes the connection on any error and never
//     closes its message channel, so the viewer watches for that close
//     and reports the first error the readers saw.
//
// Pixels become 8-bit gray as they are decoded (vnc/rfb). They are then
// scaled to the panel, rotated, and dithered to the panel's depth with an
// ordered or blue-noise dither keyed to panel coordinates. An area that
// did not change therefore renders to the same bits in every partial
// update.
package vnc
