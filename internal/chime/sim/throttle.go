package sim

import "golang.org/x/time/rate"

// limiter holds one token bucket per operation, shared by all clients, as
// the service throttles per API.
type limiter struct {
	buckets [numOperations]*rate.Limiter
}

func newLimiter(r float64, burst int) *limiter {
	l := &limiter{}
	for i := range l.buckets {
		l.buckets[i] = rate.NewLimiter(rate.Inf, 1)
	}
	l.set(r, burst)
	return l
}

// set changes every bucket: r requests/s (0 = unlimited), burst tokens
// (0 = max(1, int(r))).
func (l *limiter) set(r float64, burst int) {
	lim := rate.Limit(r)
	if r <= 0 {
		lim = rate.Inf
	}
	if burst <= 0 {
		burst = max(1, int(r))
	}
	for _, b := range l.buckets {
		b.SetBurst(burst)
		b.SetLimit(lim)
	}
}

func (l *limiter) allow(op operation) bool { return l.buckets[op].Allow() }

// SetRate changes every operation's token bucket (0 = unlimited).
func (s *Service) SetRate(rate float64, burst int) { s.limiter.set(rate, burst) }
