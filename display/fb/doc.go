// Package fb is a display.Panel over a Linux framebuffer device
// (/dev/fbN), for LCD panels such as pixel-qi transflective screens.
//
// The geometry, line length and pixel layout come from the
// FBIOGET_VSCREENINFO and FBIOGET_FSCREENINFO ioctls (linux/fb.h).
// Gray frames of depth 8 are converted to the device's layout: any
// packed RGB layout of 16, 24 or 32 bits per pixel that the bitfields
// describe (RGB565, XRGB8888, BGR variants) and 8-bit gray. Lines may be
// padded. Rotation by 90, 180 or 270 degrees is done in software. The
// memory is mapped with mmap, and when mmap fails, pixels go out with
// pwrite at the same offsets.
//
// While the panel is open, the virtual console is put in graphics mode
// (KDSETMODE KD_GRAPHICS) so fbcon does not draw over the picture, and
// its cursor is hidden. Close restores both. The Surface type holds the
// conversion and memory access, and the mxcfb package reuses it for
// e-ink framebuffers.
package fb
