package rfb

import (
	"encoding/binary"
	"fmt"
	"image"
	"io"
	"strconv"
)

// Client-to-server message types (RFC 6143, 7.5).
const (
	SetPixelFormatMsg           = 0
	SetEncodingsMsg             = 2
	FramebufferUpdateRequestMsg = 3
	KeyEventMsg                 = 4
	PointerEventMsg             = 5
	ClientCutTextMsg            = 6
)

// Server-to-client message types (RFC 6143, 7.6).
const (
	FramebufferUpdateMsg  = 0
	SetColorMapEntriesMsg = 1
	BellMsg               = 2
	ServerCutTextMsg      = 3
)

// Encoding types (RFC 6143, 7.7 and 7.8; IANA RFB registry).
const (
	EncodingRaw         int32 = 0
	EncodingCopyRect    int32 = 1
	EncodingZRLE        int32 = 16
	EncodingDesktopSize int32 = -223
	EncodingLastRect    int32 = -224
)

// Security types (RFC 6143, 7.2).
const (
	SecurityInvalid = 0
	SecurityNone    = 1
	SecurityVNCAuth = 2
)

// Limits on sizes that a peer announces.
const (
	// MaxReasonLen bounds a failure reason and a desktop name. Xvnc and
	// x11vnc send a few dozen bytes.
	MaxReasonLen = 4096
)

// ProtocolVersion3_8 is the version message this package speaks best.
const ProtocolVersion3_8 = "RFB 003.008\n"

// ParseVersion parses a 12-byte ProtocolVersion message ("RFB 003.008\n").
func ParseVersion(b []byte) (major, minor int, err error) {
	if len(b) != 12 || string(b[:4]) != "RFB " || b[7] != '.' || b[11] != '\n' {
		return 0, 0, fmt.Errorf("rfb: %q is not an RFB protocol version: is this a VNC server?", b)
	}
	for _, c := range string(b[4:7]) + string(b[8:11]) {
		if c < '0' || c > '9' {
			return 0, 0, fmt.Errorf("rfb: protocol version %q has a non-digit", b)
		}
	}
	major, _ = strconv.Atoi(string(b[4:7]))
	minor, _ = strconv.Atoi(string(b[8:11]))
	return major, minor, nil
}

// ServerInit is the server's description of the desktop (RFC 6143, 7.3.2).
type ServerInit struct {
	Width, Height uint16
	Format        PixelFormat
	Name          string
}

// ReadServerInit reads a ServerInit message. It rejects a desktop name
// longer than MaxReasonLen before allocating it.
func ReadServerInit(r io.Reader) (ServerInit, error) {
	var b [24]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return ServerInit{}, fmt.Errorf("rfb: reading ServerInit: %w", err)
	}
	var pf [PixelFormatSize]byte
	copy(pf[:], b[4:20])
	si := ServerInit{
		Width:  binary.BigEndian.Uint16(b[0:]),
		Height: binary.BigEndian.Uint16(b[2:]),
		Format: UnmarshalPixelFormat(pf),
	}
	name, err := readString(r, binary.BigEndian.Uint32(b[20:]), "desktop name")
	si.Name = name
	return si, err
}

// Marshal returns si as sent on the wire.
func (si ServerInit) Marshal() []byte {
	b := make([]byte, 24, 24+len(si.Name))
	binary.BigEndian.PutUint16(b[0:], si.Width)
	binary.BigEndian.PutUint16(b[2:], si.Height)
	pf := si.Format.Marshal()
	copy(b[4:], pf[:])
	binary.BigEndian.PutUint32(b[20:], uint32(len(si.Name)))
	return append(b, si.Name...)
}

// ReadReason reads a length-prefixed failure reason (RFC 6143, 7.1.2).
func ReadReason(r io.Reader) (string, error) {
	var b [4]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("rfb: reading failure reason: %w", err)
	}
	return readString(r, binary.BigEndian.Uint32(b[:]), "failure reason")
}

func readString(r io.Reader, n uint32, what string) (string, error) {
	if n > MaxReasonLen {
		return "", fmt.Errorf("rfb: %s of %d bytes exceeds the limit of %d", what, n, MaxReasonLen)
	}
	s := make([]byte, n)
	if _, err := io.ReadFull(r, s); err != nil {
		return "", fmt.Errorf("rfb: reading %s: %w", what, err)
	}
	return string(s), nil
}

// CheckRect returns the rectangle at (x, y) of w by h pixels, or an error
// when it does not lie inside the framebuffer of fbWidth by fbHeight
// pixels. An empty rectangle must also start inside it. Decoders call
// CheckRect before they allocate anything for the rectangle.
func CheckRect(x, y, w, h uint16, fbWidth, fbHeight int) (image.Rectangle, error) {
	r := image.Rect(int(x), int(y), int(x)+int(w), int(y)+int(h))
	if r.Max.X > fbWidth || r.Max.Y > fbHeight {
		return r, fmt.Errorf("rfb: rectangle %dx%d at (%d,%d) lies outside the %dx%d framebuffer",
			w, h, x, y, fbWidth, fbHeight)
	}
	return r, nil
}

// PutRectHeader writes the 12-byte header of a rectangle in a
// FramebufferUpdate message into b.
func PutRectHeader(b []byte, r image.Rectangle, encoding int32) {
	binary.BigEndian.PutUint16(b[0:], uint16(r.Min.X))
	binary.BigEndian.PutUint16(b[2:], uint16(r.Min.Y))
	binary.BigEndian.PutUint16(b[4:], uint16(r.Dx()))
	binary.BigEndian.PutUint16(b[6:], uint16(r.Dy()))
	binary.BigEndian.PutUint32(b[8:], uint32(encoding))
}
