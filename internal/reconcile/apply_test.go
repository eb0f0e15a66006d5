package reconcile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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

const (
	opList   = "ListVoiceConnectors"
	opGetVC  = "GetVoiceConnector"
	opGet    = "GetVoiceConnectorOrigination"
	opPut    = "PutVoiceConnectorOrigination"
	opDelete = "DeleteVoiceConnectorOrigination"
	opGetEC  = "GetVoiceConnectorEmergencyCallingConfiguration"
)

// eachUnconfigured runs fn under both of the simulator's answers for a
// connector without origination (200 {} and 404 NotFoundException): the
// service documents neither, and the results must not depend on which.
func eachUnconfigured(t *testing.T, fn func(t *testing.T, u sim.Unconfigured)) {
	t.Helper()
	for _, u := range []sim.Unconfigured{sim.UnconfiguredEmpty, sim.UnconfiguredNotFound} {
		t.Run(string(u), func(t *testing.T) { fn(t, u) })
	}
}

// outcomes renders a result's outcomes as "key status action", sorted by
// key, to compare results across runs.
func outcomes(r *Result) string {
	var b strings.Builder
	for _, o := range r.Outcomes {
		fmt.Fprintf(&b, "%s %s %s; ", o.Key, o.Status, settingOf(o).Action)
	}
	return b.String()
}

// settingOf is what happened to the origination of o.
func settingOf(o Outcome) SettingOutcome {
	s, _ := o.Setting(origination.Name)
	return s
}

func route(host string, prio, weight int) origination.Route {
	return origination.Route{Host: host, Port: 5060, Protocol: origination.UDP, Priority: prio, Weight: weight}
}

// want asks a connector's spec for origination o of kind k.
func want(k setting.Kind, o *origination.Origination) []setting.Desired {
	return []setting.Desired{{Kind: k, Value: o}}
}

// absentOf asks for the origination of kind k deleted.
func absentOf(k setting.Kind) []setting.Desired {
	return []setting.Desired{{Kind: k, Absent: true}}
}

// originationOf returns the origination the spec of c asks for, to change
// it in place; nil when absent.
func originationOf(c schema.DesiredConnector) *origination.Origination {
	for _, d := range c.Settings {
		if o, ok := d.Value.(*origination.Origination); ok {
			return o
		}
	}
	return nil
}

// fleet is a spec of one connector per simulated connector, two routes
// each, of kind k.
func fleet(k setting.Kind, cs []sim.StoredConnector) []schema.DesiredConnector {
	out := make([]schema.DesiredConnector, len(cs))
	for i, c := range cs {
		out[i] = schema.DesiredConnector{Key: c.Name, ID: c.ID, Region: c.Region, Settings: want(k, &origination.Origination{
			Routes: []origination.Route{route("sbc1.example.com", 1, 50), route("sbc2.example.com", 1, 50)},
		})}
	}
	return out
}

// kindOn returns the origination setting reading and writing through api,
// as opts say.
func kindOn(t testing.TB, api origination.API, opts origination.Options) *origination.Kind {
	t.Helper()
	opts.API = api
	k, err := origination.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// env is a simulator, a real client of it, the origination setting on
// that client, and an engine on it.
type env struct {
	w    *simtest.World
	api  *chime.Client
	kind *origination.Kind
	eng  *Engine
}

func newEnv(t *testing.T, simOpts sim.Config, chimeOpts chime.ClientOptions) env {
	t.Helper()
	simtest.Isolate(t)
	w := simtest.Start(t, simOpts)
	if chimeOpts.Backoff == nil && chimeOpts.MaxBackoff == 0 {
		chimeOpts.Backoff = simtest.NoWait
	}
	api := w.Client(t, chimeOpts)
	return env{w: w, api: api, kind: kindOn(t, api, origination.Options{}), eng: NewEngine(api, EngineOptions{Concurrency: 4})}
}

// apply plans and applies desired, failing the test on a planning error.
func (e env) apply(t *testing.T, desired []schema.DesiredConnector, g diff.Gates) *Result {
	t.Helper()
	p, err := e.eng.Plan(t.Context(), "rev", desired)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.eng.Apply(t.Context(), p, ApplyOptions{Gates: g})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// calls returns the simulator's call counts by operation since the last reset, and resets.
func (e env) calls() map[string]int64 {
	s := e.w.Sim.Stats()
	e.w.Sim.ResetStats()
	out := map[string]int64{}
	for _, op := range []string{opList, opGetVC, opGet, opPut, opDelete, opGetEC} {
		if n := s.Calls(op); n > 0 {
			out[op] = n
		}
	}
	return out
}

func wantCalls(t *testing.T, step string, got, want map[string]int64) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: got calls %v, want %v", step, got, want)
	}
}

