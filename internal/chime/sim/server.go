package sim

import (
	"fmt"
	"log/slog"
	"time"
)

// Config configures a Service. The zero value is a fast, reliable,
// in-memory simulator.
type Config struct {
	Rate          float64       // per-operation token bucket, requests/s; 0 = unlimited. Above it: 429 ThrottledClientException
	Burst         int           // bucket size; 0 = max(1, int(Rate))
	Latency       time.Duration // added to every call
	LatencyJitter time.Duration // uniform extra 0..jitter
	SpikeRate     float64       // fraction of API calls delayed by Spike on top of the latency (a slow backend, a GC pause)
	Spike         time.Duration // the extra delay of a spiked call
	FaultRate     float64       // fraction of API calls answered 500 ServiceFailureException or 503 ServiceUnavailableException
	Seed          int64         // makes faults/jitter reproducible; 0 is a seed like any other
	StatePath     string        // if set: loaded at start, saved durably and atomically on every change before answering
	AccountID     string        // for ARNs, default "123456789012"
	Logger        *slog.Logger  // may be nil => discard
}

// DefaultAccountID is the account in ARNs when Config.AccountID is empty.
const DefaultAccountID = "123456789012"

// Validate reports the first option out of its range; New calls it, and
// `reconciler sim` calls it to answer a bad flag as a usage error.
func (o Config) Validate() error {
	switch {
	case o.Rate < 0:
		return fmt.Errorf("rate %v must not be negative", o.Rate)
	case o.Burst < 0:
		return fmt.Errorf("burst %d must not be negative", o.Burst)
	case o.Latency < 0 || o.LatencyJitter < 0:
		return fmt.Errorf("latency %v and jitter %v must not be negative", o.Latency, o.LatencyJitter)
	case o.FaultRate < 0 || o.FaultRate > 1:
		return fmt.Errorf("fault rate %v must be between 0 and 1", o.FaultRate)
	case o.SpikeRate < 0 || o.SpikeRate > 1 || o.Spike < 0:
		return fmt.Errorf("spike rate %v must be between 0 and 1 and spike %v not negative", o.SpikeRate, o.Spike)
	}
	return nil
}

// Service is the simulated Chime SDK Voice API. It is an http.Handler and is
// safe for concurrent use.
type Service struct {
	account string
	log     *slog.Logger
	store   *store
	limiter *limiter
	chaos   *chaos
	stats   recorder
	now     func() time.Time
}

// New returns a Service; with Config.StatePath it loads the state file (or
// creates it, which checks early that it can be written).
func New(opts Config) (*Service, error) {
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("simulator options: %w", err)
	}
	var file *stateFile
	if opts.StatePath != "" {
		file = &stateFile{path: opts.StatePath}
	}
	st, err := newStore(file)
	if err != nil {
		return nil, err
	}
	s := &Service{
		account: opts.AccountID,
		log:     opts.Logger,
		store:   st,
		limiter: newLimiter(opts.Rate, opts.Burst),
		chaos:   newChaos(opts),
		now:     time.Now,
	}
	if s.account == "" {
		s.account = DefaultAccountID
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// Stats returns a snapshot of the counters.
func (s *Service) Stats() Stats { return s.stats.snapshot() }

// ResetStats zeroes the counters.
func (s *Service) ResetStats() { s.stats.reset() }

// SetFaults changes the fraction of calls answered with an injected 5xx.
func (s *Service) SetFaults(rate float64) { s.chaos.setFaults(rate) }

// SetRate changes every operation's token bucket (0 = unlimited).
func (s *Service) SetRate(rate float64, burst int) { s.limiter.set(rate, burst) }

// SetLatency changes the latency added to every call.
func (s *Service) SetLatency(d, jitter time.Duration) { s.chaos.setLatency(d, jitter) }

// SetSpikes changes the fraction of calls delayed by an extra d.
func (s *Service) SetSpikes(rate float64, d time.Duration) { s.chaos.setSpikes(rate, d) }
