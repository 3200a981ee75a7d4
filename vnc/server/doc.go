// Package server serves an einkterm panel over RFB (RFC 6143), so that
// an e-reader's own VNC client becomes the panel. It speaks protocol
// versions 3.3, 3.7 and 3.8 with security None and VNC authentication,
// and encodes updates as Raw, Hextile or ZRLE in whatever pixel format
// the client sets.
//
// Updates follow einkterm's refresh loop, not the client's request rate:
// the served Panel is a display.Panel whose Refresh calls mark regions
// for every client, and a client's request is answered only when the
// loop has released something new. A client that reads slowly never
// holds the session up: each client keeps only the union of its damaged
// regions, and what it is sent is the newest frame.
package server
