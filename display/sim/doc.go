// Package sim is the desktop simulator: an X11 window that behaves like
// an e-paper panel, for developing layouts, fonts and refresh policy
// without hardware.
//
// A Sim is a display.Panel. Its Model, a pure type that tests drive with
// explicit times, decides what each refresh shows and when. A refresh
// takes the time that the profile gives its mode, and the panel stays
// busy meanwhile. A flashing mode shows black, white and black over its
// waveform before the new image. A non-flashing mode leaves a ghost of
// the previous content, which grows with the partials since the last
// clean. Each mode shows only its gray levels, and regions grow to the
// mode's alignment. F12 outlines each refresh region for a moment,
// coloured by mode, and the title and a status line count refreshes and
// flashes.
//
// A Sim is also a display.Keyboard: keys typed into the window arrive on
// Input encoded by term.EncodeKey, Shift+Insert and Ctrl+Shift+V paste
// the CLIPBOARD selection, a middle click pastes PRIMARY, and closing
// the window closes Input, which ends the session. AttachSession makes
// the keys follow the terminal's modes, and makes Ctrl+Shift+R request a
// cleaning full refresh from the refresh loop.
//
// The zoom is a whole number, or 1/N for a panel larger than the screen,
// where each window pixel is the average of N by N panel pixels. It is
// picked to fit the screen unless set, and it follows the window when a
// window manager resizes it. The model keeps every panel pixel whatever
// the zoom. When the window is destroyed by another client or the X
// connection breaks, Input closes, a warning is logged and Err returns
// the reason.
//
// Rotation turns the window, not the model: the Sim works in the
// panel's native pixels, as a panel behind display.Rotate does, and the
// window shows them upright.
//
// The window uses golang.org/x/exp/shiny's X11 driver, which is pure Go,
// so CGO_ENABLED=0 builds keep the simulator. Shiny exposes neither the
// title, nor selections, nor notice of the window being destroyed by
// another client, so a second X connection does those. Under Wayland the
// window needs XWayland.
package sim
