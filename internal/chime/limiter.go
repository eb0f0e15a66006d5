package chime

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"golang.org/x/time/rate"
)

// limiter is one region's token bucket, which every attempt waits for:
// at a fixed rate, or at the rate its adaptive controller sets.
type limiter struct {
	bucket *rate.Limiter
	ctl    *adaptive // nil: a fixed rate
}

// newLimiter returns the region's limiter for o, reporting its rate to
// report (nil: nowhere): once for a fixed rate, at every change for an
// adaptive one.
func newLimiter(o ClientOptions, report func(perSecond float64)) *limiter {
	if report == nil {
		report = func(float64) {}
	}
	if !o.AdaptiveRate {
		report(o.APIRate)
		if o.APIRate == 0 || math.IsInf(o.APIRate, 1) {
			return &limiter{bucket: rate.NewLimiter(rate.Inf, o.APIBurst)}
		}
		return &limiter{bucket: rate.NewLimiter(rate.Limit(o.APIRate), o.APIBurst)}
	}
	l := &limiter{bucket: rate.NewLimiter(rate.Limit(adaptiveStart), o.APIBurst)}
	l.ctl = newAdaptive(o.APIRateMax, func(r float64) {
		l.bucket.SetLimit(rate.Limit(r))
		report(r)
	})
	return l
}

// wait blocks until the bucket lets an attempt through or ctx ends. Its
// errors are marked as cancellation so that the retryer does not retry
// them.
func (l *limiter) wait(ctx context.Context) (ticket, error) {
	now := time.Now()
	r := l.bucket.ReserveN(now, 1)
	delay := r.DelayFrom(now)
	if delay == 0 {
		return l.sent(false), nil
	}
	if deadline, ok := ctx.Deadline(); ok && now.Add(delay).After(deadline) {
		r.CancelAt(now)
		return ticket{}, &aws.RequestCanceledError{Err: fmt.Errorf("rate limiter: %w", context.DeadlineExceeded)}
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return l.sent(true), nil
	case <-ctx.Done():
		r.Cancel()
		return ticket{}, &aws.RequestCanceledError{Err: ctx.Err()}
	}
}

func (l *limiter) sent(waited bool) ticket {
	if l.ctl == nil {
		return ticket{}
	}
	return l.ctl.sent(waited)
}

// done tells the controller, if any, how the service answered the attempt
// of tk: a throttle cuts the rate; any other answer may grow it. An attempt
// that got no answer (a connection error, a timeout, cancellation) tells
// nothing of the service's limit.
func (l *limiter) done(tk ticket, err error) {
	switch {
	case l.ctl == nil:
	case isThrottle(err):
		l.ctl.throttled(tk, time.Now())
	case err == nil || httpStatus(err) != 0: // the service answered
		l.ctl.answered(tk, time.Now())
	}
}
