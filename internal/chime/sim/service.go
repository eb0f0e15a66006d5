package sim

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
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

// ServeHTTP answers one API call: route, latency, authentication, rate
// limit, injected fault, then the operation. Every answer carries
// x-amzn-RequestId.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amzn-RequestId", newRequestID())
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		s.serveControl(w, r)
		return
	}
	start := time.Now()
	t := route(r.Method, r.URL.EscapedPath())
	res := s.answer(r, t)
	if res == nil {
		s.log.Debug("request abandoned by client", "method", r.Method, "path", r.URL.Path, "op", t.op.String())
		return
	}
	s.stats.record(t.op, res)
	if t.allow != "" {
		w.Header().Set("Allow", t.allow)
	}
	write(w, res)
	s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "op", t.op.String(),
		"status", res.status, "error", res.errorType, "duration", time.Since(start))
}

// answer computes the result; nil means the client went away while the
// simulated latency elapsed, so nothing is sent.
func (s *Service) answer(r *http.Request, t target) *result {
	if t.op == opUnknown {
		return unknownRoute(r, t)
	}
	if !sleep(r.Context(), s.chaos.delay()) {
		return nil
	}
	region, err := signingRegion(r.Header.Get("Authorization"))
	if err != nil {
		return t.op.fail(excForbidden, "%v", err)
	}
	if !s.limiter.allow(t.op) {
		return t.op.fail(excThrottled, "rate exceeded for %s", t.op)
	}
	if exc, injected := s.chaos.fault(); injected {
		res := t.op.fail(exc, "injected fault: %s did not run; retry", t.op)
		res.fault = true
		return res
	}
	return s.dispatch(&call{op: t.op, id: t.id, region: region, req: r})
}

// unknownRoute answers paths and methods the API does not have. The error
// type is the one AWS front ends send for them; SDKs report it as a generic
// API error.
func unknownRoute(r *http.Request, t target) *result {
	status, msg := http.StatusNotFound, "no such API route: "+r.Method+" "+r.URL.Path
	if t.allow != "" {
		status, msg = http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed on "+r.URL.Path+"; allowed: "+t.allow
	}
	return &result{status: status, body: errorBody{Code: "UnknownOperation", Message: msg}, errorType: "UnknownOperationException"}
}

// newRequestID returns a random UUID-shaped id for x-amzn-RequestId.
func newRequestID() string {
	a, b := rand.Uint64(), rand.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x",
		a>>32, (a>>16)&0xffff, a&0xfff, 0x8000|(b>>48)&0x3fff, b&0xffffffffffff)
}
