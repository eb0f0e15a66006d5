package reconcile

import (
	"flag"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/simtest"
)

// long opts in to the wall-clock scenario of the adaptive rate, about 26 s:
// out of the default run, so that go test ./internal/... stays quick to
// iterate on; make test and .ci/run give it.
var long = flag.Bool("long", false, "run TestApplyConvergesWithDefaults, a 26 s wall-clock scenario of the adaptive rate")

// cliDefaults are the Chime options the CLI's flags give by default
// (cmd/reconciler/apiflags.go): --api-rate auto, --api-rate-max 100,
// --api-burst 5, --max-attempts 10, --max-throttle-attempts 25, the SDK's
// backoff capped at 20 s.
func cliDefaults(obs chime.Observer) chime.ClientOptions {
	return chime.ClientOptions{AdaptiveRate: true, APIBurst: 5, MaxBackoff: 20 * time.Second, Observer: obs}
}

// rateGauge is a chime.RateObserver that keeps the rates each region's
// limiter was set to.
type rateGauge struct {
	mu    sync.Mutex
	rates map[string][]float64
}

func (g *rateGauge) Request(string, string, string, time.Duration) {}
func (g *rateGauge) Retry(string, string)                          {}
func (g *rateGauge) Throttle(string, string)                       {}

func (g *rateGauge) RateLimit(region string, perSecond float64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.rates == nil {
		g.rates = map[string][]float64{}
	}
	g.rates[region] = append(g.rates[region], perSecond)
}

// settled returns region's last rate and its highest.
func (g *rateGauge) settled(region string) (last, highest float64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	rs := g.rates[region]
	if len(rs) == 0 {
		return 0, 0
	}
	return rs[len(rs)-1], slices.Max(rs)
}

var (
	_ chime.Observer     = (*rateGauge)(nil)
	_ chime.RateObserver = (*rateGauge)(nil)
)

// TestApplyConvergesWithDefaults: with the CLI's default flags, which do
// not know the service's rate, an apply of 150 connectors (10 of them
// changed) converges every one against a service that allows 10 requests/s
// per operation and fails 30% of calls with a 5xx. The origination reads
// alone need 160 / 0.7 / 10 = 23 s at the service's rate. The seed fixes the
// simulator's draws; which call gets which draw depends on scheduling.
func TestApplyConvergesWithDefaults(t *testing.T) {
	if !*long {
		t.Skip("opt-in wall-clock run (26 s): give -long, as make test does")
	}
	const n, changed = 150, 10
	simtest.Isolate(t)
	w := simtest.Start(t, sim.Config{Rate: 10, FaultRate: 0.3, Seed: 12})
	gauge := &rateGauge{}
	client := w.Client(t, cliDefaults(gauge))
	eng := NewEngine(client, EngineOptions{})
	desired := fleet(kindOn(t, client, origination.Options{}), w.Connectors(t, "us-east-1", "vc", n))
	for _, c := range desired {
		if err := w.Sim.SetOrigination(c.ID, originationOf(c)); err != nil {
			t.Fatal(err)
		}
	}
	for j := range changed {
		originationOf(desired[j*15]).Routes[0].Weight = 20
	}
	start := time.Now()
	p, err := eng.Plan(t.Context(), "rev", desired)
	if err != nil {
		t.Fatal(err)
	}
	r, err := eng.Apply(t.Context(), p, ApplyOptions{Gates: diff.Gates{}})
	if err != nil {
		t.Fatal(err)
	}
	s := w.Sim.Stats()
	last, highest := gauge.settled("us-east-1")
	t.Logf("%v: %d calls, %d faults, %d throttled (%.1f%%); rate settled at %.1f/s, highest %.1f/s",
		time.Since(start).Round(time.Millisecond), s.Total, s.Faults, s.Throttled, 100*float64(s.Throttled)/float64(s.Total), last, highest)
	for _, o := range r.Outcomes {
		if o.Status == StatusFailed {
			t.Errorf("%s: %v", o.Key, o.Err)
		}
	}
	if got := r.Count(StatusApplied); got != changed || !r.Converged() {
		t.Errorf("got %d applied, converged %v; want %d, true", got, r.Converged(), changed)
	}
	if s.Faults == 0 || s.Throttled == 0 {
		t.Errorf("got %d faults and %d throttles, want both for the test to mean something", s.Faults, s.Throttled)
	}
}
