package sim

import (
	"cmp"
	"fmt"
	"log/slog"
	"maps"
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

	// Credentials maps access key ids to secret access keys. When set,
	// every API call must carry a valid SigV4 signature by one of them
	// (see auth.go); when nil, only the form of the Authorization header is
	// checked.
	Credentials map[string]string
	// RouteQuota is the account's origination routes per Voice Connector,
	// 1..MaxRoutes; 0 means DefaultRouteQuota. A Put with more is 400.
	RouteQuota int
	// Unconfigured is how Get and Delete of an origination or emergency
	// calling configuration that is not set answer; "" means
	// UnconfiguredEmpty.
	Unconfigured Unconfigured
}

// DefaultRouteQuota is the default quota of origination routes per Voice
// Connector of an AWS account (the OriginationRoute doc: "Limit: Ten
// origination routes for each Voice Connector").
const DefaultRouteQuota = 10

// Unconfigured names how the simulator answers Get and Delete of a
// configuration (origination, emergency calling) a connector does not
// have. The service documents neither answer.
type Unconfigured string

const (
	// UnconfiguredEmpty answers Get 200 {} and Delete 204.
	UnconfiguredEmpty Unconfigured = "empty"
	// UnconfiguredNotFound answers both 404 NotFoundException.
	UnconfiguredNotFound Unconfigured = "notfound"
)

// UnmarshalText accepts "empty" and "notfound", so that the value can be a
// flag (flag.TextVar).
func (u *Unconfigured) UnmarshalText(b []byte) error {
	v := Unconfigured(b)
	if v != UnconfiguredEmpty && v != UnconfiguredNotFound {
		return fmt.Errorf("%q is neither %s nor %s", b, UnconfiguredEmpty, UnconfiguredNotFound)
	}
	*u = v
	return nil
}

// MarshalText returns the name; "" is UnconfiguredEmpty.
func (u Unconfigured) MarshalText() ([]byte, error) {
	if u == "" {
		return []byte(UnconfiguredEmpty), nil
	}
	return []byte(u), nil
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
	case o.RouteQuota < 0 || o.RouteQuota > MaxRoutes:
		return fmt.Errorf("route quota %d must be between 1 and %d (0 means %d)", o.RouteQuota, MaxRoutes, DefaultRouteQuota)
	case o.Unconfigured != "" && o.Unconfigured != UnconfiguredEmpty && o.Unconfigured != UnconfiguredNotFound:
		return fmt.Errorf("unconfigured %q must be %s or %s", o.Unconfigured, UnconfiguredEmpty, UnconfiguredNotFound)
	}
	return validateCredentials(o.Credentials)
}

// Service is the simulated Chime SDK Voice API. It is an http.Handler and is
// safe for concurrent use.
type Service struct {
	account      string
	log          *slog.Logger
	store        *store
	limiter      *limiter
	chaos        *chaos
	stats        recorder
	now          func() time.Time
	keys         map[string]string // access key id -> secret; nil: signatures not verified
	routeQuota   int
	unconfigured Unconfigured
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
		account:      opts.AccountID,
		log:          opts.Logger,
		store:        st,
		limiter:      newLimiter(opts.Rate, opts.Burst),
		chaos:        newChaos(opts),
		now:          time.Now,
		keys:         maps.Clone(opts.Credentials),
		routeQuota:   cmp.Or(opts.RouteQuota, DefaultRouteQuota),
		unconfigured: cmp.Or(opts.Unconfigured, UnconfiguredEmpty),
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
	region, refused := s.authenticate(r, t.op)
	if refused != nil {
		return refused
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
