// Package rfb contains the parts of the Remote Framebuffer protocol (RFB
// 3.3, 3.7 and 3.8, RFC 6143) that a viewer and a server share. These are
// pixel formats and their conversion to gray, the ServerInit message, VNC
// authentication and the vncpasswd file format, rectangle checks, and the
// Raw, CopyRect and ZRLE encodings in both directions.
//
// Every size a peer announces is checked before memory is allocated for
// it, and parsers return errors rather than panic on any input.
package rfb
