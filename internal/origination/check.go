package origination

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/sipops/reconciler/internal/setting"
)

// This file holds origination's checks of a plan: what only a read can
// tell about a change before it is shown or written.

// ErrEmergencyCalling is the reason a change that deletes or disables the
// origination of a connector with an emergency calling configuration is
// refused: the service would refuse it.
var ErrEmergencyCalling = errors.New("emergency calling is configured for this Voice Connector: delete it before disabling or removing origination")

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

// Target is one route as the preflight probes it: its key, and whether it
// is probed over TLS, as Amazon Chime reaches the routes of a connector
// that requires encryption. The same host, port and protocol is a
// different target over TLS and in clear.
type Target struct {
	Key
	TLS bool
}

// String is "sbc1.example.com:5061/TCP (TLS)", or the key for a target in
// clear.
func (t Target) String() string {
	if t.TLS {
		return t.Key.String() + " (TLS)"
	}
	return t.Key.String()
}

// Probe is a route's preflight result, as package preflight finds it: the
// plan only shows it.
type Probe struct {
	OK     bool
	Detail string // "SIP/2.0 200 OK in 3ms", or why it failed
}

// String is the bracketed note shown after the route.
func (p Probe) String() string {
	if p.OK {
		return "[preflight: " + p.Detail + "]"
	}
	return "[preflight FAILED: " + p.Detail + "]"
}

// Prober checks targets and returns each one's result. It is called once
// per plan, so a fresh cache per call caches within one plan.
type Prober func(ctx context.Context, targets []Target) map[Target]Probe

// checked is what the checks learnt of a change (setting.Change.Detail):
// the preflight results of the routes of the plan, by route, shared by
// every change of the plan.
type checked struct {
	preflight map[Key]Probe
}

// preflightOf returns the preflight results of ch's plan, if checked.
func preflightOf(ch setting.Change) map[Key]Probe {
	if c, ok := ch.Detail.(*checked); ok {
		return c.preflight
	}
	return nil
}

// Check implements setting.Kind: a change that turns origination off is
// refused where emergency calling is configured; then the routes the
// other changes add or change are probed, when the preflight is on.
func (k *Kind) Check(ctx context.Context, env setting.CheckEnv, checks []*setting.Check) {
	k.checkEmergencyCalling(ctx, env, checks)
	k.checkRoutes(ctx, slices.DeleteFunc(slices.Clone(checks), func(c *setting.Check) bool {
		return c.Refused != nil || c.Failed != nil
	}))
}

// turnsOff reports whether ch deletes origination or writes it disabled,
// which the service refuses while emergency calling is configured. A put
// that keeps origination disabled writes Disabled true again and is refused
// just the same.
func turnsOff(ch setting.Change) bool {
	return ch.Action == setting.Delete || (ch.Action == setting.Put && of(ch.After).Disabled)
}

// checkEmergencyCalling reads the emergency calling configuration of the
// connectors whose change turns origination off, and of no other, and
// refuses those changes where one is configured: the connector shows as
// refused in the plan instead of failing in the middle of an apply.
func (k *Kind) checkEmergencyCalling(ctx context.Context, env setting.CheckEnv, checks []*setting.Check) {
	var off []*setting.Check
	for _, c := range checks {
		if turnsOff(*c.Change) {
			off = append(off, c)
		}
	}
	env.Each(ctx, len(off), func(i int) {
		configured, err := env.EmergencyCalling(ctx, off[i].Connector)
		switch {
		case err != nil:
			off[i].Failed = fmt.Errorf("read emergency calling before turning origination off: %w", err)
		case configured:
			off[i].Refused = ErrEmergencyCalling
		}
	})
}

// checkRoutes runs the preflight check on the added and changed routes,
// gives every change the results and, when enforcing, fails each
// connector with a failing route.
func (k *Kind) checkRoutes(ctx context.Context, checks []*setting.Check) {
	mode := k.opts.Preflight
	if k.opts.Probe == nil || mode == PreflightOff || mode == "" {
		return
	}
	var targets []Target
	for _, c := range checks {
		for _, rc := range Routes(changeOf(*c.Change)) {
			if t := target(c.Connector, rc); rc.Op != setting.Remove && !slices.Contains(targets, t) {
				targets = append(targets, t)
			}
		}
	}
	if len(targets) == 0 {
		return
	}
	results := k.opts.Probe(ctx, targets)
	detail := &checked{preflight: byRoute(results)}
	for _, c := range checks {
		c.Change.Detail = detail
		err := failedRoute(c.Connector, *c.Change, results)
		if err == nil {
			continue
		}
		k.log.Warn("preflight failed", "connector", c.Connector.Key, "error", err, "mode", string(mode))
		if mode == PreflightEnforce {
			c.Failed = fmt.Errorf("blocked by --preflight=enforce: %w", err)
		}
	}
}

// target is how route rc of connector c is probed: over TLS when the
// connector requires encryption, as Amazon Chime then reaches its TCP
// routes. (Its UDP routes are refused by the encryption gate.)
func target(c setting.Connector, rc RouteChange) Target {
	return Target{Key: rc.Key, TLS: c.RequireEncryption && rc.Key.Protocol == TCP}
}

// failedRoute returns an error naming the first added or changed route of
// ch whose preflight check failed.
func failedRoute(c setting.Connector, ch setting.Change, results map[Target]Probe) error {
	for _, rc := range Routes(changeOf(ch)) {
		t := target(c, rc)
		if r, ok := results[t]; ok && rc.Op != setting.Remove && !r.OK {
			return fmt.Errorf("route %s failed preflight: %s", t, r.Detail)
		}
	}
	return nil
}

// byRoute keys the results by route, as plans show them. A route probed
// both over TLS and in clear (the same host, port and protocol on an
// encrypted and on an unencrypted connector) gets both results: the plan
// shows one result per route, on every connector that has the route.
func byRoute(results map[Target]Probe) map[Key]Probe {
	out := make(map[Key]Probe, len(results))
	for t, r := range results {
		other, both := results[Target{Key: t.Key, TLS: !t.TLS}]
		switch {
		case !both:
			out[t.Key] = r
		case t.TLS:
			out[t.Key] = Probe{
				OK:     r.OK && other.OK,
				Detail: "encrypted connectors: " + r.Detail + "; others: " + other.Detail,
			}
		}
	}
	return out
}
