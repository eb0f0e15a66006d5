package chime

import (
	"math"
	"sync"
	"time"
)

// DefaultAPIRateMax is the adaptive rate's ceiling when
// ClientOptions.APIRateMax is 0.
const DefaultAPIRateMax = 100.0

// Parameters of the adaptive rate; the package documentation explains them.
const (
	adaptiveStart    = 5.0   // requests/s of a region's first attempts
	adaptiveFloor    = 0.5   // requests/s never cut below: the SDK's minFillRate
	adaptiveBeta     = 0.7   // a throttle cuts the rate to 70%: the SDK's CUBIC beta
	adaptiveDoubling = 0.5   // seconds of sending at the limit per doubling, before the first throttle
	adaptiveK        = 4.0   // seconds of sending at the limit to regain the peak after a cut...
	adaptiveKCalls   = 100.0 // ... and at least the time of this many calls at the peak
	meterTau         = time.Second
)

// adaptive is one region's rate controller. It sets the rate of the
// region's token bucket from the service's answers, as TCP's CUBIC sets a
// congestion window and the AWS SDKs' adaptive retry mode a send rate:
//
//   - slow start: from adaptiveStart, the rate doubles every
//     adaptiveDoubling seconds of sending at the limit, until the first
//     throttle;
//   - a throttle cuts the rate to adaptiveBeta of what it was, and sets the
//     peak: the rate cut from, or the rate the service accepted over the
//     last second if that is more (after a burst of throttles has cut the
//     rate below what the service takes, this is what to return to). Only
//     the throttle of an attempt sent at the current rate cuts: the other
//     attempts in flight with it were sent too fast, and one cut is enough
//     for them all;
//   - after a cut, the rate follows CUBIC's curve: back to the peak in k
//     seconds, flat near it, then ever faster beyond it until the next
//     throttle. k is adaptiveK, or the time of adaptiveKCalls calls at the
//     peak if longer, so that a slow service, whose every throttle is a
//     larger share of its calls, is probed more slowly;
//   - never below adaptiveFloor nor above max.
//
// Its clock is not the wall clock: each answer (but a throttle) to an
// attempt that waited for the bucket advances it by 1/rate, the time the
// bucket spaces attempts by. So the rate grows only while it is what holds
// the callers back: an idle daemon, or callers that send less than it
// allows, leave it where it is, and the next pass starts from the rate the
// last one found.
type adaptive struct {
	max   float64
	apply func(perSecond float64) // sets the bucket's rate; called with mu held

	mu       sync.Mutex
	accepted meter   // answers but throttles
	rate     float64 // requests/s now
	peak     float64 // CUBIC's W_max; 0 before the first throttle: slow start
	k        float64 // seconds from a cut back to peak
	t        float64 // seconds of sending at the limit since the last cut
	epoch    uint64  // cuts so far
}

// newAdaptive returns a controller with ceiling max that calls apply with
// each new rate, the first at once.
func newAdaptive(ceiling float64, apply func(perSecond float64)) *adaptive {
	a := &adaptive{max: ceiling, apply: apply}
	a.set(adaptiveStart)
	return a
}

// ticket is what the controller needs to know of an attempt when the
// answer comes: the cuts made before it was sent, and whether it waited for
// the bucket.
type ticket struct {
	epoch   uint64
	limited bool
}

// sent returns the ticket of an attempt the bucket lets through now.
func (a *adaptive) sent(waited bool) ticket {
	a.mu.Lock()
	defer a.mu.Unlock()
	return ticket{epoch: a.epoch, limited: waited}
}

// current returns the rate in force.
func (a *adaptive) current() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rate
}

// throttled cuts the rate, unless a cut followed tk's attempt already.
func (a *adaptive) throttled(tk ticket, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if tk.epoch != a.epoch {
		return
	}
	a.epoch++
	a.peak = a.rate
	if r, ok := a.accepted.rate(now); ok {
		a.peak = max(a.peak, r)
	}
	a.k = max(adaptiveK, adaptiveKCalls/a.peak)
	a.t = 0
	a.set(a.rate * adaptiveBeta)
}

// answered counts an answer that is not a throttle (a success, a 5xx, a
// validation error: the service took the request) and, if its attempt
// waited for the bucket, grows the rate.
func (a *adaptive) answered(tk ticket, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.accepted.add(now)
	if !tk.limited || a.rate >= a.max {
		return
	}
	dt := 1 / a.rate
	a.t += dt
	if a.peak == 0 {
		a.set(a.rate * math.Exp2(dt/adaptiveDoubling))
		return
	}
	a.set(a.peak * (1 - (1-adaptiveBeta)*math.Pow(1-a.t/a.k, 3)))
}

// set makes r the rate, within [adaptiveFloor, max].
func (a *adaptive) set(r float64) {
	a.rate = min(max(r, adaptiveFloor), a.max)
	a.apply(a.rate)
}

// meter estimates the rate of events: a count that decays exponentially
// with time constant meterTau, divided by meterTau.
type meter struct {
	n           float64
	first, last time.Time
}

func (m *meter) add(now time.Time) {
	if m.first.IsZero() {
		m.first = now
	}
	m.n = m.decayed(now) + 1
	m.last = now
}

// rate returns events per second; ok is false until the meter has counted
// for meterTau, when the count still underestimates the rate.
func (m *meter) rate(now time.Time) (perSecond float64, ok bool) {
	if m.first.IsZero() || now.Sub(m.first) < meterTau {
		return 0, false
	}
	return m.decayed(now) / meterTau.Seconds(), true
}

func (m *meter) decayed(now time.Time) float64 {
	if m.last.IsZero() {
		return 0
	}
	return m.n * math.Exp(-float64(now.Sub(m.last))/float64(meterTau))
}
