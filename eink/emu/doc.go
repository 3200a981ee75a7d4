// Package emu emulates the e-paper controllers that einkterm drives over
// SPI: SSD1680 (Waveshare 2.13" V2/V3/V4), UC8179 (Waveshare 7.5" V2) and
// IT8951. Each emulator decodes the byte stream of a periph.io spi.Port,
// with the DC pin, into controller RAM, an emulated panel image and a
// log of refreshes. It drives the BUSY or HRDY line from a virtual clock,
// so tests and benchmarks never sleep.
//
// The emulators follow the controllers' command descriptions (Waveshare's
// reference code, GxEPD2, periph.io, PaperTTY and the IT8951 references),
// not einkterm's drivers. Whatever the controller would do with a
// sequence that the references never send is recorded as a fault, so a
// test can fail on it.
package emu
