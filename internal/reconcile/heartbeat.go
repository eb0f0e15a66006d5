package reconcile

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/origination"
)

// This file holds the loop's heartbeat, the proof of progress the daemon
// pings systemd's watchdog on, and the wrapper of the engine's API that
// beats it at each call.

// DefaultStall is LoopOptions.Stall when it is zero: longer than a call of
// the chime port may take with all its attempts (chime.DefaultCallTimeout)
// and than the daemon's default --spec-timeout.
const DefaultStall = 5 * time.Minute

// heartbeat is when the loop last made progress. It is safe for
// concurrent use.
type heartbeat struct {
	start time.Time    // its monotonic reading is what ages are measured on
	last  atomic.Int64 // time.Since(start) at the last beat, in ns
}

func newHeartbeat() *heartbeat {
	h := &heartbeat{start: time.Now()}
	h.beat()
	return h
}

func (h *heartbeat) beat() { h.last.Store(int64(time.Since(h.start))) }

// age is how long ago the last beat was.
func (h *heartbeat) age() time.Duration {
	return time.Since(h.start) - time.Duration(h.last.Load())
}

// Alive reports whether the loop made progress within LoopOptions.Stall.
// The loop beats at each turn of its select (it turns at least every
// Stall/4 when idle), before and after each evaluation of a revision, and
// at each API call that returns, so a long pass over many connectors is
// alive while a pass stuck in a call or an evaluation past their own
// bounds is not. The daemon pings systemd's watchdog only while the loop
// is alive, so that systemd restarts a wedged daemon. Safe from any
// goroutine, cheap, and never blocks.
func (l *Loop) Alive() bool {
	return l.heart.age() <= l.opts.Stall
}

// observeCalls makes every call of the engine's API that returns count as
// progress, and marks as permanent the errors the port does not call
// transient (see ErrorClass). NewLoop calls it before the engine is used.
func (e *Engine) observeCalls(progress func()) {
	e.api = calls{api: e.api, progress: progress}
}

// calls is the engine's API as the loop's engine calls it.
type calls struct {
	api      API
	progress func()
}

var _ API = calls{}

// done beats the heartbeat and classifies err: an error of a call that
// was not cut short by its caller, and that the port does not call
// transient, is a refusal that repeating the call cannot cure (a
// validation error, AccessDenied, NotFound, refused credentials).
func (c calls) done(ctx context.Context, err error) error {
	c.progress()
	if err == nil || ctx.Err() != nil || chime.IsTransient(err) {
		return err
	}
	return permanent(err)
}

func (c calls) ListConnectors(ctx context.Context, region string) ([]chime.VoiceConnector, error) {
	cs, err := c.api.ListConnectors(ctx, region)
	return cs, c.done(ctx, err)
}

func (c calls) GetConnector(ctx context.Context, region, id string) (chime.VoiceConnector, error) {
	vc, err := c.api.GetConnector(ctx, region, id)
	return vc, c.done(ctx, err)
}

func (c calls) GetOrigination(ctx context.Context, region, id string) (*origination.Origination, error) {
	o, err := c.api.GetOrigination(ctx, region, id)
	return o, c.done(ctx, err)
}

func (c calls) GetOriginationOf(ctx context.Context, vc chime.VoiceConnector) (*origination.Origination, error) {
	o, err := c.api.GetOriginationOf(ctx, vc)
	return o, c.done(ctx, err)
}

func (c calls) PutOrigination(ctx context.Context, region, id string, o *origination.Origination) (*origination.Origination, error) {
	got, err := c.api.PutOrigination(ctx, region, id, o)
	return got, c.done(ctx, err)
}

func (c calls) DeleteOrigination(ctx context.Context, region, id string) error {
	return c.done(ctx, c.api.DeleteOrigination(ctx, region, id))
}

func (c calls) EmergencyCallingConfigured(ctx context.Context, region, id string) (bool, error) {
	ok, err := c.api.EmergencyCallingConfigured(ctx, region, id)
	return ok, c.done(ctx, err)
}
