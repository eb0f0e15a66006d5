package reconcile

import (
	"context"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/setting"
)

// cidrs is the value of memoryKind: a string.
type cidrs string

func (c cidrs) Equal(v setting.Value) bool { return v == setting.Value(c) }
func (c cidrs) String() string             { return string(c) }

// memoryKind is a second setting, kept in memory by connector id, which
// counts its reads and writes: what the engine does with a kind that is
// not origination. The methods the engine does not call are the embedded
// nil Kind's, and would panic.
type memoryKind struct {
	setting.Kind

	mu     sync.Mutex
	live   map[string]setting.Value // by connector id
	reads  map[string]int
	writes map[string]int
}

func newMemoryKind() *memoryKind {
	return &memoryKind{live: map[string]setting.Value{}, reads: map[string]int{}, writes: map[string]int{}}
}

func (m *memoryKind) Name() string { return "termination" }

func (m *memoryKind) Read(_ context.Context, c setting.Connector) (setting.Value, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reads[c.ID]++
	return m.live[c.ID], nil
}

func (m *memoryKind) Write(_ context.Context, c setting.Connector, ch setting.Change) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.writes[c.ID]++
	m.live[c.ID] = ch.After
	return nil
}

func (m *memoryKind) Plan(_ setting.Connector, want setting.Desired, live setting.Value) setting.Change {
	ch := setting.Change{Kind: m, Action: setting.Noop, Before: live, After: want.Value}
	if !setting.Equal(live, want.Value) {
		ch.Action = setting.Put
	}
	return ch
}

func (m *memoryKind) Check(context.Context, setting.CheckEnv, []*setting.Check) {}

func (m *memoryKind) Gates(setting.Connector, setting.Change) []setting.Violation { return nil }

func (m *memoryKind) calls() (reads, writes map[string]int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.reads), maps.Clone(m.writes)
}

// TestSecondSetting drives a second kind through the engine beside
// origination: a connector whose spec names it is read, planned and
// written through the kind, and one whose spec does not is never read or
// written by it; origination is unchanged by it.
func TestSecondSetting(t *testing.T) {
	e := newEnv(t, sim.Config{}, chime.ClientOptions{})
	mem := newMemoryKind()
	cs := e.w.Connectors(t, "us-east-1", "vc", 2)
	desired := fleet(e.kind, cs)
	desired[0].Settings = append(desired[0].Settings, setting.Desired{Kind: mem, Value: cidrs("203.0.113.0/24")})

	p, err := e.eng.Plan(t.Context(), "rev", desired)
	if err != nil {
		t.Fatal(err)
	}
	if ch, ok := p.Plan.Changes[0].Setting("termination"); !ok || ch.Action != setting.Put {
		t.Fatalf("plan of vc-0000: got %+v, want termination put", p.Plan.Changes[0])
	}
	r, err := e.eng.Apply(t.Context(), p, ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Converged() || r.Count(StatusApplied) != 2 {
		t.Fatalf("got %s, want both applied", outcomes(r))
	}
	o0 := r.Outcomes[slices.IndexFunc(r.Outcomes, func(o Outcome) bool { return o.Key == cs[0].Name })]
	if s, ok := o0.Setting("termination"); !ok || s.Action != setting.Put || s.After != setting.Value(cidrs("203.0.113.0/24")) {
		t.Errorf("outcome of vc-0000: got %+v, want termination put", o0.Settings)
	}
	reads, writes := mem.calls()
	// vc-0000: the plan's read and the read before writing; vc-0001 never.
	if want := map[string]int{cs[0].ID: 2}; !maps.Equal(reads, want) {
		t.Errorf("reads: got %v, want %v", reads, want)
	}
	if want := map[string]int{cs[0].ID: 1}; !maps.Equal(writes, want) {
		t.Errorf("writes: got %v, want %v", writes, want)
	}
	for _, c := range cs {
		if got := e.w.Origination(t, c.ID); len(got.Routes) != 2 {
			t.Errorf("%s: origination %s, want the spec's two routes", c.Name, got)
		}
	}

	// In sync: a second run reads termination of vc-0000 only, and writes nothing.
	again, err := e.eng.Plan(t.Context(), "rev", desired)
	if err != nil {
		t.Fatal(err)
	}
	if again.Plan.Pending() {
		t.Errorf("second plan: got %+v, want nothing pending", again.Plan.Summary())
	}
	reads, writes = mem.calls()
	if reads[cs[0].ID] != 3 || reads[cs[1].ID] != 0 || writes[cs[0].ID] != 1 {
		t.Errorf("after the second plan: reads %v, writes %v", reads, writes)
	}
}
