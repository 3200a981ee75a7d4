package emu

import (
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

// OutPin is a gpiotest pin that calls OnOut on every level written, so an
// emulator can act on the reset line.
type OutPin struct {
	gpiotest.Pin
	OnOut func(gpio.Level)
}

// NewOutPin returns an output pin called name at level high.
func NewOutPin(name string, num int) *OutPin {
	return &OutPin{Pin: gpiotest.Pin{N: name, Num: num, L: gpio.High}}
}

// Out stores l and reports it to OnOut.
func (p *OutPin) Out(l gpio.Level) error {
	if err := p.Pin.Out(l); err != nil {
		return err
	}
	if p.OnOut != nil {
		p.OnOut(l)
	}
	return nil
}

// InPin is a gpiotest pin whose level comes from a function, such as an
// emulator's busy state at the virtual time.
type InPin struct {
	gpiotest.Pin
	Level func() gpio.Level
}

// NewInPin returns an input pin called name that reads level().
func NewInPin(name string, num int, level func() gpio.Level) *InPin {
	return &InPin{Pin: gpiotest.Pin{N: name, Num: num}, Level: level}
}

// Read returns Level() when set, else the stored level.
func (p *InPin) Read() gpio.Level {
	if p.Level != nil {
		return p.Level()
	}
	return p.Pin.Read()
}
