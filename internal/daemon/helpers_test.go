package daemon

import (
	"fmt"
	"testing"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/reconcile"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/simtest"
)

const (
	opGetVC = "GetVoiceConnector"
	opGet   = "GetVoiceConnectorOrigination"
	opPut   = "PutVoiceConnectorOrigination"
)

func route(host string, prio, weight int) origination.Route {
	return origination.Route{Host: host, Port: 5060, Protocol: origination.UDP, Priority: prio, Weight: weight}
}

// env is a simulator and the engine and the origination kind a loop under
// test reconciles through, wired as the daemon wires them: every API call
// that returns beats the heartbeat.
type env struct {
	w     *simtest.World
	api   *chime.Client // the engine's and the kind's: a real client of the simulator
	eng   *reconcile.Engine
	kind  *origination.Kind
	heart *Heartbeat
}

func newEnv(t *testing.T, simOpts sim.Config, chimeOpts chime.ClientOptions) env {
	t.Helper()
	simtest.Isolate(t)
	w := simtest.Start(t, simOpts)
	if chimeOpts.Backoff == nil && chimeOpts.MaxBackoff == 0 {
		chimeOpts.Backoff = simtest.NoWait
	}
	heart := NewHeartbeat()
	chimeOpts.Observer = chime.Progress(heart.Beat)
	api := w.Client(t, chimeOpts)
	e := env{w: w, api: api, eng: reconcile.NewEngine(api, reconcile.EngineOptions{Concurrency: 4}), heart: heart}
	e.setKind(t, origination.Options{})
	return e
}

// setKind replaces the origination kind of e with one built from opts, on
// e's client unless opts names an API.
func (e *env) setKind(t *testing.T, opts origination.Options) {
	t.Helper()
	if opts.API == nil {
		opts.API = e.api
	}
	k, err := origination.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	e.kind = k
}

// options completes opts with the engine, the heartbeat and the kinds of
// e, and us-east-1 as the default region.
func (e env) options(opts Options) Options {
	if opts.Engine == nil {
		opts.Engine = e.eng
	}
	if opts.Heartbeat == nil {
		opts.Heartbeat = e.heart
	}
	if opts.Schema.Kinds == nil {
		opts.Schema.Kinds = []setting.Kind{e.kind}
	}
	if opts.Schema.DefaultRegion == "" {
		opts.Schema.DefaultRegion = "us-east-1"
	}
	return opts
}

// originationOf returns what the loop knows of c's origination: desired
// and live, nil for none.
func originationOf(c ConnectorStatus) (desired, live *origination.Origination) {
	s, _ := c.Setting(origination.Name)
	desired, _ = s.Desired.(*origination.Origination)
	live, _ = s.Live.(*origination.Origination)
	return desired, live
}

// calls returns the simulator's call counts by operation since the last reset, and resets.
func (e env) calls() map[string]int64 {
	s := e.w.Sim.Stats()
	e.w.Sim.ResetStats()
	out := map[string]int64{}
	for _, op := range []string{"ListVoiceConnectors", opGetVC, opGet, opPut, "DeleteVoiceConnectorOrigination", "GetVoiceConnectorEmergencyCallingConfiguration"} {
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
