package daemon

import (
	"fmt"
	"testing"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/reconcile"
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

// env is a simulator and the engine a loop under test reconciles through,
// wired as the daemon wires them: every API call that returns beats the
// heartbeat.
type env struct {
	w     *simtest.World
	api   reconcile.API // the engine's: a real client of the simulator
	eng   *reconcile.Engine
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
	return env{w: w, api: api, eng: reconcile.NewEngine(api, reconcile.EngineOptions{Concurrency: 4}), heart: heart}
}

// options completes opts with the engine and the heartbeat of e.
func (e env) options(opts Options) Options {
	if opts.Engine == nil {
		opts.Engine = e.eng
	}
	if opts.Heartbeat == nil {
		opts.Heartbeat = e.heart
	}
	return opts
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
