// Package ssd1680 drives the Waveshare 2.13" e-paper HATs, 122x250 pixels
// with one bit per pixel: V2 (SSD1675A class, 70-byte LUT), V3 and V4
// (SSD1680 class). It has a full refresh and a windowed partial refresh
// that compares the new RAM (0x24) with the old RAM (0x26) and rewrites
// the old RAM after each partial update.
//
// The command sequences follow Waveshare's reference drivers and
// GxEPD2's GDEY0213B74 driver. periph.io's waveshare2in13v4 driver writes
// a sub-rectangle without setting the RAM window and refreshes twice, so
// only its v2 and v3 LUT tables are used here.
package ssd1680
