package daemon

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/source"
)

// daemon is a Loop running against a simulator, fed snapshots by the test.
type daemon struct {
	env
	loop   *Loop
	ids    []string
	snaps  chan *source.Snapshot
	reload chan Reload
	passes chan Overview
	cancel context.CancelFunc
	done   chan error
}

func startDaemon(t *testing.T, n int, simOpts sim.Config, opts Options) *daemon {
	t.Helper()
	e := newEnv(t, simOpts, chime.ClientOptions{MaxAttempts: 1})
	var ids []string
	for _, c := range e.w.Connectors(t, "us-east-1", "vc", n) {
		ids = append(ids, c.ID)
	}
	d := runDaemon(t, e, opts)
	d.ids = ids
	return d
}

// runDaemon starts a Loop on e's engine.
func runDaemon(t *testing.T, e env, opts Options) *daemon {
	t.Helper()
	d := &daemon{env: e, snaps: make(chan *source.Snapshot), reload: make(chan Reload, 1), passes: make(chan Overview, 100), done: make(chan error, 1)}
	opts.OnPass = func(o Overview) { d.passes <- o }
	d.loop = New(e.options(opts))
	ctx, cancel := context.WithCancel(t.Context())
	d.cancel = cancel
	go func() { d.done <- d.loop.Run(ctx, d.snaps, d.reload) }()
	t.Cleanup(func() { cancel(); <-d.done })
	return d
}

// spec renders a spec giving every connector two routes; weights[i]
// overrides the first route's weight of connector i.
func (d *daemon) spec(weights map[int]int) []schema.File {
	var b strings.Builder
	b.WriteString("package p\n")
	for i, id := range d.ids {
		w := 50
		if v, ok := weights[i]; ok {
			w = v
		}
		fmt.Fprintf(&b, "voiceConnectors: \"vc-%04d\": {id: %q, origination: routes: [{host: \"sbc1.example.com\", protocol: \"UDP\", priority: 1, weight: %d}, {host: \"sbc2.example.com\", protocol: \"UDP\", priority: 1, weight: 50}]}\n", i, id, w)
	}
	return []schema.File{{Path: "spec.cue", Data: []byte(b.String())}}
}

// send hands a revision to the loop. The loop takes snapshots one at a
// time, so a send returns only once the previous snapshot was handled.
func (d *daemon) send(t *testing.T, rev string, files []schema.File, message string) {
	t.Helper()
	select {
	case d.snaps <- &source.Snapshot{Revision: rev, Files: files, Message: message, Time: time.Now()}:
	case <-time.After(10 * time.Second):
		t.Fatal("the loop did not take the snapshot")
	}
}

func (d *daemon) waitPass(t *testing.T) Overview {
	t.Helper()
	select {
	case o := <-d.passes:
		return o
	case <-time.After(20 * time.Second):
		t.Fatal("no pass within 20 s")
	}
	return Overview{}
}

func TestLoopAppliesOnlyWhatChanged(t *testing.T) {
	d := startDaemon(t, 20, sim.Config{}, Options{})
	d.send(t, "rev1", d.spec(nil), "")
	o := d.waitPass(t)
	if o.Counts["in_sync"] != 20 || o.LastGood.ID != "rev1" {
		t.Fatalf("after rev1: got counts %v, last good %v", o.Counts, o.LastGood)
	}
	d.calls()
	d.send(t, "rev2", d.spec(map[int]int{7: 90}), "")
	o = d.waitPass(t)
	// For the one connector that changed: the plan's read, the read before
	// writing, the write.
	wantCalls(t, "rev2", d.calls(), map[string]int64{opGet: 2, opPut: 1})
	if got := d.w.Origination(t, d.ids[7]); got.Routes[0].Weight != 90 && got.Routes[1].Weight != 90 {
		t.Errorf("vc-0007 holds %s, want a weight of 90", got)
	}
	if len(o.Changes) != 21 || o.Changes[20].Key != "vc-0007" || o.Changes[20].Revision != "rev2" {
		t.Errorf("change log: got %d entries, last %+v", len(o.Changes), o.Changes[len(o.Changes)-1])
	}
	if err := d.loop.Ready(); err != nil {
		t.Errorf("Ready: %v", err)
	}
}

