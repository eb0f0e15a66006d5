package daemon

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/reconcile"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/source"
	"github.com/sipops/reconciler/internal/suspension"
)

// memStore keeps the suspensions saved, and fails when told to.
type memStore struct {
	mu    sync.Mutex
	saved [][]suspension.Suspension
	err   error
}

var _ suspension.Store = (*memStore)(nil)

func (m *memStore) Save(ss []suspension.Suspension) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	m.saved = append(m.saved, slices.Clone(ss))
	return nil
}

func (m *memStore) last() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.saved) == 0 {
		return nil
	}
	var keys []string
	for _, s := range m.saved[len(m.saved)-1] {
		keys = append(keys, s.Key)
	}
	return keys
}

var alice = suspension.Operator{User: "root", UID: 0, SudoUser: "alice"}

// drDrift is what an operator sets by hand during an incident: every call
// to the DR site.
var drDrift = &origination.Origination{Routes: []origination.Route{route("dr.example.com", 1, 100)}}

func connectorIn(t *testing.T, o Overview, key string) ConnectorStatus {
	t.Helper()
	i := slices.IndexFunc(o.Connectors, func(c ConnectorStatus) bool { return c.Key == key })
	if i < 0 {
		t.Fatalf("no connector %s in %+v", key, o.Connectors)
	}
	return o.Connectors[i]
}

// TestSuspendAndResume: a suspended connector is written by neither drift
// correction nor a new revision, while its drift is shown and the others
// converge; resume writes it at once, in a pass of its own.
func TestSuspendAndResume(t *testing.T) {
	store := &memStore{}
	d := startDaemon(t, 3, sim.Config{}, Options{Suspensions: suspension.NewBook(store, nil)})
	d.send(t, "rev1", d.spec(nil), "")
	d.waitPass(t)

	r, err := d.loop.Suspend([]string{"vc-0001"}, false, "INC-4242", alice)
	if err != nil || len(r.Made) != 1 || len(r.Already) != 0 || r.Made[0].Reason != "INC-4242" || r.Made[0].By != alice || len(r.InFlight) != 0 {
		t.Fatalf("Suspend: got %+v, %v", r, err)
	}
	if got := store.last(); !slices.Equal(got, []string{"vc-0001"}) {
		t.Errorf("saved: got %v, want [vc-0001]", got)
	}
	o := d.loop.Overview()
	if c := connectorIn(t, o, "vc-0001"); c.State != StateSuspended || c.Suspension == nil || c.Suspension.By != alice || o.Counts[StateSuspended] != 1 {
		t.Errorf("after suspend: got %+v, counts %v; want vc-0001 suspended by alice", c, o.Counts)
	}
	if last := o.Changes[len(o.Changes)-1]; last.Trigger != TriggerSuspend || last.Key != "vc-0001" || last.By == nil || *last.By != alice || last.Reason != "INC-4242" {
		t.Errorf("change log: got %+v, want the suspension by alice", last)
	}
	if r, _ := d.loop.Suspend([]string{"vc-0001"}, false, "again", suspension.Operator{User: "bob"}); len(r.Already) != 1 || r.Already[0].Reason != "INC-4242" {
		t.Errorf("suspend again: got %+v, want the first suspension unchanged", r)
	}

	// Drift on the suspended connector and on another one: a sweep reverts
	// only the other one, and shows the suspended one's.
	for _, i := range []int{1, 2} {
		if err := d.w.Sim.SetOrigination(d.ids[i], drDrift); err != nil {
			t.Fatal(err)
		}
	}
	d.reload <- Reload{}
	o = d.waitPass(t)
	if got := d.w.Origination(t, d.ids[1]); !origination.Equal(got, drDrift) {
		t.Errorf("suspended vc-0001 holds %s, want the operator's %s", got, drDrift)
	}
	if got := d.w.Origination(t, d.ids[2]); origination.Equal(got, drDrift) {
		t.Errorf("vc-0002 still holds the drift %s", got)
	}
	c := connectorIn(t, o, "vc-0001")
	if desired, live := originationOf(c); c.State != StateSuspended || !c.Differs || !origination.Equal(live, drDrift) || desired == nil {
		t.Errorf("suspended vc-0001: got %+v, want suspended, differs, live the drift", c)
	}
	if o.Counts[StateInSync] != 2 || o.Counts[StateSuspended] != 1 {
		t.Errorf("counts: got %v, want 2 in sync, 1 suspended", o.Counts)
	}

	// A new revision changing both vc-0000 and vc-0001 writes vc-0000 only.
	d.calls()
	d.send(t, "rev2", d.spec(map[int]int{0: 80, 1: 80}), "")
	o = d.waitPass(t)
	if got := d.w.Origination(t, d.ids[1]); !origination.Equal(got, drDrift) {
		t.Errorf("rev2 wrote suspended vc-0001: %s", got)
	}
	if got := d.w.Origination(t, d.ids[0]); got.Routes[0].Weight != 80 && got.Routes[1].Weight != 80 {
		t.Errorf("rev2 not written to vc-0000: %s", got)
	}
	if n := d.calls()[opPut]; n != 1 {
		t.Errorf("rev2: got %d writes, want 1", n)
	}

	// Resume: vc-0001 alone is read and written, at once.
	resumed, not, err := d.loop.Resume([]string{"vc-0001", "vc-0002"}, false, suspension.Operator{User: "bob"})
	if err != nil || len(resumed) != 1 || resumed[0].Key != "vc-0001" || !slices.Equal(not, []string{"vc-0002"}) {
		t.Fatalf("Resume: got %+v, not suspended %v, %v", resumed, not, err)
	}
	o = d.waitPass(t)
	if got := d.w.Origination(t, d.ids[1]); got.Routes[0].Weight != 80 && got.Routes[1].Weight != 80 {
		t.Errorf("resumed vc-0001 holds %s, want rev2", got)
	}
	wantCalls(t, "resume", d.calls(), map[string]int64{opGet: 2, opPut: 1})
	if c := connectorIn(t, o, "vc-0001"); c.State != StateInSync || c.Suspension != nil || c.Differs {
		t.Errorf("resumed vc-0001: got %+v, want in sync", c)
	}
	if last := o.Changes[len(o.Changes)-1]; last.Trigger != TriggerResume || last.Action != setting.Put || last.Key != "vc-0001" {
		t.Errorf("change log: got %+v, want the write of the resume", last)
	}
	if got := store.last(); len(got) != 0 || len(o.Suspensions) != 0 {
		t.Errorf("after resume: saved %v, overview %v; want none", got, o.Suspensions)
	}
}

