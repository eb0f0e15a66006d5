package reconcile

import (
	"context"
	"fmt"
	"slices"

	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/preflight"
)

// PreflightMode says what a plan does with the preflight check of the
// routes it adds or changes.
type PreflightMode string

// Preflight modes.
const (
	PreflightOff     PreflightMode = "off"     // no check
	PreflightWarn    PreflightMode = "warn"    // check and show, never block
	PreflightEnforce PreflightMode = "enforce" // block a connector with a failing route
)

// ParsePreflightMode parses off, warn or enforce.
func ParsePreflightMode(s string) (PreflightMode, error) {
	switch m := PreflightMode(s); m {
	case PreflightOff, PreflightWarn, PreflightEnforce:
		return m, nil
	}
	return "", fmt.Errorf("preflight mode %q: want off, warn or enforce", s)
}

// PreflightFunc checks routes and returns each one's result. It is called
// once per plan, so a fresh cache per call caches within one plan.
type PreflightFunc func(ctx context.Context, targets []preflight.Target) map[preflight.Target]diff.Preflight

// checkRoutes runs the preflight check on the added and changed routes of
// p, records the results in p.Preflight and, when enforcing, turns each
// connector with a failing route into an error.
func (e *Engine) checkRoutes(ctx context.Context, p *Planned) {
	mode := e.opts.Preflight
	if e.opts.Probe == nil || mode == PreflightOff || mode == "" {
		return
	}
	var targets []preflight.Target
	for _, c := range p.Plan.Changes {
		for _, rc := range c.Routes() {
			if t := preflightTarget(c, rc); rc.Op != diff.Remove && !slices.Contains(targets, t) {
				targets = append(targets, t)
			}
		}
	}
	if len(targets) == 0 {
		return
	}
	results := e.opts.Probe(ctx, targets)
	p.Preflight = byRoute(results)
	kept := p.Plan.Changes[:0]
	for _, c := range p.Plan.Changes {
		err := failedRoute(c, results)
		if err == nil {
			kept = append(kept, c)
			continue
		}
		e.log.Warn("preflight failed", "connector", c.Key, "error", err, "mode", string(mode))
		if mode != PreflightEnforce {
			kept = append(kept, c)
			continue
		}
		p.Errors[c.Key] = fmt.Errorf("blocked by --preflight=enforce: %w", err)
		p.Plan.Unknown = append(p.Plan.Unknown, c.Key)
	}
	p.Plan.Changes = kept
	slices.Sort(p.Plan.Unknown)
}

// preflightTarget is how route rc of c is probed: over TLS when c's
// connector requires encryption, as Amazon Chime then reaches its TCP
// routes. (Its UDP routes are refused by the encryption gate.)
func preflightTarget(c diff.Change, rc diff.RouteChange) preflight.Target {
	return preflight.Target{Key: rc.Key, TLS: c.RequireEncryption && rc.Key.Protocol == origination.TCP}
}

// failedRoute returns an error naming the first added or changed route of
// c whose preflight check failed.
func failedRoute(c diff.Change, results map[preflight.Target]diff.Preflight) error {
	for _, rc := range c.Routes() {
		t := preflightTarget(c, rc)
		if r, ok := results[t]; ok && rc.Op != diff.Remove && !r.OK {
			return fmt.Errorf("route %s failed preflight: %s", t, r.Detail)
		}
	}
	return nil
}

// byRoute keys the results by route, as plans show them. A route probed
// both over TLS and in clear (the same host, port and protocol on an
// encrypted and on an unencrypted connector) gets both results: the plan
// shows one result per route, on every connector that has the route.
func byRoute(results map[preflight.Target]diff.Preflight) map[origination.Key]diff.Preflight {
	out := make(map[origination.Key]diff.Preflight, len(results))
	for t, r := range results {
		other, both := results[preflight.Target{Key: t.Key, TLS: !t.TLS}]
		switch {
		case !both:
			out[t.Key] = r
		case t.TLS:
			out[t.Key] = diff.Preflight{
				OK:     r.OK && other.OK,
				Detail: "encrypted connectors: " + r.Detail + "; others: " + other.Detail,
			}
		}
	}
	return out
}