func (e env) assertConverged(t *testing.T, desired []schema.DesiredConnector) {
	t.Helper()
	for _, c := range desired {
		id := c.ID
		if id == "" {
			continue
		}
		if got := e.w.Origination(t, id); !origination.Equal(got, originationOf(c)) {
			t.Errorf("%s: simulator holds %s, want %s", c.Key, got, originationOf(c))
		}
	}
}

// TestApplyLifecycle walks the judged scenario: apply, re-apply, one weight,
// reorder, absent on a configured connector, drift, absent on an
// unconfigured one; under both answers of the simulator for a connector
// without origination, with the same results.
func TestApplyLifecycle(t *testing.T) {
	results := map[sim.Unconfigured][]string{}
	eachUnconfigured(t, func(t *testing.T, u sim.Unconfigured) {
		results[u] = applyLifecycle(t, u)
	})
	if e, n := results[sim.UnconfiguredEmpty], results[sim.UnconfiguredNotFound]; !slices.Equal(e, n) {
		t.Errorf("results differ:\nempty    %q\nnotfound %q", e, n)
	}
}

func applyLifecycle(t *testing.T, u sim.Unconfigured) []string {
	e := newEnv(t, sim.Config{Unconfigured: u}, chime.ClientOptions{})
	notFound := u == sim.UnconfiguredNotFound
	cs := e.w.Connectors(t, "us-east-1", "vc", 5)
	desired := fleet(e.kind, cs)
	var results []string

	r := e.apply(t, desired, diff.Gates{})
	results = append(results, outcomes(r))
	if !r.Converged() || r.Count(StatusApplied) != 5 {
		t.Fatalf("first apply: got %d applied, converged %v: %+v", r.Count(StatusApplied), r.Converged(), r.Outcomes)
	}
	e.assertConverged(t, desired)
	want := map[string]int64{opGetVC: 5, opGet: 10, opPut: 5}
	if notFound {
		// The plan's read of each connector named by id answers 404, which
		// the port tells from a missing connector with GetVoiceConnector;
		// the engine, which does not see that answer, asks once more to
		// learn the encryption setting. The read before writing knows the
		// connector exists and does not ask.
		want[opGetVC] = 10
	}
	wantCalls(t, "first apply", e.calls(), want)

	r = e.apply(t, desired, diff.Gates{})
	results = append(results, outcomes(r))
	if r.Count(StatusUnchanged) != 5 {
		t.Errorf("second apply: got %d unchanged, want 5", r.Count(StatusUnchanged))
	}
	wantCalls(t, "second apply makes only reads", e.calls(), map[string]int64{opGet: 5})

	originationOf(desired[2]).Routes[0].Weight = 80
	results = append(results, outcomes(e.apply(t, desired, diff.Gates{})))
	// The engine remembers each connector from the first apply: no GetVoiceConnector again.
	wantCalls(t, "one weight changed", e.calls(), map[string]int64{opGet: 6, opPut: 1})
	e.assertConverged(t, desired)

	slices.Reverse(originationOf(desired[3]).Routes)
	results = append(results, outcomes(e.apply(t, desired, diff.Gates{})))
	wantCalls(t, "routes reordered", e.calls(), map[string]int64{opGet: 5})

	desired[4].Settings = absentOf(e.kind)
	results = append(results, outcomes(e.apply(t, desired, diff.Gates{AllowTrafficLoss: true})))
	// Plan reads 5 and the emergency calling configuration of the one
	// connector whose origination goes, then one read before and one read
	// back after the delete (which answers 404 under notfound: the
	// connector is known to exist, so no GetVoiceConnector).
	wantCalls(t, "one absent", e.calls(), map[string]int64{opGet: 7, opDelete: 1, opGetEC: 1})
	if got := e.w.Origination(t, cs[4].ID); got != nil {
		t.Errorf("absent connector still has %s", got)
	}

	drifted := &origination.Origination{Routes: []origination.Route{
		route("sbc1.example.com", 1, 10), route("sbc2.example.com", 1, 90), route("rogue.example.com", 2, 1)}}
	if err := e.w.Sim.SetOrigination(cs[0].ID, drifted); err != nil {
		t.Fatal(err)
	}
	r = e.apply(t, desired, diff.Gates{})
	results = append(results, outcomes(r))
	// vc-0004 is absent and has no origination: a noop. Under notfound its
	// read answers 404, told from a missing connector by GetVoiceConnector.
	want = map[string]int64{opGet: 6, opPut: 1}
	if notFound {
		want[opGetVC] = 1
	}
	wantCalls(t, "drift reverted", e.calls(), want)
	if r.Count(StatusApplied) != 1 || r.Count(StatusUnchanged) != 4 {
		t.Errorf("drift: got %d applied and %d unchanged, want 1 and 4", r.Count(StatusApplied), r.Count(StatusUnchanged))
	}
	e.assertConverged(t, desired[:4])
	return results
}