// TestSuspendUnknownKey: a request naming a connector the daemon does not
// manage is refused whole, and says which keys it knows.
func TestSuspendUnknownKey(t *testing.T) {
	store := &memStore{}
	d := startDaemon(t, 2, sim.Config{}, Options{Suspensions: suspension.NewBook(store, nil)})
	if _, err := d.loop.Suspend(nil, true, "", alice); !errors.Is(err, suspension.ErrNothingManaged) {
		t.Errorf("suspend --all before any revision: got %v, want %v", err, suspension.ErrNothingManaged)
	}
	d.send(t, "rev1", d.spec(nil), "")
	d.waitPass(t)
	_, err := d.loop.Suspend([]string{"vc-0000", "nope"}, false, "", alice)
	want := `unknown connector "nope": not in the spec this daemon manages (managed: vc-0000, vc-0001)`
	if u, ok := errors.AsType[*suspension.UnknownError](err); !ok || err.Error() != want || !slices.Equal(u.Keys, []string{"nope"}) {
		t.Errorf("got %v, want %s", err, want)
	}
	if _, _, err := d.loop.Resume([]string{"nope"}, false, alice); err == nil {
		t.Error("resume of an unknown key: got no error")
	}
	if o := d.loop.Overview(); len(o.Suspensions) != 0 || len(store.saved) != 0 {
		t.Errorf("a refused request suspended %v, saved %v", o.Suspensions, store.saved)
	}
	r, err := d.loop.Suspend(nil, true, "maintenance", alice)
	if err != nil || len(r.Made) != 2 {
		t.Errorf("suspend --all: got %+v, %v; want both", r, err)
	}
	resumed, _, err := d.loop.Resume(nil, true, alice)
	if err != nil || len(resumed) != 2 {
		t.Errorf("resume --all: got %+v, %v; want both", resumed, err)
	}
}

