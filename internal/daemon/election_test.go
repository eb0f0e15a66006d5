package daemon

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
)

// fakeElection hands out terms when the test says so.
type fakeElection struct {
	terms chan context.Context

	mu     sync.Mutex
	leader string
	err    error
	end    context.CancelCauseFunc
}

var _ Election = (*fakeElection)(nil)

func newFakeElection() *fakeElection { return &fakeElection{terms: make(chan context.Context, 1)} }

func (f *fakeElection) Terms() <-chan context.Context { return f.terms }
func (f *fakeElection) Identity() string              { return "me" }

func (f *fakeElection) Leader() (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.leader, f.err
}

// elect starts a term and returns it.
func (f *fakeElection) elect() context.Context {
	term, end := context.WithCancelCause(context.Background())
	f.mu.Lock()
	f.leader, f.end = "me", end
	f.mu.Unlock()
	f.terms <- term
	return term
}

// depose ends the term.
func (f *fakeElection) depose(leader string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.leader = leader
	f.end(errors.New("leadership lost: test"))
}

func electionDaemon(t *testing.T, n int, simOpts sim.Config) (*daemon, *fakeElection) {
	t.Helper()
	e := newFakeElection()
	return startDaemon(t, n, simOpts, Options{Election: e}), e
}

// connectorsRecorder keeps the connector counts and the held flag last
// recorded.
type connectorsRecorder struct {
	nopRecorder
	mu     sync.Mutex
	counts map[ConnectorState]int
	held   bool
}

func (r *connectorsRecorder) SetConnectors(c map[ConnectorState]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts = c
}

func (r *connectorsRecorder) SetHeld(h bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.held = h
}

func (r *connectorsRecorder) inSync() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.counts[StateInSync]
}

