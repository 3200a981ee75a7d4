package mxcfb

import (
	"unsafe"

	"github.com/einkterm/einkterm/display"
)

// rect is struct mxcfb_rect.
type rect struct{ Top, Left, Width, Height uint32 }

// altBuffer is struct mxcfb_alt_buffer_data without the pointer that the
// older NTX (Kobo) layout has first: 28 bytes.
type altBuffer struct {
	PhysAddr, Width, Height uint32
	Region                  rect
}

// altBufferNTX is the Kobo (NTX) struct mxcfb_alt_buffer_data_ntx, with
// a virt_addr pointer first: 32 bytes on 32-bit ARM.
type altBufferNTX struct {
	VirtAddr uintptr
	altBuffer
}

// common is the head every layout shares.
type common struct {
	Region     rect
	Waveform   uint32
	UpdateMode uint32
	Marker     uint32
}

// updateV1NTX is Kobo's mxcfb_update_data_v1_ntx, used through Mark 6
// and still taken by Mark 7 kernels: 68 bytes on 32-bit ARM.
type updateV1NTX struct {
	common
	Temp  int32
	Flags uint32
	Alt   altBufferNTX
}

// updateV1 is Kobo's mxcfb_update_data_v1 (the Aura's "org" layout),
// the same layout as Kindle firmware 5.0's: 64 bytes.
type updateV1 struct {
	common
	Temp  int32
	Flags uint32
	Alt   altBuffer
}

// updateV2 is mxcfb_update_data of Kobo Mark 7 (i.MX6SLL, i.MX7D), with
// dithering fields: 72 bytes.
type updateV2 struct {
	common
	Temp       int32
	Flags      uint32
	DitherMode int32
	QuantBit   int32
	Alt        altBuffer
}

// updateKindle is Lab126's mxcfb_update_data of the Kindle Touch to
// Paperwhite 3 and Voyage, with histogram waveforms: 72 bytes, the same
// size as updateV2 but another order, so the two are told apart by
// Options.Family and not by the driver.
type updateKindle struct {
	common
	HistBW   uint32
	HistGray uint32
	Temp     int32
	Flags    uint32
	Alt      altBuffer
}

// updateRex is the Kindle Paperwhite 4 layout (mxcfb_update_data_rex):
// 80 bytes.
type updateRex struct {
	updateV2
	HistBW   uint32
	HistGray uint32
}

// updateZelda is the Kindle Oasis 2 and 3 layout
// (mxcfb_update_data_zelda): 88 bytes.
type updateZelda struct {
	updateRex
	TsPXP  uint32
	TsEPDC uint32
}

// markerData is struct mxcfb_update_marker_data.
type markerData struct {
	Marker        uint32
	CollisionTest uint32
}

// Values of the update struct (mxcfb-kobo.h, mxcfb-kindle.h).
const (
	updateModePartial = 0
	updateModeFull    = 1
	tempUseAmbient    = 0x1000
)

// ioctl request encoding of asm-generic/ioctl.h.
func ioc(dir, nr, size uintptr) uint {
	const typ = 'F'
	return uint(dir<<30 | size<<16 | typ<<8 | nr)
}

const (
	iocWrite     = 1
	iocReadWrite = 3
	nrSendUpdate = 0x2E
	nrWait       = 0x2F
	nrWaitMX6SL  = 0x35
)

// waveforms maps display modes to a driver's waveform numbers.
type waveforms map[display.Mode]uint32

var (
	// Kobo (NTX) and the Kindles before the Oasis 2 share the numbers
	// of the five modes einkterm uses.
	classicWaveforms = waveforms{
		display.ModeINIT: 0, display.ModeDU: 1, display.ModeGC16: 2,
		display.ModeA2: 4, display.ModeGL16: 5,
	}
	// The Kindle Oasis 2 ("zelda") and Paperwhite 4 ("rex") renumbered
	// GL16 and A2.
	zeldaWaveforms = waveforms{
		display.ModeINIT: 0, display.ModeDU: 1, display.ModeGC16: 2,
		display.ModeGL16: 3, display.ModeA2: 6,
	}
)

