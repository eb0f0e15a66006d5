package reconcile

import (
	"fmt"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/simtest"
)

// BenchmarkApply1000 plans and applies a spec of 1,000 connectors, 10 of
// them changed, against a simulator with 20 ms latency and 50 requests/s per
// operation. The floor is the unavoidable reads over the rate: 1,000 / 50 =
// 20 s. Goals: wall time at most 1.1 x the floor, at most 1% of calls
// throttled, at most 1,000 reads + 3 calls per changed connector. Run with
//
//	go test -run '^$' -bench Apply1000 -benchtime 1x ./internal/reconcile
func BenchmarkApply1000(b *testing.B) {
	const (
		n, changed = 1000, 10
		rate       = 50
	)
	simtest.Isolate(b)
	w := simtest.Start(b, sim.Config{Rate: rate, Latency: 20 * time.Millisecond})
	client := w.Client(b, chime.ClientOptions{APIRate: rate, APIBurst: 1, MaxAttempts: 10})
	eng := NewEngine(client, EngineOptions{})
	desired := fleet(kindOn(b, client, origination.Options{}), w.Connectors(b, "us-east-1", "vc", n))
	for _, c := range desired {
		if err := w.Sim.SetOrigination(c.ID, originationOf(c)); err != nil {
			b.Fatal(err)
		}
	}
	for i := range b.N {
		applyRun(b, w, eng, desired, i, changed, 97, float64(n)/rate)
		b.ReportMetric(float64(n+3*changed), "calls-budget")
	}
}

// applyRun changes the weight of changed connectors of desired, stride
// apart, then plans and applies it once, failing unless exactly those were
// written, and reports the wall time against floor (seconds), the share of
// calls throttled and the calls made.
func applyRun(b *testing.B, w *simtest.World, eng *Engine, desired []schema.DesiredConnector, run, changed, stride int, floor float64) {
	b.Helper()
	for j := range changed {
		originationOf(desired[j*stride]).Routes[0].Weight = 10 + (run*changed+j)%90
	}
	w.Sim.ResetStats()
	start := time.Now()
	p, err := eng.Plan(b.Context(), fmt.Sprint(run), desired)
	if err != nil {
		b.Fatal(err)
	}
	r, err := eng.Apply(b.Context(), p, ApplyOptions{Gates: diff.Gates{}})
	if err != nil || !r.Converged() || r.Count(StatusApplied) != changed {
		b.Fatalf("got %v, converged %v, %d applied", err, r.Converged(), r.Count(StatusApplied))
	}
	wall := time.Since(start).Seconds()
	s := w.Sim.Stats()
	b.ReportMetric(wall, "wall-s")
	b.ReportMetric(wall/floor, "x-floor")
	b.ReportMetric(100*float64(s.Throttled)/float64(s.Total), "%throttled")
	b.ReportMetric(float64(s.Total), "calls")
}

// BenchmarkApplyAdaptive plans and applies a spec of 1,000 connectors, 10 of
// them changed, against a simulator with 20 ms latency that allows 100
// requests/s per operation, with the CLI's default flags: the client is
// not told the rate. The floor is the reads at the service's rate: 10 s.
// Goals: wall time at most 1.5 x the floor, at most 5% of calls throttled.
// It reports the rate the controller settled on (rate-last) and the
// highest it reached (rate-max). Run with
//
//	go test -run '^$' -bench ApplyAdaptive -benchtime 1x ./internal/reconcile
func BenchmarkApplyAdaptive(b *testing.B) {
	benchmarkAdaptive(b, 1000, 100)
}

// BenchmarkApplyAdaptiveSlow is BenchmarkApplyAdaptive with 200 connectors
// against a service that allows 5 requests/s per operation: floor 40 s.
//
//	go test -run '^$' -bench ApplyAdaptiveSlow -benchtime 1x ./internal/reconcile
func BenchmarkApplyAdaptiveSlow(b *testing.B) {
	benchmarkAdaptive(b, 200, 5)
}

func benchmarkAdaptive(b *testing.B, n int, serviceRate float64) {
	const changed = 10
	simtest.Isolate(b)
	w := simtest.Start(b, sim.Config{Rate: serviceRate, Latency: 20 * time.Millisecond})
	desired := fleet(nil, w.Connectors(b, "us-east-1", "vc", n))
	for _, c := range desired {
		if err := w.Sim.SetOrigination(c.ID, originationOf(c)); err != nil {
			b.Fatal(err)
		}
	}
	for i := range b.N {
		// A new client per run: each starts from the controller's start
		// rate, as a new process would.
		gauge := &rateGauge{}
		client := w.Client(b, cliDefaults(gauge))
		rebind(desired, kindOn(b, client, origination.Options{}))
		applyRun(b, w, NewEngine(client, EngineOptions{}), desired, i, changed, n/changed, float64(n)/serviceRate)
		last, highest := gauge.settled("us-east-1")
		b.ReportMetric(last, "rate-last")
		b.ReportMetric(highest, "rate-max")
	}
}

// rebind makes the settings of desired those of kind k: a spec loaded
// again with k, as a new process would.
func rebind(desired []schema.DesiredConnector, k setting.Kind) {
	for i := range desired {
		for j := range desired[i].Settings {
			desired[i].Settings[j].Kind = k
		}
	}
}
