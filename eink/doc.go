// Package eink holds what the SPI e-paper drivers share: a command/data
// wire over a periph.io spi.Conn that splits long transfers at the host's
// limit, BUSY-pin waits with a timeout and one reset, frame rotation and
// 1-bit packing. Resilient wraps a driver so that a panel fault is logged
// and retried with backoff instead of ending the session.
//
// The drivers live in subpackages: ssd1680 (Waveshare 2.13" V2, V3, V4),
// uc8179 (Waveshare 7.5" V2) and it8951 (IT8951 HATs). Controller
// emulators for tests live in eink/emu and are written from the
// controllers' protocol descriptions, not from these drivers.
package eink
