package reconcile

import (
	"context"
	"fmt"
	"slices"

	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
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
type PreflightFunc func(ctx context.Context, keys []origination.Key) map[origination.Key]diff.Preflight

// SetPreflight makes Plan check the routes each plan adds or changes. Call
// it before the engine is used.
func (e *Engine) SetPreflight(mode PreflightMode, check PreflightFunc) {
	e.preflightMode, e.preflight = mode, check
}

// checkRoutes runs the preflight check on the added and changed routes of
// p, records the results in p.Preflight and, when enforcing, turns each
// connector with a failing route into an error.
func (e *Engine) checkRoutes(ctx context.Context, p *Planned) {
	if e.preflight == nil || e.preflightMode == PreflightOff || e.preflightMode == "" {
		return
	}
	var keys []origination.Key
	for _, c := range p.Plan.Changes {
		for _, rc := range c.Routes() {
			if rc.Op != diff.Remove && !slices.Contains(keys, rc.Key) {
				keys = append(keys, rc.Key)
			}
		}
	}
	if len(keys) == 0 {
		return
	}
	p.Preflight = e.preflight(ctx, keys)
	kept := p.Plan.Changes[:0]
	for _, c := range p.Plan.Changes {
		err := failedRoute(c, p.Preflight)
		if err == nil {
			kept = append(kept, c)
			continue
		}
		e.log.Warn("preflight failed", "connector", c.Key, "error", err, "mode", string(e.preflightMode))
		if e.preflightMode != PreflightEnforce {
			kept = append(kept, c)
			continue
		}
		p.Errors[c.Key] = fmt.Errorf("blocked by --preflight=enforce: %w", err)
		p.Plan.Unknown = append(p.Plan.Unknown, c.Key)
	}
	p.Plan.Changes = kept
	slices.Sort(p.Plan.Unknown)
}

// failedRoute returns an error naming the first added or changed route of
// c whose preflight check failed.
func failedRoute(c diff.Change, results map[origination.Key]diff.Preflight) error {
	for _, rc := range c.Routes() {
		if r, ok := results[rc.Key]; ok && rc.Op != diff.Remove && !r.OK {
			return fmt.Errorf("route %s failed preflight: %s", rc.Key, r.Detail)
		}
	}
	return nil
}