// waitFor polls the overview until cond holds.
func (d *daemon) waitFor(t *testing.T, what string, cond func(Overview) bool) Overview {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		o := d.loop.Overview()
		if cond(o) {
			return o
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s; overview %+v", what, o)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestLoopStandbyOnlyValidates: a standby validates each revision and keeps
// the newest valid one, but neither reads nor writes the Chime API, not on
// a reload either; it is ready once it has checked a valid revision.
func TestLoopStandbyOnlyValidates(t *testing.T) {
	d, e := electionDaemon(t, 3, sim.Config{})
	e.mu.Lock()
	e.leader = "other"
	e.mu.Unlock()
	if err := d.loop.Ready(); !errors.Is(err, errNotChecked) {
		t.Errorf("Ready before any revision: got %v, want %v", err, errNotChecked)
	}
	d.send(t, "rev1", d.spec(nil), "")
	o := d.waitPass(t)
	if o.Validated == nil || o.Validated.ID != "rev1" || o.LastGood != nil || !o.Ready {
		t.Errorf("standby after rev1: got validated %v, last good %v, ready %v; want rev1 validated, none accepted, ready", o.Validated, o.LastGood, o.Ready)
	}
	if el := o.Election; el == nil || el.Leading || el.Leader != "other" || el.Identity != "me" {
		t.Errorf("election status: got %+v, want standby, leader other, identity me", el)
	}
	bad := []schema.File{{Path: "x.cue", Data: []byte("package p\nvoiceConnectors: x: {id: \"abcdef1ghij2klmno3pqr4\"}\n")}}
	d.send(t, "bad", bad, "")
	o = d.waitPass(t)
	if o.Current.ID != "bad" || len(o.Invalid) != 1 || o.Validated.ID != "rev1" || !o.Ready {
		t.Errorf("standby after an invalid revision: got current %v, invalid %v, validated %v, ready %v", o.Current, o.Invalid, o.Validated, o.Ready)
	}
	d.reload <- Reload{}
	d.waitPass(t) // a standby reports a reload too: systemd waits for READY=1
	wantCalls(t, "standby", d.calls(), map[string]int64{})
}

// TestLoopTakeOverAppliesValidated: a standby that becomes leader applies
// the revision it validated at once, with one read per connector: the
// revision pass planned every connector, so no sweep follows it.
func TestLoopTakeOverAppliesValidated(t *testing.T) {
	d, e := electionDaemon(t, 5, sim.Config{})
	d.send(t, "rev1", d.spec(nil), "")
	d.waitPass(t)
	d.calls()
	e.elect()
	o := d.waitPass(t)
	if o.LastGood == nil || o.LastGood.ID != "rev1" || o.Counts[StateInSync] != 5 || !o.Election.Leading || o.Election.Leader != "me" {
		t.Fatalf("after the takeover: got last good %v, counts %v, election %+v", o.LastGood, o.Counts, o.Election)
	}
	// Per connector: the plan's read, GetVoiceConnector, the read before writing, the write.
	wantCalls(t, "takeover", d.calls(), map[string]int64{opGet: 10, opGetVC: 5, opPut: 5})
	if !o.Ready {
		t.Errorf("leader not ready: %v", d.loop.Ready())
	}
}

// TestLoopTermEndStopsWrites: when the term ends during a slow apply, no
// write starts after it; the connectors not written are pending, not
// failed, and the loop is a standby that writes nothing.
func TestLoopTermEndStopsWrites(t *testing.T) {
	d, e := electionDaemon(t, 12, sim.Config{Latency: 200 * time.Millisecond})
	e.elect()
	d.waitFor(t, "leading", func(o Overview) bool { return o.Election.Leading })
	d.send(t, "rev1", d.spec(nil), "")
	deadline := time.Now().Add(10 * time.Second)
	for d.w.Sim.Stats().Count(opPut, 200) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no write within 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	e.depose("other")
	deposed := d.w.Sim.Stats().Calls(opPut)
	o := d.waitPass(t)
	// The pass is over, so is every write it started: the count is final.
	puts := d.w.Sim.Stats().Calls(opPut)
	// Writes already sent when the term ended may still reach the service;
	// the engine writes at most 4 connectors at once.
	if puts > deposed+4 || puts >= 12 {
		t.Errorf("%d puts sent, %d when the term ended: writes started after the end of the term", puts, deposed)
	}
	o = d.waitFor(t, "standby", func(o Overview) bool { return !o.Election.Leading })
	if o.Counts[StateFailed] != 0 || o.Counts[StatePending] == 0 {
		t.Errorf("got counts %v, want the connectors not written pending, none failed", o.Counts)
	}
	for _, cs := range o.Connectors {
		if cs.State == StatePending && !strings.Contains(cs.Error, "lost the leader lease") {
			t.Errorf("%s: pending with error %q, want it to say the lease was lost", cs.Key, cs.Error)
		}
	}
	d.calls()
	d.reload <- Reload{}
	d.waitPass(t) // a standby reports a reload when it is done with it
	wantCalls(t, "standby after the term", d.calls(), map[string]int64{})
	t.Logf("%d of 12 puts sent, %d of them when the term ended", puts, deposed)
}

// TestLoopNewTermSweeps: drift made while this daemon was a standby is
// left alone until it leads again; the sweep that begins its next term
// corrects it.
//
// The metrics of a standby count no connector: they are the leader's.
func TestLoopNewTermSweeps(t *testing.T) {
	e, rec := newFakeElection(), &connectorsRecorder{}
	d := startDaemon(t, 2, sim.Config{}, Options{Election: e, Recorder: rec})
	e.elect()
	d.send(t, "rev1", d.spec(nil), "")
	d.waitFor(t, "rev1 applied", func(o Overview) bool { return o.Counts[StateInSync] == 2 })
	if got := rec.inSync(); got != 2 {
		t.Errorf("leader's metrics: got %d in sync, want 2", got)
	}
	e.depose("other")
	d.waitFor(t, "the standby's metrics counting no connector", func(o Overview) bool { return !o.Election.Leading && rec.inSync() == 0 })
	drift := &origination.Origination{Routes: []origination.Route{route("sbc1.example.com", 1, 5), route("sbc2.example.com", 1, 50)}}
	if err := d.w.Sim.SetOrigination(d.ids[0], drift); err != nil {
		t.Fatal(err)
	}
	for len(d.passes) > 0 {
		<-d.passes
	}
	d.reload <- Reload{}
	d.waitPass(t) // a standby reports a reload when it is done with it
	if got := d.w.Origination(t, d.ids[0]); !origination.Equal(got, drift) {
		t.Fatalf("a standby corrected drift: %s", got)
	}
	e.elect()
	o := d.waitFor(t, "drift corrected", func(Overview) bool { return d.w.Origination(t, d.ids[0]).Routes[0].Weight == 50 })
	if !o.Election.Leading {
		t.Error("not leading after the new term")
	}
}

// TestLoopStaleTermIgnored: a term that ended before the loop took it
// starts nothing.
func TestLoopStaleTermIgnored(t *testing.T) {
	d, e := electionDaemon(t, 1, sim.Config{})
	d.send(t, "rev1", d.spec(nil), "")
	d.waitPass(t)
	d.calls()
	term, end := context.WithCancelCause(context.Background())
	end(errors.New("gone"))
	e.terms <- term
	// Once the loop has taken the term, the reload after it is handled in
	// a later turn: its pass ends after the term was dealt with.
	for deadline := time.Now().Add(10 * time.Second); len(e.terms) > 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the loop did not take the term within 10 s")
		}
	}
	d.reload <- Reload{}
	d.waitPass(t)
	if o := d.loop.Overview(); o.Election.Leading || o.LastGood != nil {
		t.Errorf("a dead term was taken: election %+v, last good %v", o.Election, o.LastGood)
	}
	wantCalls(t, "dead term", d.calls(), map[string]int64{})
}
