package importer

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/reconcile"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
)

var fleetRegions = []string{"us-east-1", "eu-west-2", "ap-southeast-2"}

// liveFleet creates perRegion connectors in each of fleetRegions with every
// kind of live state an import meets: no origination, disabled with and
// without routes, mixed-case and trailing-dot FQDNs, public IPv4 addresses,
// ports other than 5060, TCP and UDP, several priorities, up to ten routes;
// names with spaces and dots, names used twice in a region, and names used
// in every region. It returns how many connectors have no origination.
func liveFleet(t *testing.T, w world, perRegion int) (unconfigured int) {
	t.Helper()
	for ri, region := range fleetRegions {
		for i := range perRegion {
			var name string
			switch i % 6 {
			case 0:
				name = fmt.Sprintf("site %03d", i) // in every region
			case 1:
				name = fmt.Sprintf("pbx %s.v%d", region, i)
			case 2:
				name = fmt.Sprintf("shared sbc.%d", i%4) // twice or more per region
			default:
				name = fmt.Sprintf("sbc-%s-%03d", region, i)
			}
			c, err := w.Sim.CreateConnector(name, region, false)
			if err != nil {
				t.Fatal(err)
			}
			o := liveOrigination(ri, i)
			if o == nil {
				unconfigured++
				continue
			}
			if err := w.Sim.SetOrigination(c.ID, o); err != nil {
				t.Fatal(err)
			}
		}
	}
	return unconfigured
}

func liveOrigination(region, i int) *origination.Origination {
	host := func(j int) string {
		switch (i + j) % 4 {
		case 0:
			return fmt.Sprintf("SBC%d.Region%d.Example.COM", j, region)
		case 1:
			return fmt.Sprintf("sbc%d.r%d.example.net.", j, region)
		case 2:
			return fmt.Sprintf("54.240.%d.%d", region, 10+j)
		}
		return fmt.Sprintf("sbc%d-%d.voice.example.org", j, i)
	}
	route := func(j int) origination.Route {
		r := origination.Route{Host: host(j), Protocol: origination.UDP, Priority: 1 + j%3, Weight: 10 + (i+j)%90}
		if j%2 == 1 {
			r.Protocol, r.Port = origination.TCP, 5061
		}
		if (i+j)%5 == 0 {
			r.Port = 5080
		}
		return r
	}
	var o origination.Origination
	for j := range 1 + i%10 {
		o.Routes = append(o.Routes, route(j))
	}
	switch i % 7 {
	case 0:
		return nil
	case 1:
		o.Disabled = true
	case 2:
		return &origination.Origination{Disabled: true}
	}
	return &o
}

// TestRoundTrip is the contract of the importer: what it writes loads
// without error, and planning it against the same live state changes
// nothing, so that applying it writes nothing.
func TestRoundTrip(t *testing.T) {
	eachUnconfigured(t, testRoundTrip)
}

