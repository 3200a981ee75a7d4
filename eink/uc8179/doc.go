// Package uc8179 drives the Waveshare 7.5" V2 e-paper HAT: a UC8179
// (GD7965) controller with an 800x480 panel at one bit per pixel. It has
// a full refresh and a windowed partial refresh (partial window 0x90).
//
// The command sequences follow Waveshare's C and Python drivers for the
// 7.5" V2. periph.io has no driver for this controller.
package uc8179
