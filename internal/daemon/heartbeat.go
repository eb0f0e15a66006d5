package daemon

import (
	"sync/atomic"
	"time"
)

// DefaultStall is Options.Stall when it is zero: longer than a call of the
// chime port may take with all its attempts (chime.DefaultCallTimeout) and
// than the daemon's default --spec-timeout.
const DefaultStall = 5 * time.Minute

// Heartbeat is when the daemon last made progress, the proof it pings
// systemd's watchdog on. The loop beats it at each turn of its select (it
// turns at least every Stall/4 when idle) and before and after each
// evaluation of a revision; the daemon also beats it at each API call that
// returns (chime.Progress), so a long pass over many connectors is alive
// while a pass stuck in a call or an evaluation past their own bounds is
// not. It is safe for concurrent use, cheap, and never blocks.
type Heartbeat struct {
	start time.Time    // its monotonic reading is what ages are measured on
	last  atomic.Int64 // time.Since(start) at the last beat, in ns
}

// NewHeartbeat returns a heartbeat that has just beaten.
func NewHeartbeat() *Heartbeat {
	h := &Heartbeat{start: time.Now()}
	h.Beat()
	return h
}

// Beat records progress.
func (h *Heartbeat) Beat() { h.last.Store(int64(time.Since(h.start))) }

// Age is how long ago the last beat was.
func (h *Heartbeat) Age() time.Duration {
	return time.Since(h.start) - time.Duration(h.last.Load())
}

// Alive reports whether the loop made progress within Options.Stall. The
// daemon pings systemd's watchdog only while the loop is alive, so that
// systemd restarts a wedged daemon.
func (l *Loop) Alive() bool {
	return l.heart.Age() <= l.opts.Stall
}
