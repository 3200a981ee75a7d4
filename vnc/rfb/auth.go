package rfb

import (
	"crypto/des"
	"fmt"
	"math/bits"
)

// VNCAuthResponse returns the response to a VNC authentication
// challenge (RFC 6143, 7.2.2): the 16-byte challenge encrypted with DES
// in ECB mode, keyed by the first 8 bytes of the password with the bits
// of each byte reversed, as the original VNC code does.
func VNCAuthResponse(password []byte, challenge [16]byte) [16]byte {
	var key [8]byte
	for i := 0; i < len(password) && i < 8; i++ {
		key[i] = bits.Reverse8(password[i])
	}
	// des.NewCipher fails only on a key that is not 8 bytes long.
	block, _ := des.NewCipher(key[:])
	var out [16]byte
	block.Encrypt(out[:8], challenge[:8])
	block.Encrypt(out[8:], challenge[8:])
	return out
}

// passwdKey is the fixed DES key that vncpasswd and x11vnc -storepasswd
// obfuscate stored passwords with: the bytes 23, 82, 107, 6, 35, 78, 88,
// 7 of the original VNC code, bit-reversed for standard DES.
var passwdKey = [8]byte{0xe8, 0x4a, 0xd6, 0x60, 0xc4, 0x72, 0x1a, 0xe0}

// ObfuscatePassword returns the 8-byte vncpasswd file form of password,
// which keeps only its first 8 bytes. It is obfuscation, not encryption:
// anyone can reverse it.
func ObfuscatePassword(password []byte) [8]byte {
	var plain, out [8]byte
	copy(plain[:], password)
	block, _ := des.NewCipher(passwdKey[:])
	block.Encrypt(out[:], plain[:])
	return out
}

// DeobfuscatePassword returns the password stored in the first 8 bytes of
// a vncpasswd file.
func DeobfuscatePassword(file []byte) ([]byte, error) {
	if len(file) < 8 {
		return nil, fmt.Errorf("rfb: password file has %d bytes, want 8: make it with vncpasswd -f", len(file))
	}
	block, _ := des.NewCipher(passwdKey[:])
	var plain [8]byte
	block.Decrypt(plain[:], file[:8])
	n := 0
	for n < 8 && plain[n] != 0 {
		n++
	}
	return append([]byte(nil), plain[:n]...), nil
}
