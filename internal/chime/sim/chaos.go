package sim

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// chaos draws injected faults and latency from one seeded source, so a
// sequential run with the same Seed fails the same calls.
type chaos struct {
	mu        sync.Mutex
	rng       *rand.Rand
	faultRate float64
	latency   time.Duration
	jitter    time.Duration
	spikeRate float64
	spike     time.Duration
}

func newChaos(o Config) *chaos {
	seed := uint64(o.Seed)
	return &chaos{
		rng:       rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		faultRate: o.FaultRate,
		latency:   o.Latency,
		jitter:    o.LatencyJitter,
		spikeRate: o.SpikeRate,
		spike:     o.Spike,
	}
}

// delay returns the latency to add to one call.
func (c *chaos) delay() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.latency
	if c.jitter > 0 {
		d += time.Duration(c.rng.Int64N(int64(c.jitter) + 1))
	}
	// Drawn only when spikes are on, so that runs without them keep the
	// sequence of faults a given seed always gave.
	if c.spikeRate > 0 && c.rng.Float64() < c.spikeRate {
		d += c.spike
	}
	return d
}

// fault decides whether to fail one call, and with which 5xx.
func (c *chaos) fault() (exception, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.faultRate <= 0 || c.rng.Float64() >= c.faultRate {
		return 0, false
	}
	if c.rng.IntN(2) == 0 {
		return excServiceFailure, true
	}
	return excServiceUnavailable, true
}

func (c *chaos) setFaults(r float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faultRate = r
}

func (c *chaos) setLatency(d, jitter time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.latency, c.jitter = d, jitter
}

func (c *chaos) setSpikes(r float64, d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.spikeRate, c.spike = r, d
}

// SetFaults changes the fraction of calls answered with an injected 5xx.
func (s *Service) SetFaults(rate float64) { s.chaos.setFaults(rate) }

// SetLatency changes the latency added to every call.
func (s *Service) SetLatency(d, jitter time.Duration) { s.chaos.setLatency(d, jitter) }

// SetSpikes changes the fraction of calls delayed by an extra d.
func (s *Service) SetSpikes(rate float64, d time.Duration) { s.chaos.setSpikes(rate, d) }

// sleep waits d or until ctx ends; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