func testRoundTrip(t *testing.T, u sim.Unconfigured) {
	w := newWorld(t, sim.Config{Unconfigured: u}, chime.ClientOptions{})
	const perRegion = 105
	unconfigured := liveFleet(t, w, perRegion)
	total := perRegion * len(fleetRegions)

	var progress [][2]int
	start := time.Now()
	results, err := w.imp(t.Context(), ImportOptions{
		Regions:  fleetRegions,
		Progress: func(done, total int) { progress = append(progress, [2]int{done, total}) },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported %d connectors in %d regions in %v", total, len(fleetRegions), time.Since(start).Round(time.Millisecond))
	// Under notfound too: a connector just listed exists, so its 404 means
	// no origination, and the port does not ask GetVoiceConnector.
	want := map[string]int64{opList: int64(len(fleetRegions) * 2), opGet: int64(total)}
	if got := w.calls(); !maps.Equal(got, want) {
		t.Errorf("import made calls %v, want %v (100 connectors a page, only reads)", got, want)
	}
	if len(progress) != total+1 || progress[0] != [2]int{0, total} || progress[total] != [2]int{total, total} {
		t.Errorf("progress: %d calls from %v to %v, want %d from [0 %d] to [%d %d]", len(progress), progress[0], progress[len(progress)-1], total+1, total, total, total)
	}
	written := 0
	for _, r := range results {
		written += r.Connectors
		if len(r.Problems) > 0 {
			t.Errorf("%s: problems %v, want none", r.Region, r.Problems)
		}
	}
	if written != total {
		t.Errorf("%d connectors written, want %d", written, total)
	}

	dir := t.TempDir()
	if err := Write(dir, results, false); err != nil {
		t.Fatal(err)
	}
	spec, err := schema.LoadDir(dir, schema.LoadOptions{Kinds: w.kinds})
	if err != nil {
		t.Fatalf("the imported spec does not load: %v", err)
	}
	if len(spec.Connectors) != total {
		t.Fatalf("the spec declares %d connectors, want %d", len(spec.Connectors), total)
	}
	checkEveryLiveConnector(t, w, spec)

	w.Sim.ResetStats()
	eng := reconcile.NewEngine(w.client, reconcile.EngineOptions{})
	planned, err := eng.Plan(t.Context(), "import", spec.Connectors)
	if err != nil {
		t.Fatal(err)
	}
	for key, err := range planned.Errors {
		t.Errorf("plan %q: %v", key, err)
	}
	s := planned.Plan.Summary()
	if s != (diff.Summary{Noop: total}) {
		t.Errorf("plan summary %+v, want %d noop", s, total)
	}
	for _, ch := range planned.Plan.Changes {
		for _, s := range ch.Settings {
			if s.Action != setting.Noop {
				t.Errorf("%q: %s %s %s -> %s", ch.Key, s.Action, s.Kind.Name(), setting.Format(s.Before), setting.Format(s.After))
			}
		}
	}
	res, err := eng.Apply(t.Context(), planned, reconcile.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := res.Count(reconcile.StatusUnchanged); n != total || !res.Converged() {
		t.Errorf("apply: %d unchanged, converged %v; want %d unchanged", n, res.Converged(), total)
	}
	// The spec names connectors by id: under notfound, the plan tells an
	// unconfigured connector from a missing one with one GetVoiceConnector.
	var told int64
	if u == sim.UnconfiguredNotFound {
		told = int64(unconfigured)
	}
	if got := w.calls(); got[opPut] != 0 || got[opDelete] != 0 || got[opGetVC] != told {
		t.Errorf("plan and apply made calls %v, want only reads of originations (and %d GetVoiceConnector)", got, told)
	}
	t.Logf("%d connectors, %d of them without origination: plan noop, apply wrote nothing", total, unconfigured)
}

// checkEveryLiveConnector checks that the spec declares every live
// connector, by id, in its region.
func checkEveryLiveConnector(t *testing.T, w world, spec *schema.Spec) {
	t.Helper()
	declared := map[string]string{}
	for _, c := range spec.Connectors {
		if c.ID == "" {
			t.Errorf("%q is declared by name %q, want by id", c.Key, c.Name)
		}
		declared[c.ID] = c.Region
	}
	for _, c := range w.Sim.Connectors("") {
		if region, ok := declared[c.ID]; !ok || region != c.Region {
			t.Errorf("connector %s (%q) of %s is declared in %q", c.ID, c.Name, c.Region, region)
		}
	}
}

// shuffled lists connectors in a different order each time, as a service
// that promises no order may.
type shuffled struct {
	Lister
	mu  *sync.Mutex // regions are listed in parallel
	rnd *rand.Rand
}

func (s shuffled) ListConnectors(ctx context.Context, region string) ([]chime.VoiceConnector, error) {
	cs, err := s.Lister.ListConnectors(ctx, region)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rnd.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
	return cs, err
}

func TestDeterministic(t *testing.T) {
	eachUnconfigured(t, testDeterministic)
}

func testDeterministic(t *testing.T, u sim.Unconfigured) {
	w := newWorld(t, sim.Config{Unconfigured: u}, chime.ClientOptions{})
	liveFleet(t, w, 40)
	opts := ImportOptions{Regions: fleetRegions, Concurrency: 3, Kinds: w.kinds}
	first, err := w.imp(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	// Regions in another order, listings shuffled, reads finishing in
	// another order: the same bytes.
	opts.Regions = slices.Concat([]string{fleetRegions[2]}, fleetRegions, []string{fleetRegions[0]})
	opts.Concurrency = 16
	second, err := Import(t.Context(), shuffled{Lister: w.client, mu: &sync.Mutex{}, rnd: rand.New(rand.NewPCG(1, 2))}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != len(second) {
		t.Fatalf("%d results, then %d", len(first), len(second))
	}
	for i := range first {
		if first[i].Region != second[i].Region || !bytes.Equal(first[i].CUE, second[i].CUE) {
			t.Errorf("%s: the second import differs from the first:\n%s\n---\n%s", first[i].Region, second[i].CUE, first[i].CUE)
		}
	}
}