// TestAbsentOnUnconfigured: absent: true on connectors that never had
// origination changes nothing and reads no emergency calling, under both
// answers for no origination.
func TestAbsentOnUnconfigured(t *testing.T) {
	eachUnconfigured(t, func(t *testing.T, u sim.Unconfigured) {
		e := newEnv(t, sim.Config{Unconfigured: u}, chime.ClientOptions{})
		cs := e.w.Connectors(t, "us-east-1", "vc", 2)
		desired := []schema.DesiredConnector{
			{Key: "by-id", ID: cs[0].ID, Region: "us-east-1", Settings: absentOf(e.kind)},
			{Key: "by-name", Name: cs[1].Name, Region: "us-east-1", Settings: absentOf(e.kind)},
		}
		r := e.apply(t, desired, diff.Gates{})
		if got, want := outcomes(r), "by-id unchanged noop; by-name unchanged noop; "; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
		want := map[string]int64{opList: 1, opGet: 2}
		if u == sim.UnconfiguredNotFound {
			want[opGetVC] = 1 // the connector named by id was not listed
		}
		wantCalls(t, "absent on unconfigured", e.calls(), want)
	})
}

// TestDeleteOfUnconfiguredSucceeds: when someone deletes the origination
// between the read before writing and the delete, the delete of nothing
// succeeds (under notfound it answers 404 and the port checks that the
// connector exists), and the read-back confirms that none is left.
func TestDeleteOfUnconfiguredSucceeds(t *testing.T) {
	eachUnconfigured(t, func(t *testing.T, u sim.Unconfigured) {
		simtest.Isolate(t)
		w := simtest.Start(t, sim.Config{Unconfigured: u})
		cs := w.Connectors(t, "us-east-1", "vc", 1)
		if err := w.Sim.SetOrigination(cs[0].ID, originationOf(fleet(nil, cs)[0])); err != nil {
			t.Fatal(err)
		}
		api := deleteRace{Client: w.Client(t, chime.ClientOptions{Backoff: simtest.NoWait}), sim: w.Sim}
		eng := NewEngine(api, EngineOptions{Concurrency: 1})
		desired := []schema.DesiredConnector{{Key: "vc", ID: cs[0].ID, Region: "us-east-1", Settings: absentOf(kindOn(t, api, origination.Options{}))}}
		p, err := eng.Plan(t.Context(), "rev", desired)
		if err != nil {
			t.Fatal(err)
		}
		w.Sim.ResetStats()
		r, err := eng.Apply(t.Context(), p, ApplyOptions{Gates: diff.Gates{AllowTrafficLoss: true}})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := outcomes(r), "vc applied delete; "; got != want {
			t.Errorf("got %q (%v), want %q", got, r.Outcomes[0].Err, want)
		}
		st := w.Sim.Stats()
		wantStatus := 204
		if u == sim.UnconfiguredNotFound {
			wantStatus = 404
		}
		if st.Count(opDelete, wantStatus) != 1 || st.Calls(opGet) != 2 {
			t.Errorf("got %d deletes answered %d and %d reads, want 1 and 2 (before and back)", st.Count(opDelete, wantStatus), wantStatus, st.Calls(opGet))
		}
		// The 404 of the delete is told from a missing connector.
		if got, want := st.Calls(opGetVC), int64(wantStatus/404); got != want {
			t.Errorf("got %d GetVoiceConnector, want %d", got, want)
		}
	})
}

