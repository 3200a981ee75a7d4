package sim

import "time"

// play sends each phase of each update to the event goroutine at the
// phase's time on the clock.
func (w *window) play() {
	for {
		var u Update
		select {
		case u = <-w.updates:
		case <-w.stop:
			return
		}
		// The status line shows the panel busy from the start.
		if !w.sleepUntil(u.Start) {
			return
		}
		w.sw.Send(statusEvent{})
		for i, p := range u.Phases {
			if !w.sleepUntil(p.At) {
				return
			}
			w.sw.Send(phaseEvent{u: u, phase: i})
		}
	}
}

// sleepUntil waits until time t on the clock, and returns false when
// the window closes first.
func (w *window) sleepUntil(t time.Time) bool {
	d := t.Sub(w.clock.Now())
	if d <= 0 {
		return true
	}
	select {
	case <-w.clock.After(d):
		return true
	case <-w.stop:
		return false
	}
}

// show queues update u for drawing. It does nothing once the window has
// closed.
func (w *window) show(u Update) {
	select {
	case <-w.stop:
		return
	default:
	}
	w.queued.Add(1)
	select {
	case w.updates <- u:
	case <-w.stop:
	}
}
