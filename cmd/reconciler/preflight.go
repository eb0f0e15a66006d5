package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/preflight"
)

// preflightFlags are the flags of the SIP OPTIONS check of new routes,
// shared by plan, apply and run.
type preflightFlags struct {
	mode    string
	timeout time.Duration
	caFile  string

	// roots are the system's authorities plus those of caFile, read by
	// load; nil without caFile.
	roots *x509.CertPool
}

func (p *preflightFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.mode, "preflight", string(origination.PreflightWarn), "`MODE` of the SIP OPTIONS check of added and changed routes: off, warn (show the result) or enforce (block a connector with a route that does not answer)")
	fs.DurationVar(&p.timeout, "preflight-timeout", 2*time.Second, "how long a route has to answer the preflight OPTIONS request")
	fs.StringVar(&p.caFile, "preflight-ca-file", "", "PEM `FILE` of CA certificates trusted, besides the system's, for the TLS routes of connectors that require encryption")
}

// check validates the flags.
func (p *preflightFlags) check() error {
	if _, err := origination.ParsePreflightMode(p.mode); err != nil {
		return errors.New("--" + err.Error())
	}
	if p.timeout <= 0 {
		return errors.New("--preflight-timeout must be positive")
	}
	return nil
}

// load reads --preflight-ca-file; a file that cannot be read is a usage
// error, as a bad flag is. A reload does not read it again.
func (p *preflightFlags) load() error {
	if p.caFile == "" {
		return nil
	}
	roots, err := preflight.LoadRoots(p.caFile)
	if err != nil {
		return fmt.Errorf("--preflight-ca-file: %w", err)
	}
	p.roots = roots
	return nil
}

// probe returns the preflight mode and the check of routes the flags ask
// for; a nil check with --preflight off. observe, if not nil, is told each
// check's outcome.
func (p *preflightFlags) probe(observe func(ok bool)) (origination.PreflightMode, origination.Prober) {
	mode, err := origination.ParsePreflightMode(p.mode)
	if err != nil || mode == origination.PreflightOff {
		return origination.PreflightOff, nil // check refused a bad mode already
	}
	return mode, func(ctx context.Context, targets []origination.Target) map[origination.Target]origination.Probe {
		c := preflight.New(p.timeout) // a fresh cache per plan
		c.Roots = p.roots
		if observe != nil {
			c.Observe = func(r preflight.ProbeResult) { observe(r.OK) }
		}
		out := map[origination.Target]origination.Probe{}
		for t, r := range c.CheckAll(ctx, targets) {
			out[t] = origination.Probe{OK: r.OK, Detail: r.Detail()}
		}
		return out
	}
}