// update is what one MXCFB_SEND_UPDATE carries, before a layout encodes
// it.
type update struct {
	Region   rect
	Mode     display.Mode
	Full     bool // UPDATE_MODE_FULL: every pixel of the region is driven
	Marker   uint32
	Waveform uint32
}

// layout is one known MXCFB_SEND_UPDATE struct.
type layout struct {
	name      string
	size      uintptr
	waveforms waveforms
	encode    func(u update) []byte
}

// request returns the layout's ioctl number.
func (l layout) request() uint { return ioc(iocWrite, nrSendUpdate, l.size) }

// bytesOf returns the memory of *v, which is laid out as the C struct.
func bytesOf[T any](v *T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(v)), unsafe.Sizeof(*v))
}

func (u update) common() common {
	mode := uint32(updateModePartial)
	if u.Full {
		mode = updateModeFull
	}
	return common{Region: u.Region, Waveform: u.Waveform, UpdateMode: mode, Marker: u.Marker}
}

// Layouts, each with its waveform numbers.
var (
	layoutV1NTX = layout{"kobo-v1-ntx", unsafe.Sizeof(updateV1NTX{}), classicWaveforms,
		func(u update) []byte {
			return bytesOf(&updateV1NTX{common: u.common(), Temp: tempUseAmbient})
		}}
	layoutV1 = layout{"kobo-v1", unsafe.Sizeof(updateV1{}), classicWaveforms,
		func(u update) []byte {
			return bytesOf(&updateV1{common: u.common(), Temp: tempUseAmbient})
		}}
	layoutV2 = layout{"kobo-v2", unsafe.Sizeof(updateV2{}), classicWaveforms,
		func(u update) []byte {
			return bytesOf(&updateV2{common: u.common(), Temp: tempUseAmbient})
		}}
	// The histogram waveforms only matter with WAVEFORM_MODE_AUTO,
	// which einkterm never sends, so they are set to DU and GC16.
	layoutKindle = layout{"kindle", unsafe.Sizeof(updateKindle{}), classicWaveforms,
		func(u update) []byte {
			return bytesOf(&updateKindle{common: u.common(), HistBW: 1, HistGray: 2, Temp: tempUseAmbient})
		}}
	layoutRex = layout{"kindle-rex", unsafe.Sizeof(updateRex{}), zeldaWaveforms,
		func(u update) []byte {
			v := updateRex{updateV2: updateV2{common: u.common(), Temp: tempUseAmbient}, HistBW: 1, HistGray: 2}
			return bytesOf(&v)
		}}
	layoutZelda = layout{"kindle-zelda", unsafe.Sizeof(updateZelda{}), zeldaWaveforms,
		func(u update) []byte {
			v := updateZelda{updateRex: updateRex{
				updateV2: updateV2{common: u.common(), Temp: tempUseAmbient}, HistBW: 1, HistGray: 2}}
			return bytesOf(&v)
		}}
)

// Families: the order in which layouts are tried. The Kobo and Kindle
// lists differ only where two layouts have the same size (72 bytes) and
// the driver cannot reject the wrong one.
var families = map[string][]layout{
	"kobo":   {layoutV1NTX, layoutV2, layoutV1},
	"kindle": {layoutKindle, layoutRex, layoutZelda, layoutV1},
}

// waitCall is one known MXCFB_WAIT_FOR_UPDATE_COMPLETE form.
type waitCall struct {
	name    string
	request uint
	encode  func(marker uint32) []byte
}

var waitCalls = []waitCall{
	// Kobo Mark 7 and Kindle Paperwhite 2 and later.
	{"marker-data", ioc(iocReadWrite, nrWait, unsafe.Sizeof(markerData{})),
		func(m uint32) []byte { return bytesOf(&markerData{Marker: m}) }},
	// Kobo through Mark 6, Kindle Touch and Paperwhite 1.
	{"u32", ioc(iocWrite, nrWait, 4),
		func(m uint32) []byte { return bytesOf(&m) }},
	// The i.MX6SL BSP.
	{"mx6sl", ioc(iocReadWrite, nrWaitMX6SL, unsafe.Sizeof(markerData{})),
		func(m uint32) []byte { return bytesOf(&markerData{Marker: m}) }},
}
