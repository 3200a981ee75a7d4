// Package boards holds the wiring of e-paper HATs on the boards einkterm
// runs on. A profile names the SPI device and the GPIO lines that a panel
// uses on a Raspberry Pi Zero W, Zero 2 W, 3, 4 and 5 and on a BeagleBone
// Black or Green. Open initialises periph.io's host drivers and opens the port and
// pins, with errors that say how to enable SPI on that board.
//
// On the Raspberry Pi 5 the GPIO block is the RP1 chip, which periph's
// bcm283x register driver does not drive, so its lines are taken from the
// GPIO character device (/dev/gpiochipN) through periph's gpioioctl
// driver.
package boards
