// Package display is einkterm's panel layer: the Panel contract that every
// output device meets, packed frames, damage, the refresh loop that turns
// damage into panel refreshes, and the panels that are not SPI e-paper
// (the headless recorder among them).
//
// Coordinates are half-open image.Rectangle values in panel pixels. The
// package never logs on its own; types that report events take an
// injected *slog.Logger, where nil means silent.
package display