// TestSuspendNotSaved: a suspension that cannot be saved is not made.
func TestSuspendNotSaved(t *testing.T) {
	store := &memStore{err: errors.New("read-only file system")}
	d := startDaemon(t, 1, sim.Config{}, Options{Suspensions: suspension.NewBook(store, nil)})
	d.send(t, "rev1", d.spec(nil), "")
	d.waitPass(t)
	if _, err := d.loop.Suspend([]string{"vc-0000"}, false, "", alice); err == nil || err.Error() != "save suspensions: read-only file system" {
		t.Errorf("got %v, want the save error", err)
	}
	if d.loop.Suspended("vc-0000") {
		t.Error("suspended although not saved")
	}
}

// TestSuspendedAtStart: suspensions loaded at start hold from the first
// revision on, for a connector the spec names later too, and show in the
// overview before it is managed.
func TestSuspendedAtStart(t *testing.T) {
	since := time.Now().Add(-time.Hour)
	d := startDaemon(t, 2, sim.Config{}, Options{Suspensions: suspension.NewBook(nil, []suspension.Suspension{
		{Key: "vc-0001", Reason: "INC-1", By: alice, Since: since},
		{Key: "gone", Since: since},
	})})
	if o := d.loop.Overview(); len(o.Suspensions) != 2 || o.Suspensions[0].Key != "gone" || o.Suspensions[1].Age != "1h0m0s" {
		t.Errorf("before any revision: got %+v", o.Suspensions)
	}
	d.send(t, "rev1", d.spec(nil), "")
	o := d.waitPass(t)
	if got := d.w.Origination(t, d.ids[1]); got != nil {
		t.Errorf("suspended vc-0001 written: %s", got)
	}
	if c := connectorIn(t, o, "vc-0001"); c.State != StateSuspended || !c.Differs || c.Suspension.Reason != "INC-1" {
		t.Errorf("vc-0001: got %+v, want suspended, differing", c)
	}
	if o.Counts[StateInSync] != 1 {
		t.Errorf("counts %v, want vc-0000 in sync", o.Counts)
	}
	// A suspension of a connector the spec does not name can be resumed.
	if r, _, err := d.loop.Resume([]string{"gone"}, false, alice); err != nil || len(r) != 1 {
		t.Errorf("resume gone: got %v, %v", r, err)
	}
}

// TestSuspendedChangeGatedAsSpecChange: the gates weigh a revision's change
// of a suspended connector from its spec, not from the live state the
// operator set: moving calls to the DR site by hand must not make every
// later revision touching that connector a traffic loss.
func TestSuspendedChangeGatedAsSpecChange(t *testing.T) {
	d := startDaemon(t, 2, sim.Config{}, Options{})
	d.send(t, "rev1", d.spec(nil), "")
	d.waitPass(t)
	if _, err := d.loop.Suspend([]string{"vc-0000"}, false, "", alice); err != nil {
		t.Fatal(err)
	}
	if err := d.w.Sim.SetOrigination(d.ids[0], drDrift); err != nil {
		t.Fatal(err)
	}
	d.send(t, "rev2", d.spec(map[int]int{0: 70}), "")
	o := d.waitPass(t)
	if len(o.Held) > 0 || o.LastGood.ID != "rev2" {
		t.Fatalf("got held %v, last good %v; want rev2 accepted", o.Held, o.LastGood)
	}
	if desired, _ := originationOf(connectorIn(t, o, "vc-0000")); desired.Routes[0].Weight != 70 && desired.Routes[1].Weight != 70 {
		t.Errorf("desired of vc-0000: got %s, want rev2's", desired)
	}
}

// gatedPut holds each PutOrigination until the test releases it.
type gatedPut struct {
	origination.API
	started chan string // the id of each write as it starts
	release chan struct{}
}

func (g gatedPut) PutOrigination(ctx context.Context, region, id string, o *origination.Origination) (*origination.Origination, error) {
	g.started <- id
	<-g.release
	return g.API.PutOrigination(ctx, region, id, o)
}