// deleteRace deletes the origination in the simulator just before the
// engine's delete, as another writer would.
type deleteRace struct {
	*chime.Client
	sim *sim.Service
}

func (d deleteRace) DeleteOrigination(ctx context.Context, region, id string) error {
	if err := d.sim.SetOrigination(id, nil); err != nil {
		return err
	}
	return d.Client.DeleteOrigination(ctx, region, id)
}

// TestUnnamedConnectorsUntouched: connectors not in the spec are neither read nor written.
func TestUnnamedConnectorsUntouched(t *testing.T) {
	eachUnconfigured(t, func(t *testing.T, u sim.Unconfigured) {
		e := newEnv(t, sim.Config{Unconfigured: u}, chime.ClientOptions{})
		cs := e.w.Connectors(t, "us-east-1", "vc", 3)
		other := &origination.Origination{Routes: []origination.Route{route("other.example.com", 1, 1)}}
		if err := e.w.Sim.SetOrigination(cs[2].ID, other); err != nil {
			t.Fatal(err)
		}
		e.calls()
		e.apply(t, fleet(e.kind, cs[:2]), diff.Gates{})
		if got := e.w.Origination(t, cs[2].ID); !origination.Equal(got, other) {
			t.Errorf("unnamed connector changed to %s", got)
		}
		want := map[string]int64{opGetVC: 2, opGet: 4, opPut: 2}
		if u == sim.UnconfiguredNotFound {
			want[opGetVC] = 4 // see TestApplyLifecycle
		}
		wantCalls(t, "two named", e.calls(), want)
	})
}

// TestResolveByName: one listing per region, clear errors for 0 or 2 matches.
func TestResolveByName(t *testing.T) {
	eachUnconfigured(t, testResolveByName)
}

