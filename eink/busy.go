package eink

import (
	"context"
	"errors"
	"fmt"
	"time"

	"periph.io/x/conn/v3/gpio"

	"github.com/einkterm/einkterm/display"
)

// ErrBusy is wrapped by every error of a panel that stayed busy.
var ErrBusy = errors.New("panel stayed busy")

// BusyError reports a BUSY or HRDY line that did not go idle in time,
// also after a hardware reset.
type BusyError struct {
	Pin     string        // the pin's name, such as "GPIO24"
	Signal  string        // "BUSY" or "HRDY"
	Level   gpio.Level    // the level that means busy
	Timeout time.Duration // how long each wait lasted
	Hint    string        // the likely cause
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("eink: %s pin %s stayed %s for %s, also after a reset: %s",
		e.Signal, e.Pin, e.Level, e.Timeout, e.Hint)
}

// Unwrap returns ErrBusy.
func (e *BusyError) Unwrap() error { return ErrBusy }

// Busy reads a controller's busy line.
type Busy struct {
	Pin    gpio.PinIn
	Signal string     // "BUSY" or "HRDY", for messages
	Level  gpio.Level // the level that means busy
	Clock  display.Clock
	Poll   time.Duration // time between reads; zero means 2 ms
	Hint   string        // the likely cause when the line stays busy
}

// IsBusy returns whether the line is at its busy level.
func (b *Busy) IsBusy() bool {
	return b.Pin.Read() == b.Level
}

// errTimeout is returned by wait; WaitReset turns it into a BusyError.
var errTimeout = errors.New("eink: busy wait timed out")

// wait polls the line until it is idle or timeout has passed.
func (b *Busy) wait(ctx context.Context, timeout time.Duration) error {
	clock := b.clock()
	deadline := clock.Now().Add(timeout)
	poll := b.Poll
	if poll <= 0 {
		poll = 2 * time.Millisecond
	}
	for b.IsBusy() {
		if !clock.Now().Before(deadline) {
			return errTimeout
		}
		if err := Sleep(ctx, clock, poll); err != nil {
			return err
		}
	}
	return nil
}

// WaitReset waits until the line is idle. When it stays busy for timeout,
// reset runs once and the wait repeats; a second timeout returns a
// *BusyError naming the pin and the likely cause.
func (b *Busy) WaitReset(ctx context.Context, timeout time.Duration, reset func(context.Context) error) error {
	err := b.wait(ctx, timeout)
	if !errors.Is(err, errTimeout) {
		return err
	}
	if reset != nil {
		if err := reset(ctx); err != nil {
			return err
		}
		err = b.wait(ctx, timeout)
		if !errors.Is(err, errTimeout) {
			return err
		}
	}
	return &BusyError{Pin: b.Pin.String(), Signal: b.Signal, Level: b.Level,
		Timeout: timeout, Hint: b.Hint}
}

func (b *Busy) clock() display.Clock {
	if b.Clock == nil {
		return display.SystemClock{}
	}
	return b.Clock
}

// BusyTimeout returns how long to wait for an update whose modelled cost
// is cost: twice the cost plus two seconds, so that a cold panel, which
// refreshes more slowly, is not taken for a broken one.
func BusyTimeout(cost time.Duration) time.Duration {
	return 2*cost + 2*time.Second
}

// Sleep waits d on clock or until ctx ends.
func Sleep(ctx context.Context, clock display.Clock, d time.Duration) error {
	if clock == nil {
		clock = display.SystemClock{}
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-clock.After(d):
		return nil
	}
}

// Pulse drives pin high for high1, low for low, then high for high2: the
// reset pulse of the Waveshare HATs.
func Pulse(ctx context.Context, clock display.Clock, pin gpio.PinOut, high1, low, high2 time.Duration) error {
	steps := []struct {
		level gpio.Level
		d     time.Duration
	}{{gpio.High, high1}, {gpio.Low, low}, {gpio.High, high2}}
	for _, s := range steps {
		if err := pin.Out(s.level); err != nil {
			return fmt.Errorf("eink: reset pin %s: %w", pin, err)
		}
		if err := Sleep(ctx, clock, s.d); err != nil {
			return err
		}
	}
	return nil
}