// TestSuspendWaitsForWriteInFlight: a suspension that arrives while the
// connector is being written returns once the write is over, so that what
// the operator changes after it stays; a connector suspended during a
// pass, before its write began, is not written.
func TestSuspendWaitsForWriteInFlight(t *testing.T) {
	e := newEnv(t, sim.Config{}, chime.ClientOptions{MaxAttempts: 1})
	g := gatedPut{API: e.api, started: make(chan string, 10), release: make(chan struct{})}
	e.eng = reconcile.NewEngine(e.api, reconcile.EngineOptions{Concurrency: 1}) // one write at a time, in key order
	e.setKind(t, origination.Options{API: g})
	d := &daemon{env: e, snaps: make(chan *source.Snapshot), reload: make(chan Reload, 1), passes: make(chan Overview, 100), done: make(chan error, 1)}
	for _, c := range e.w.Connectors(t, "us-east-1", "vc", 3) {
		d.ids = append(d.ids, c.ID)
	}
	d.loop = New(e.options(Options{Schema: schema.LoadOptions{DefaultRegion: "us-east-1"}, OnPass: func(o Overview) { d.passes <- o }}))
	ctx, cancel := context.WithCancel(t.Context())
	go func() { d.done <- d.loop.Run(ctx, d.snaps, d.reload) }()
	t.Cleanup(func() { cancel(); close(g.release); <-d.done })

	d.send(t, "rev1", d.spec(nil), "")
	if id := <-g.started; id != d.ids[0] {
		t.Fatalf("first write to %s, want vc-0000", id)
	}
	suspended := make(chan suspension.Result, 1)
	go func() {
		r, err := d.loop.Suspend([]string{"vc-0000", "vc-0002"}, false, "INC-1", alice)
		if err != nil {
			t.Error(err)
		}
		suspended <- r
	}()
	select {
	case r := <-suspended:
		t.Fatalf("Suspend returned %+v while the write of vc-0000 was in flight", r)
	case <-time.After(200 * time.Millisecond):
	}
	g.release <- struct{}{} // vc-0000's write lands
	if r := <-suspended; len(r.Made) != 2 || len(r.InFlight) != 0 {
		t.Errorf("Suspend: got %+v, want both made, none in flight", r)
	}
	if got := d.w.Origination(t, d.ids[0]); got == nil {
		t.Fatal("Suspend returned before the write in flight of vc-0000 landed")
	}
	if id := <-g.started; id != d.ids[1] {
		t.Fatalf("next write to %s, want vc-0001: vc-0002 is suspended", id)
	}
	g.release <- struct{}{}
	o := d.waitPass(t)
	if got := d.w.Origination(t, d.ids[2]); got != nil {
		t.Errorf("vc-0002, suspended during the pass, was written: %s", got)
	}
	if c := connectorIn(t, o, "vc-0002"); c.State != StateSuspended || !c.Differs {
		t.Errorf("vc-0002: got %+v, want suspended, differing", c)
	}
	if c := connectorIn(t, o, "vc-0000"); c.State != StateSuspended || c.LastChange == nil {
		t.Errorf("vc-0000: got %+v, want suspended, with its write in the change log", c)
	}
}

// TestSuspendOnStandby: a standby checks keys against the revision it
// validated, keeps the suspension, and honours it once it leads.
func TestSuspendOnStandby(t *testing.T) {
	e := newFakeElection()
	d := startDaemon(t, 2, sim.Config{}, Options{Election: e})
	d.send(t, "rev1", d.spec(nil), "")
	d.waitPass(t)
	if _, err := d.loop.Suspend([]string{"nope"}, false, "", alice); err == nil {
		t.Error("standby: suspend of an unknown key: got no error")
	}
	if r, err := d.loop.Suspend([]string{"vc-0001"}, false, "INC-1", alice); err != nil || len(r.Made) != 1 {
		t.Fatalf("standby: suspend: got %+v, %v", r, err)
	}
	e.elect()
	o := d.waitFor(t, "the takeover's pass", func(o Overview) bool { return o.LastGood != nil && o.Counts[StateInSync] == 1 })
	if got := d.w.Origination(t, d.ids[1]); got != nil {
		t.Errorf("suspended vc-0001 written after the takeover: %s", got)
	}
	if c := connectorIn(t, o, "vc-0001"); c.State != StateSuspended {
		t.Errorf("vc-0001 after the takeover: got %+v, want suspended", c)
	}
}