func TestLoopInvalidRevisionKeepsLastGood(t *testing.T) {
	d := startDaemon(t, 3, sim.Config{}, Options{})
	d.send(t, "good", d.spec(nil), "")
	d.waitPass(t)
	d.calls()
	bad := []schema.File{{Path: "spec.cue", Data: []byte("package p\nvoiceConnectors: x: {id: \"abcdef1ghij2klmno3pqr4\", origination: routes: [{host: \"a.example.com\", protocol: \"UDP\", priority: 0, weight: 1}]}\n")}}
	d.send(t, "bad", bad, "")
	d.send(t, "bad", bad, "") // the loop takes snapshots one at a time: the first is handled
	o := d.loop.Overview()
	wantCalls(t, "invalid revision", d.calls(), map[string]int64{})
	if o.LastGood.ID != "good" || o.Current.ID != "bad" {
		t.Errorf("got last good %v, current %v", o.LastGood, o.Current)
	}
	// Drift is still corrected to the last good revision.
	drift := &origination.Origination{Routes: []origination.Route{route("sbc1.example.com", 1, 5), route("sbc2.example.com", 1, 50)}}
	if err := d.w.Sim.SetOrigination(d.ids[1], drift); err != nil {
		t.Fatal(err)
	}
	d.reload <- Reload{}
	d.waitPass(t)
	if got := d.w.Origination(t, d.ids[1]); got.Routes[0].Weight != 50 {
		t.Errorf("drift not reverted: %s", got)
	}
}

func TestLoopReportsInvalidRevision(t *testing.T) {
	d := startDaemon(t, 1, sim.Config{}, Options{})
	d.send(t, "good", d.spec(nil), "")
	d.waitPass(t)
	bad := []schema.File{{Path: "x.cue", Data: []byte("package p\nvoiceConnectors: x: {id: \"abcdef1ghij2klmno3pqr4\"}\n")}}
	d.send(t, "bad", bad, "")
	d.send(t, "bad", bad, "") // the second send returns once the first is handled
	o := d.loop.Overview()
	if o.Current.ID != "bad" || len(o.Invalid) != 1 || !strings.Contains(o.Invalid[0].String(), "x.cue:2:") || o.LastGood.ID != "good" {
		t.Errorf("got current %v, invalid %v, last good %v", o.Current, o.Invalid, o.LastGood)
	}
}

func TestLoopHoldsGatedRevisionUntilAllowed(t *testing.T) {
	d := startDaemon(t, 10, sim.Config{}, Options{})
	d.send(t, "rev1", d.spec(nil), "")
	d.waitPass(t)
	d.calls()
	four := map[int]int{0: 10, 1: 10, 2: 10, 3: 10} // 40% of the managed connectors
	d.send(t, "rev2", d.spec(four), "Rebalance\n")
	d.send(t, "rev2", d.spec(four), "Rebalance\n")
	o := d.loop.Overview()
	if len(o.Held) == 0 || o.Held[0].Kind != setting.MassChange || o.LastGood.ID != "rev1" {
		t.Fatalf("got held %v, last good %v; want rev2 held for mass change", o.Held, o.LastGood)
	}
	if n := d.calls()[opPut]; n != 0 {
		t.Errorf("a held revision made %d writes", n)
	}
	d.send(t, "rev3", d.spec(four), "Rebalance\n\nReconciler-Allow: mass-change\n")
	o = d.waitPass(t)
	if len(o.Held) != 0 || o.LastGood.ID != "rev3" {
		t.Errorf("got held %v, last good %v; want rev3 applied", o.Held, o.LastGood)
	}
	if n := d.calls()[opPut]; n != 4 {
		t.Errorf("got %d writes, want 4", n)
	}
}

