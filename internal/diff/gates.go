package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sipops/reconciler/internal/setting"
)

// Gates are the operator's overrides of the safety gates.
type Gates struct {
	AllowMassChange  bool // --allow-mass-change
	AllowTrafficLoss bool // --allow-traffic-loss
}

// allows reports whether g allows a violation of gate.
func (g Gates) allows(gate setting.Gate) bool {
	switch gate {
	case setting.MassChange:
		return g.AllowMassChange
	case setting.TrafficLoss:
		return g.AllowTrafficLoss
	}
	return false
}

// Thresholds of the mass-change gate: it trips when a plan changes or
// removes one setting of more than MassChangePercent percent of the
// connectors that have it, once there are at least MassChangeMin of them.
const (
	MassChangeMin     = 10
	MassChangePercent = 30
)

// Check returns the violations of p that g does not allow: the mass-change
// gate of each setting first, in the order of kinds, then each
// connector's gates, as its kinds find them, in key order. An empty result
// means p may be applied.
func (p *Plan) Check(g Gates) []Violation {
	var all []Violation
	all = append(all, p.massChange()...)
	for _, c := range p.Changes {
		for _, ch := range c.Settings {
			if ch.Action != setting.Noop {
				all = append(all, ch.Kind.Gates(c.Connector, ch)...)
			}
		}
	}
	var out []Violation
	for _, v := range all {
		if !g.allows(v.Kind) {
			out = append(out, v)
		}
	}
	return out
}

// CheckOne returns the violations of one connector's change that g does
// not allow: the engine's check of a connector planned anew before its
// write. The mass-change gate, which weighs a plan, is not.
func CheckOne(c Change, g Gates) []Violation {
	vs := (&Plan{Changes: []Change{c}}).Check(g)
	out := vs[:0]
	for _, v := range vs {
		if v.Kind != setting.MassChange {
			out = append(out, v)
		}
	}
	return out
}

// Violation is a safety gate a plan trips and the gates do not allow.
type Violation = setting.Violation

// massChange returns a mass-change violation for each setting whose
// change trips the gate. Connectors without the setting before, and
// unknown connectors, do not count: creating a setting is additive.
func (p *Plan) massChange() []Violation {
	var kinds []setting.Kind
	managed, changed := map[setting.Kind]int{}, map[setting.Kind][]string{}
	for _, c := range p.Changes {
		for _, ch := range c.Settings {
			if !slices.Contains(kinds, ch.Kind) {
				kinds = append(kinds, ch.Kind)
			}
			if ch.Before == nil {
				continue
			}
			managed[ch.Kind]++
			if ch.Action != setting.Noop {
				changed[ch.Kind] = append(changed[ch.Kind], c.Key)
			}
		}
	}
	var out []Violation
	for _, k := range kinds {
		n, keys := managed[k], changed[k]
		if n < MassChangeMin || len(keys)*100 <= n*MassChangePercent {
			continue
		}
		out = append(out, Violation{Kind: setting.MassChange, Keys: keys, Message: fmt.Sprintf(
			"the plan changes or removes the %s of %d of the %d connectors that have one (%s), more than %d%%; review it and re-run with --allow-mass-change if that is intended",
			k.Name(), len(keys), n, strings.Join(keys, ", "), MassChangePercent)})
	}
	return out
}
