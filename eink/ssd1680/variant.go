package ssd1680

import (
	"fmt"
	"strings"

	v2 "periph.io/x/devices/v3/waveshare2in13v2"
	v3 "periph.io/x/devices/v3/waveshare2in13v3"
)

// Variant is a hardware revision of the Waveshare 2.13" HAT.
type Variant int

// The HAT revisions. The zero value is V4.
// NOTE: Waveshare's V2 code also mirrors x when it builds a frame; the V2
// here uses the V3/V4 orientation, which no V2 panel has confirmed.
const (
	V4 Variant = iota
	V3
	V2
)

// ParseVariant returns the variant named "v2", "v3" or "v4".
func ParseVariant(s string) (Variant, error) {
	switch strings.ToLower(s) {
	case "v4", "":
		return V4, nil
	case "v3":
		return V3, nil
	case "v2":
		return V2, nil
	}
	return V4, fmt.Errorf("ssd1680: unknown 2.13\" variant %q: use v2, v3 or v4", s)
}

// String returns "v2", "v3" or "v4".
func (v Variant) String() string {
	return [...]string{"v4", "v3", "v2"}[v]
}

// lut returns the register waveform of v for a full or partial update:
// 153 bytes and a trailer of gate and source voltages on V3, 70 bytes on
// V2, and nil on V4, which uses the waveforms in its OTP memory.
func (v Variant) lut(partial bool) []byte {
	switch {
	case v == V3 && partial:
		return v3.EPD2in13v3.PartialUpdate
	case v == V3:
		return v3.EPD2in13v3.FullUpdate
	case v == V2 && partial:
		return v2.EPD2in13v2.PartialUpdate
	case v == V2:
		return v2.EPD2in13v2.FullUpdate
	}
	return nil
}

// fullCtrl returns the update control 2 value of a full refresh: the OTP
// waveform on V4, the register LUT on V2 and V3.
func (v Variant) fullCtrl() byte {
	if v == V4 {
		return 0xF7
	}
	return 0xC7
}

// partialCtrl returns the update control 2 value of a mode-2 refresh.
func (v Variant) partialCtrl() byte {
	switch v {
	case V3:
		return 0x0F
	case V2:
		return 0x0C
	}
	return 0xFC
}