// TestLoopRevisionWithinMassChange: a revision that changes ten of forty
// managed connectors, 25%, is within the mass-change gate: it is weighed
// against every managed connector, not against the ten it changes, and
// applied without an override.
func TestLoopRevisionWithinMassChange(t *testing.T) {
	d := startDaemon(t, 40, sim.Config{}, Options{})
	d.send(t, "rev1", d.spec(nil), "")
	d.waitPass(t)
	d.calls()
	ten := map[int]int{}
	for i := range 10 {
		ten[i] = 10
	}
	d.send(t, "rev2", d.spec(ten), "")
	o := d.waitPass(t)
	if len(o.Held) != 0 || o.LastGood.ID != "rev2" || o.Counts[StateInSync] != 40 {
		t.Errorf("got held %v, last good %v, counts %v; want rev2 applied, every connector in sync", o.Held, o.LastGood, o.Counts)
	}
	if n := d.calls()[opPut]; n != 10 {
		t.Errorf("got %d writes, want 10", n)
	}
}

func TestLoopDriftReportOnly(t *testing.T) {
	d := startDaemon(t, 2, sim.Config{}, Options{Drift: DriftReport})
	d.send(t, "rev1", d.spec(nil), "")
	d.waitPass(t)
	drift := &origination.Origination{Routes: []origination.Route{route("sbc1.example.com", 1, 5), route("sbc2.example.com", 1, 50)}}
	if err := d.w.Sim.SetOrigination(d.ids[0], drift); err != nil {
		t.Fatal(err)
	}
	d.calls()
	d.reload <- Reload{}
	o := d.waitPass(t)
	if o.Counts["drifted"] != 1 || o.Connectors[0].State != StateDrifted {
		t.Errorf("got %v, want vc-0000 drifted", o.Counts)
	}
	wantCalls(t, "report only", d.calls(), map[string]int64{opGet: 2})
}

// TestOverviewIsACopy: an Overview taken before a pass keeps what it
// showed; the pass records the drift it finds in the loop's state only.
func TestOverviewIsACopy(t *testing.T) {
	d := startDaemon(t, 1, sim.Config{}, Options{Drift: DriftReport})
	d.send(t, "rev1", d.spec(nil), "")
	before := d.waitPass(t)
	_, wasLive := originationOf(before.Connectors[0])
	if err := d.w.Sim.SetOrigination(d.ids[0], drDrift); err != nil {
		t.Fatal(err)
	}
	d.reload <- Reload{}
	after := d.waitPass(t)
	if _, live := originationOf(after.Connectors[0]); !origination.Equal(live, drDrift) {
		t.Fatalf("after the sweep: live %s, want the drift", live)
	}
	if _, live := originationOf(before.Connectors[0]); live != wasLive || origination.Equal(live, drDrift) {
		t.Errorf("the Overview taken before the sweep now shows live %s, want %s", live, wasLive)
	}
}

func TestLoopRetriesFailedConnectors(t *testing.T) {
	d := startDaemon(t, 2, sim.Config{}, Options{RetryBase: 50 * time.Millisecond})
	d.w.Sim.SetFaults(1)
	d.send(t, "rev1", d.spec(nil), "")
	o := d.waitPass(t)
	if o.Counts["failed"] != 2 || o.Connectors[0].NextRetry == nil {
		t.Fatalf("got %v, want both failed with a retry planned", o.Counts)
	}
	d.w.Sim.SetFaults(0)
	for o.Counts["in_sync"] != 2 {
		o = d.waitPass(t)
	}
	for i, id := range d.ids {
		if got := d.w.Origination(t, id); got == nil {
			t.Errorf("vc-%04d: nothing written after the retry", i)
		}
	}
}

