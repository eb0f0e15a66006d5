package origination

import (
	"fmt"
	"strings"

	"github.com/sipops/reconciler/internal/setting"
)

const noCalls = ", so inbound calls would no longer reach any SBC"

// Gates implements setting.Kind: traffic loss, allowed by
// --allow-traffic-loss, and encryption, which no flag allows.
func (k *Kind) Gates(c setting.Connector, ch setting.Change) []setting.Violation {
	var out []setting.Violation
	if reason := TrafficLoss(ch); reason != "" {
		out = append(out, setting.Violation{Kind: setting.TrafficLoss, Keys: []string{c.Key}, Message: fmt.Sprintf(
			"%s: the change %s; re-run with --allow-traffic-loss if that is intended", c.Key, reason)})
	}
	if udp := encryptionViolations(c, ch); len(udp) > 0 {
		out = append(out, setting.Violation{Kind: setting.Encryption, Keys: []string{c.Key}, Message: fmt.Sprintf(
			"%s: the Voice Connector requires encryption, which only TCP (TLS) routes can carry; change %s to TCP (no flag overrides this)",
			c.Key, strings.Join(udp, ", "))})
	}
	return out
}

// TrafficLoss returns why applying ch would stop calls that flow today, or
// "" if it would not. Only a Before that carries calls (present, enabled,
// with routes) can lose them. It does when After is absent, disabled or
// has no routes, or when none of the routes of Before's top tier (its
// lowest priority number) keep that priority or a better one in After.
func TrafficLoss(ch setting.Change) string {
	before, after := changeOf(ch)
	b, a := before.Clone().Normalize(), after.Clone().Normalize()
	switch {
	case ch.Action == setting.Noop || b == nil || b.Disabled || len(b.Routes) == 0:
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

// encryptionViolations lists the UDP routes ch would write to a connector
// that requires encryption.
func encryptionViolations(c setting.Connector, ch setting.Change) []string {
	if ch.Action != setting.Put || !c.RequireEncryption {
		return nil
	}
	var udp []string
	for _, r := range of(ch.After).Clone().Normalize().Routes {
		if r.Protocol == UDP {
			udp = append(udp, r.Key().String())
		}
	}
	return udp
}

func topPriority(o *Origination) int {
	top := o.Routes[0].Priority
	for _, r := range o.Routes {
		top = min(top, r.Priority)
	}
	return top
}

func hasRoute(o *Origination, k Key, prio int) bool {
	for _, r := range o.Routes {
		if r.Key() == k && r.Priority == prio {
			return true
		}
	}
	return false
}
