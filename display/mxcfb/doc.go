// Package mxcfb is a display.Panel for the i.MX EPDC e-ink framebuffer
// of Kobo, Kindle and Nook Glowlight class readers (driver
// mxc_epdc_fb).
//
// Pixels go into the framebuffer memory through fb.Surface, and an update
// of a region starts with the MXCFB_SEND_UPDATE ioctl, and
// MXCFB_WAIT_FOR_UPDATE_COMPLETE blocks until the update marker it names
// is done. Vendors changed the struct of both ioctls over the years, and
// the size of the struct is part of the ioctl number, so a driver
// rejects a layout it does not know with EINVAL (or ENOTTY) and the
// panel tries the next one. The layouts, ioctl numbers and waveform
// numbers follow FBInk's eink/mxcfb-kobo.h and eink/mxcfb-kindle.h,
// which collect the vendors' kernel headers. The rule that marker 0 is
// invalid and the 5 s wait inside the driver follow Freescale's
// drivers/video/mxc/mxc_epdc_fb.c.
package mxcfb
