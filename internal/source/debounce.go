package source

import "time"

// debouncer fires its timer once events have stopped for quiet, or at the
// latest limit after the first event of a burst.
type debouncer struct {
	quiet, limit time.Duration
	timer        *time.Timer
	first        time.Time // first event of the pending burst; zero when idle
}

func newDebouncer(quiet, limit time.Duration) *debouncer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &debouncer{quiet: quiet, limit: limit, timer: t}
}

// poke records an event at now and pushes the timer back.
func (d *debouncer) poke(now time.Time) {
	if d.first.IsZero() {
		d.first = now
	}
	d.timer.Reset(max(0, min(d.quiet, d.limit-now.Sub(d.first))))
}

// fired marks the end of a burst; call it when the timer fires.
func (d *debouncer) fired() {
	d.first = time.Time{}
}
