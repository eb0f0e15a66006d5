package main

import (
	"context"
	"flag"
	"time"

	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/preflight"
	"github.com/sipops/reconciler/internal/reconcile"
)

// preflightFlags are the flags of the SIP OPTIONS check of new routes,
// shared by plan, apply and run.
type preflightFlags struct {
	mode    string
	timeout time.Duration
}

func (p *preflightFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.mode, "preflight", string(reconcile.PreflightWarn), "`MODE` of the SIP OPTIONS check of added and changed routes: off, warn (show the result) or enforce (block a connector with a route that does not answer)")
	fs.DurationVar(&p.timeout, "preflight-timeout", 2*time.Second, "how long a route has to answer the preflight OPTIONS request")
}

func (p *preflightFlags) check() string {
	if _, err := reconcile.ParsePreflightMode(p.mode); err != nil {
		return "--" + err.Error()
	}
	if p.timeout <= 0 {
		return "--preflight-timeout must be positive"
	}
	return ""
}

// setup makes engine check routes as the flags say. observe, if not nil,
// is told each check's outcome.
func (p *preflightFlags) setup(engine *reconcile.Engine, observe func(ok bool)) {
	mode, err := reconcile.ParsePreflightMode(p.mode)
	if err != nil || mode == reconcile.PreflightOff {
		return // check() refused a bad mode already
	}
	engine.SetPreflight(mode, func(ctx context.Context, keys []origination.Key) map[origination.Key]diff.Preflight {
		c := preflight.New(p.timeout) // a fresh cache per plan
		if observe != nil {
			c.Observe = func(r preflight.ProbeResult) { observe(r.OK) }
		}
		out := map[origination.Key]diff.Preflight{}
		for k, r := range c.CheckAll(ctx, keys) {
			out[k] = toDiff(r)
		}
		return out
	})
}

func toDiff(r preflight.ProbeResult) diff.Preflight {
	return diff.Preflight{OK: r.OK, Detail: r.Detail()}
}