// TestLoopStopFinishesWritesInFlight: when told to stop during a slow apply,
// the loop starts no new write, lets those in flight finish, and returns;
// every connector holds either its old or its new origination.
func TestLoopStopFinishesWritesInFlight(t *testing.T) {
	d := startDaemon(t, 12, sim.Config{Latency: 200 * time.Millisecond}, Options{})
	d.send(t, "rev1", d.spec(nil), "")
	deadline := time.Now().Add(10 * time.Second)
	for d.w.Sim.Stats().Count(opPut, 200) == 0 { // the first write is done, others are in flight
		if time.Now().After(deadline) {
			t.Fatal("no write within 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	start := time.Now()
	d.cancel()
	select {
	case <-d.done:
		d.done <- nil // for the cleanup
	case <-time.After(5 * time.Second):
		t.Fatal("the loop did not stop within 5 s")
	}
	t.Logf("stopped %v after the signal", time.Since(start).Round(time.Millisecond))
	written := 0
	for _, id := range d.ids {
		got := d.w.Origination(t, id)
		switch {
		case got == nil:
		case len(got.Routes) == 2:
			written++
		default:
			t.Errorf("%s holds a half-applied %s", id, got)
		}
	}
	s := d.w.Sim.Stats()
	if written == 0 || written == len(d.ids) {
		t.Errorf("%d of %d written: the test did not stop the loop mid-apply", written, len(d.ids))
	}
	if ok := s.Count(opPut, 200); ok != int64(written) || s.Calls(opPut) != ok {
		t.Errorf("got %d puts answered 200 of %d, %d connectors written: a write in flight was cut off", ok, s.Calls(opPut), written)
	}
	t.Logf("%d of %d connectors written before the stop", written, len(d.ids))
}

// TestLoopReloadChangesSettings: a reload with new settings switches the
// drift mode for the sweep it causes.
func TestLoopReloadChangesSettings(t *testing.T) {
	d := startDaemon(t, 1, sim.Config{}, Options{})
	d.send(t, "rev1", d.spec(nil), "")
	d.waitPass(t)
	drift := &origination.Origination{Routes: []origination.Route{route("sbc1.example.com", 1, 5), route("sbc2.example.com", 1, 50)}}
	if err := d.w.Sim.SetOrigination(d.ids[0], drift); err != nil {
		t.Fatal(err)
	}
	d.reload <- Reload{Settings: &Settings{Drift: DriftReport, DriftInterval: time.Hour}}
	o := d.waitPass(t)
	if o.Drift != DriftReport || o.Counts["drifted"] != 1 {
		t.Errorf("got drift mode %q and counts %v, want report and one drifted", o.Drift, o.Counts)
	}
	if got := d.w.Origination(t, d.ids[0]); !origination.Equal(got, drift) {
		t.Errorf("report mode wrote %s", got)
	}
}

// TestLoopReadyDespiteAFailedConnector: one connector that cannot be
// written does not keep the daemon from being ready.
func TestLoopReadyDespiteAFailedConnector(t *testing.T) {
	d := startDaemon(t, 1, sim.Config{}, Options{})
	if err := d.loop.Ready(); err == nil {
		t.Fatal("ready before any pass")
	}
	files := d.spec(nil)
	files = append(files, schema.File{Path: "ghost.cue", Data: []byte("package p\nvoiceConnectors: ghost: {name: \"nope\", origination: disabled: true}\n")})
	d.send(t, "rev1", files, "")
	o := d.waitPass(t)
	if o.Counts["failed"] != 1 || !o.LastSuccess.IsZero() {
		t.Fatalf("got counts %v, last success %v; want ghost failed and no successful pass", o.Counts, o.LastSuccess)
	}
	if err := d.loop.Ready(); err != nil || !d.loop.Overview().Ready {
		t.Errorf("Ready: %v, status ready %v; want ready after a pass with one failed connector", err, d.loop.Overview().Ready)
	}
}
