package source

import (
	"context"
	"math/rand/v2"
	"time"
)

// minBackoff is the first retry delay after a failed fetch.
const minBackoff = time.Second

// Watch fetches at start, every Interval (jittered by ±10%), and at once
// when trigger fires (a webhook; nil if none), and sends the snapshot when
// its revision differs from the last one sent. A failed fetch sends
// nothing, so the consumer keeps the last good snapshot; it is logged,
// reported to OnFetch by Fetch, and retried with exponential backoff from
// 1s up to Interval.
//
// Watch blocks until ctx is done and then returns nil.
func (g *Git) Watch(ctx context.Context, out chan<- *Snapshot, trigger <-chan struct{}) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	var last string
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-trigger:
			g.log.Debug("fetch triggered")
		case <-timer.C:
		}
		s, err := g.Fetch(ctx)
		if ctx.Err() != nil {
			return nil
		}
		wait := g.opts.Interval
		if err != nil {
			failures++
			wait = backoff(failures, g.opts.Interval)
			g.log.Warn("fetch failed, keeping the last good revision", keyErr, err, keyRetryIn, wait)
		} else {
			failures = 0
			g.publish(ctx, out, s, &last)
		}
		timer.Reset(jitter(wait))
	}
}

func (g *Git) publish(ctx context.Context, out chan<- *Snapshot, s *Snapshot, last *string) {
	if s.Revision == *last {
		g.log.Debug("in sync", keyRevision, s.Revision)
		return
	}
	select {
	case out <- s:
		*last = s.Revision
		g.log.Info("new spec revision", keyRevision, s.Revision, keyFiles, len(s.Files))
	case <-ctx.Done():
	}
}

// backoff is the delay after the n-th failure in a row: 1s doubling up to
// limit (or limit, when limit is shorter than 1s).
func backoff(n int, limit time.Duration) time.Duration {
	d := min(minBackoff, limit)
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// jitter spreads d by ±10% so that many reconcilers do not poll one server
// in step.
func jitter(d time.Duration) time.Duration {
	spread := d / 5
	if spread <= 0 {
		return d
	}
	return d - spread/2 + rand.N(spread)
}