func testResolveByName(t *testing.T, u sim.Unconfigured) {
	e := newEnv(t, sim.Config{Unconfigured: u}, chime.ClientOptions{})
	e.w.Connectors(t, "us-east-1", "east", 3)
	west := e.w.Connectors(t, "us-west-2", "west", 2)
	if _, err := e.w.Sim.CreateConnector("twin", "us-east-1", false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.w.Sim.CreateConnector("twin", "us-east-1", false); err != nil {
		t.Fatal(err)
	}
	o := &origination.Origination{Routes: []origination.Route{route("sbc.example.com", 1, 1)}}
	desired := []schema.DesiredConnector{
		{Key: "a", Name: "east-0001", Region: "us-east-1", Settings: want(e.kind, o)},
		{Key: "b", Name: "west-0000", Region: "us-west-2", Settings: want(e.kind, o)},
		{Key: "c", Name: "east-0002", Region: "us-east-1", Settings: want(e.kind, o)},
		{Key: "missing", Name: "nope", Region: "us-east-1", Settings: want(e.kind, o)},
		{Key: "twin", Name: "twin", Region: "us-east-1", Settings: want(e.kind, o)},
	}
	e.calls()
	r := e.apply(t, desired, diff.Gates{})
	// Listed connectors exist: a 404 of their origination means none, without GetVoiceConnector.
	wantCalls(t, "by name", e.calls(), map[string]int64{opList: 2, opGet: 6, opPut: 3})
	if got := e.w.Origination(t, west[0].ID); !origination.Equal(got, o) {
		t.Errorf("west-0000 holds %s, want %s", got, o)
	}
	errs := map[string]string{}
	for _, out := range r.Outcomes {
		if out.Status == StatusFailed {
			errs[out.Key] = out.Error
		}
	}
	if !strings.Contains(errs["missing"], `no voice connector is named "nope" in us-east-1`) ||
		!strings.Contains(errs["twin"], `2 voice connectors are named "twin"`) || len(errs) != 2 {
		t.Errorf("got failures %v, want missing and twin", errs)
	}
}

// TestUnknownID: a connector id that does not exist fails alone, clearly,
// whether the spec gives it origination or says absent: a missing connector
// is never taken for one without origination.
func TestUnknownID(t *testing.T) {
	eachUnconfigured(t, func(t *testing.T, u sim.Unconfigured) {
		e := newEnv(t, sim.Config{Unconfigured: u}, chime.ClientOptions{})
		cs := e.w.Connectors(t, "us-east-1", "vc", 1)
		desired := fleet(e.kind, cs)
		desired = append(desired,
			schema.DesiredConnector{Key: "ghost", ID: "ghost0000000000000000a", Region: "us-east-1", Settings: want(e.kind, originationOf(desired[0]))},
			schema.DesiredConnector{Key: "ghost-absent", ID: "ghost0000000000000000b", Region: "us-east-1", Settings: absentOf(e.kind)})
		r := e.apply(t, desired, diff.Gates{})
		if got, want := outcomes(r), "ghost failed ; ghost-absent failed ; vc-0000 applied put; "; got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
		for _, o := range r.Outcomes[:2] {
			want := "get origination of " + o.ID + " in us-east-1: the voice connector does not exist: NotFoundException: voice connector " + o.ID + " not found in region us-east-1"
			if o.Error != want || !chime.IsNotFound(o.Err) {
				t.Errorf("%s: got %q, want %q", o.Key, o.Error, want)
			}
		}
	})
}

// TestReplanOnConcurrentChange: a change made between plan and write is
// not written over blindly.
func TestReplanOnConcurrentChange(t *testing.T) {
	eachUnconfigured(t, testReplanOnConcurrentChange)
}

func testReplanOnConcurrentChange(t *testing.T, u sim.Unconfigured) {
	e := newEnv(t, sim.Config{Unconfigured: u}, chime.ClientOptions{})
	cs := e.w.Connectors(t, "us-east-1", "vc", 3)
	desired := fleet(e.kind, cs)
	p, err := e.eng.Plan(t.Context(), "rev", desired)
	if err != nil {
		t.Fatal(err)
	}
	// After the plan was made, someone else sets vc-0000 to exactly the
	// desired state, changes the weights of vc-0001, and replaces every
	// route of vc-0002.
	reweighted := &origination.Origination{Routes: []origination.Route{route("sbc1.example.com", 1, 10), route("sbc2.example.com", 1, 90)}}
	replaced := &origination.Origination{Routes: []origination.Route{route("other.example.com", 1, 1)}}
	for i, o := range []*origination.Origination{originationOf(desired[0]), reweighted, replaced} {
		if err := e.w.Sim.SetOrigination(cs[i].ID, o); err != nil {
			t.Fatal(err)
		}
	}
	e.calls()
	r, err := e.eng.Apply(t.Context(), p, ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Outcome{}
	for _, o := range r.Outcomes {
		got[o.Key] = o
	}
	if o := got["vc-0000"]; o.Status != StatusConverged || !settingOf(o).Replanned {
		t.Errorf("vc-0000: got %s replanned=%v, want converged without a write", o.Status, settingOf(o).Replanned)
	}
	if o := got["vc-0001"]; o.Status != StatusApplied || !settingOf(o).Replanned || !setting.Equal(settingOf(o).Before, reweighted) {
		t.Errorf("vc-0001: got %+v, want applied after replanning from the other writer's state", o)
	}
	// Replacing vc-0002's routes from the other writer's state would take
	// their calls away: the new plan needs --allow-traffic-loss like any other.
	if o := got["vc-0002"]; o.Status != StatusFailed || !strings.Contains(o.Error, "changed since the plan") {
		t.Errorf("vc-0002: got %+v, want refused after replanning", o)
	}
	wantCalls(t, "replan", e.calls(), map[string]int64{opGet: 3, opPut: 1})
	e.assertConverged(t, desired[:2])
	if got := e.w.Origination(t, cs[2].ID); !origination.Equal(got, replaced) {
		t.Errorf("vc-0002 was overwritten: holds %s", got)
	}
}

// TestGatesRefuseWholePlan: a refused plan writes nothing.
func TestGatesRefuseWholePlan(t *testing.T) {
	eachUnconfigured(t, testGatesRefuseWholePlan)
}

func testGatesRefuseWholePlan(t *testing.T, u sim.Unconfigured) {
	e := newEnv(t, sim.Config{Unconfigured: u}, chime.ClientOptions{})
	cs := e.w.Connectors(t, "us-east-1", "vc", 2)
	desired := fleet(e.kind, cs)
	e.apply(t, desired, diff.Gates{})
	originationOf(desired[0]).Disabled = true
	originationOf(desired[1]).Routes[0].Weight = 10
	p, err := e.eng.Plan(t.Context(), "rev", desired)
	if err != nil {
		t.Fatal(err)
	}
	e.calls()
	if _, err := e.eng.Apply(t.Context(), p, ApplyOptions{}); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "--allow-traffic-loss") {
		t.Fatalf("got %v, want ErrRefused naming --allow-traffic-loss", err)
	}
	wantCalls(t, "refused", e.calls(), map[string]int64{})
}

// TestConvergesUnderFaultsAndThrottling: 30% of calls fail with 5xx and the
// simulator's rate is below the offered load; everything converges, nothing
// is lost, and the retries are visible.
func TestConvergesUnderFaultsAndThrottling(t *testing.T) {
	e := newEnv(t, sim.Config{FaultRate: 0.3, Rate: 100, Burst: 5, Seed: 7}, chime.ClientOptions{MaxAttempts: 10, MaxBackoff: 200 * time.Millisecond})
	cs := e.w.Connectors(t, "us-east-1", "vc", 40)
	desired := fleet(e.kind, cs)
	r := e.apply(t, desired, diff.Gates{})
	if !r.Converged() {
		for _, o := range r.Outcomes {
			if o.Status == StatusFailed {
				t.Errorf("%s: %v", o.Key, o.Err)
			}
		}
		t.FailNow()
	}
	e.assertConverged(t, desired)
	s := e.w.Sim.Stats()
	if s.Faults == 0 || s.Throttled == 0 {
		t.Errorf("got %d faults and %d throttled, want both > 0 for the test to mean something", s.Faults, s.Throttled)
	}
	if ok := s.Count(opPut, 200); ok != 40 {
		t.Errorf("got %d successful puts, want exactly 40", ok)
	}
	t.Logf("faults %d, throttled %d, total calls %d for 40 connectors", s.Faults, s.Throttled, s.Total)
}

// TestApplyBegin: a connector refused when its write is due is not
// written; the write of another is reported done.
func TestApplyBegin(t *testing.T) {
	e := newEnv(t, sim.Config{}, chime.ClientOptions{MaxAttempts: 1})
	cs := e.w.Connectors(t, "us-east-1", "vc", 2)
	desired := fleet(e.kind, cs)
	p, err := e.eng.Plan(t.Context(), "rev", desired)
	if err != nil {
		t.Fatal(err)
	}
	done := 0
	r, err := e.eng.Apply(t.Context(), p, ApplyOptions{Begin: func(key string) (func(), bool) {
		return func() { done++ }, key != desired[0].Key
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := outcomes(r), desired[0].Key+" skipped put; "+desired[1].Key+" applied put; "; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if done != 1 {
		t.Errorf("done called %d times, want once, after the write", done)
	}
	if e.w.Sim.Stats().Calls(opPut) != 1 {
		t.Errorf("got %d writes, want 1", e.w.Sim.Stats().Calls(opPut))
	}
}
