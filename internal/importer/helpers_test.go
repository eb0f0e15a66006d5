package importer

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/goldentest"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/simtest"
)

// Operations as the simulator counts them.
const (
	opList   = "ListVoiceConnectors"
	opGetVC  = "GetVoiceConnector"
	opGet    = "GetVoiceConnectorOrigination"
	opPut    = "PutVoiceConnectorOrigination"
	opDelete = "DeleteVoiceConnectorOrigination"
)

// golden compares got with testdata/<name>, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldentest.Check(t, filepath.Join("testdata", filepath.FromSlash(name)), got)
}

// world is a simulator, a real Chime port client for it, and the settings
// an import reads through that client: origination, with the default quota.
type world struct {
	*simtest.World
	client *chime.Client
	kinds  []setting.Kind
}

// origination is the origination kind on w's client, with a quota of
// maxRoutes routes (0: the default).
func (w world) origination(t *testing.T, maxRoutes int) *origination.Kind {
	t.Helper()
	k, err := origination.New(origination.Options{API: w.client, MaxRoutes: maxRoutes})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// imp is Import on w's client, importing w's kinds unless opts names some.
func (w world) imp(ctx context.Context, opts ImportOptions) ([]RegionFile, error) {
	if opts.Kinds == nil {
		opts.Kinds = w.kinds
	}
	return Import(ctx, w.client, opts)
}

// eachUnconfigured runs fn under both of the simulator's answers for a
// connector without origination (200 {} and 404 NotFoundException): the
// service documents neither, and an import must not depend on which.
func eachUnconfigured(t *testing.T, fn func(t *testing.T, u sim.Unconfigured)) {
	t.Helper()
	for _, u := range []sim.Unconfigured{sim.UnconfiguredEmpty, sim.UnconfiguredNotFound} {
		t.Run(string(u), func(t *testing.T) { fn(t, u) })
	}
}

func newWorld(t *testing.T, simOpts sim.Config, chimeOpts chime.ClientOptions) world {
	t.Helper()
	simtest.Isolate(t)
	w := simtest.Start(t, simOpts)
	if chimeOpts.Backoff == nil {
		chimeOpts.Backoff = simtest.NoWait
	}
	wd := world{World: w, client: w.Client(t, chimeOpts)}
	wd.kinds = []setting.Kind{wd.origination(t, 0)}
	return wd
}

// add creates a connector with a chosen id (so that golden files are
// stable) and sets its origination (nil: none).
func (w world) add(t *testing.T, id, name, region string, o *origination.Origination) sim.StoredConnector {
	t.Helper()
	c, err := w.Sim.CreateConnectorWithID(id, name, region, false)
	if err != nil {
		t.Fatal(err)
	}
	if o != nil {
		if err := w.Sim.SetOrigination(id, o); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// testID returns a valid, stable connector id: 22 lower-case letters and
// digits ending in n.
func testID(prefix string, n int) string {
	return fmt.Sprintf("%s%0*d", prefix, 22-len(prefix), n)
}

// calls returns the simulator's counts by operation since the last reset.
func (w world) calls() map[string]int64 {
	s := w.Sim.Stats()
	out := map[string]int64{}
	for _, op := range []string{opList, opGetVC, opGet, opPut, opDelete} {
		if n := s.Calls(op); n > 0 {
			out[op] = n
		}
	}
	return out
}

func udp(host string, prio, weight int) origination.Route {
	return origination.Route{Host: host, Port: origination.DefaultPort, Protocol: origination.UDP, Priority: prio, Weight: weight}
}

func tcp(host string, port, prio, weight int) origination.Route {
	return origination.Route{Host: host, Port: port, Protocol: origination.TCP, Priority: prio, Weight: weight}
}

func routes(rs ...origination.Route) *origination.Origination {
	return &origination.Origination{Routes: rs}
}
