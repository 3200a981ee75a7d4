// Package it8951 drives e-paper panels behind an IT8951 controller, such
// as Waveshare's 6", 7.8", 9.7" and 10.3" HATs. The host talks to it in
// packets of 16-bit words, each opened by a preamble word (0x6000 for a
// command, 0x0000 for data written, 0x1000 for data read), and waits for
// the HRDY line before each packet. Images are loaded into the
// controller's buffer at 1, 2, 4 or 8 bits per pixel and shown with the
// INIT, DU, GC16, GL16 or A2 waveform.
//
// The protocol follows Waveshare's IT8951-ePaper code, GregDMeyer's
// IT8951 package, PaperTTY and LovyanGFX. periph.io has no IT8951 driver.
package it8951
