package diff

import (
	"fmt"
	"strings"

	"github.com/sipops/reconciler/internal/origination"
)

// Gates are the operator's overrides of the safety gates.
type Gates struct {
	AllowMassChange  bool // --allow-mass-change
	AllowTrafficLoss bool // --allow-traffic-loss
}

// Kind names a safety gate.
type Kind string

// Gate kinds, as they also appear in the JSON rendering.
const (
	MassChange  Kind = "mass-change"
	TrafficLoss Kind = "traffic-loss"
	Encryption  Kind = "encryption"
)

// Thresholds of the mass-change gate: it trips when a plan changes or
// removes the origination of more than MassChangePercent percent of the
// connectors that have one, once there are at least MassChangeMin of them.
const (
	MassChangeMin     = 10
	MassChangePercent = 30
)

// Violation is a safety gate the plan trips and the gates do not allow.
type Violation struct {
	Kind    Kind
	Keys    []string // connectors concerned, sorted
	Message string   // for operators; names the flag that allows it, if any
}

// Check returns the violations of p that g does not allow: the mass-change
// gate first, then each connector's traffic-loss and encryption gates in key
// order. An empty result means p may be applied.
func (p *Plan) Check(g Gates) []Violation {
	var out []Violation
	if v, ok := p.massChange(); ok && !g.AllowMassChange {
		out = append(out, v)
	}
	for _, c := range p.Changes {
		if reason := c.TrafficLoss(); reason != "" && !g.AllowTrafficLoss {
			out = append(out, Violation{Kind: TrafficLoss, Keys: []string{c.Key}, Message: fmt.Sprintf(
				"%s: the change %s; re-run with --allow-traffic-loss if that is intended",
				c.Key, reason)})
		}
		if udp := c.encryptionViolations(); len(udp) > 0 {
			out = append(out, Violation{Kind: Encryption, Keys: []string{c.Key}, Message: fmt.Sprintf(
				"%s: the Voice Connector requires encryption, which only TCP (TLS) routes can carry; change %s to TCP (no flag overrides this)",
				c.Key, strings.Join(udp, ", "))})
		}
	}
	return out
}

// massChange reports the mass-change violation of p, if it trips the gate.
// Connectors without origination before, and unknown connectors, do not
// count: creating origination is additive.
func (p *Plan) massChange() (Violation, bool) {
	managed := 0
	var keys []string
	for _, c := range p.Changes {
		if c.Before == nil {
			continue
		}
		managed++
		if c.Action != Noop {
			keys = append(keys, c.Key)
		}
	}
	if managed < MassChangeMin || len(keys)*100 <= managed*MassChangePercent {
		return Violation{}, false
	}
	return Violation{Kind: MassChange, Keys: keys, Message: fmt.Sprintf(
		"the plan changes or removes the origination of %d of the %d connectors that have one (%s), more than %d%%; review it and re-run with --allow-mass-change if that is intended",
		len(keys), managed, strings.Join(keys, ", "), MassChangePercent)}, true
}

const noCalls = ", so inbound calls would no longer reach any SBC"

// TrafficLoss returns why applying c would stop calls that flow today, or ""
// if it would not. Only a Before that carries calls (present, enabled, with
// routes) can lose them. It does when After is absent, disabled or has no
// routes, or when none of the routes of Before's top tier (its lowest
// priority number) keep that priority or a better one in After.
func (c Change) TrafficLoss() string {
	b, a := c.Before.Clone().Normalize(), c.After.Clone().Normalize()
	switch {
	case c.Action == Noop || b == nil || b.Disabled || len(b.Routes) == 0:
		return ""
	case a == nil:
		return "deletes the origination" + noCalls
	case a.Disabled:
		return "disables the origination" + noCalls
	case len(a.Routes) == 0:
		return "leaves no routes" + noCalls
	}
	top := topPriority(b)
	for _, r := range a.Routes {
		if r.Priority <= top && hasRoute(b, r.Key(), top) {
			return ""
		}
	}
	return fmt.Sprintf("moves or removes every route of priority %d, so the destinations that take calls today would stop getting them", top)
}

// encryptionViolations lists the UDP routes c would write to a connector
// that requires encryption.
func (c Change) encryptionViolations() []string {
	if c.Action != Put || !c.RequireEncryption {
		return nil
	}
	var udp []string
	for _, r := range c.After.Clone().Normalize().Routes {
		if r.Protocol == origination.UDP {
			udp = append(udp, r.Key().String())
		}
	}
	return udp
}

func topPriority(o *origination.Origination) int {
	top := o.Routes[0].Priority
	for _, r := range o.Routes {
		top = min(top, r.Priority)
	}
	return top
}

func hasRoute(o *origination.Origination, k origination.Key, prio int) bool {
	for _, r := range o.Routes {
		if r.Key() == k && r.Priority == prio {
			return true
		}
	}
	return false
}
