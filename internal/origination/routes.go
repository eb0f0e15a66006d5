package origination

import (
	"cmp"
	"slices"

	"github.com/sipops/reconciler/internal/setting"
)

// RouteChange is one route-level difference. Routes are matched by
// Key (host, port, protocol), so a new weight on the same
// destination is a Modify, not a Remove plus an Add.
type RouteChange struct {
	Op     setting.Op // + added, - removed, ~ same destination, new priority and/or weight
	Key    Key
	Before *Route // nil for Add
	After  *Route // nil for Remove
}

// Routes returns the route-level differences between before and after,
// in order of the route's (new, else old) priority, then key. Unchanged
// routes are left out. Should a key appear twice on one side, its routes
// are paired in canonical order and the extras are added or removed.
func Routes(b, a *Origination) []RouteChange {
	before, after := byKey(b), byKey(a)
	var out []RouteChange
	for _, k := range unionKeys(before, after) {
		out = append(out, pairRoutes(k, before[k], after[k])...)
	}
	slices.SortStableFunc(out, func(a, b RouteChange) int {
		return cmp.Or(cmp.Compare(a.priority(), b.priority()), compareKeys(a.Key, b.Key))
	})
	return out
}

// DisabledChange reports the disabled flag of b and a, and whether it
// changes on a connector that has origination both before and after.
func DisabledChange(b, a *Origination) (before, after, changed bool) {
	if b == nil || a == nil {
		return false, false, false
	}
	return b.Disabled, a.Disabled, b.Disabled != a.Disabled
}

func (rc RouteChange) priority() int {
	if rc.After != nil {
		return rc.After.Priority
	}
	return rc.Before.Priority
}

func pairRoutes(k Key, before, after []Route) []RouteChange {
	var out []RouteChange
	for i := range max(len(before), len(after)) {
		rc := RouteChange{Key: k}
		if i < len(before) {
			rc.Before = &before[i]
		}
		if i < len(after) {
			rc.After = &after[i]
		}
		switch {
		case rc.Before == nil:
			rc.Op = setting.Add
		case rc.After == nil:
			rc.Op = setting.Remove
		case *rc.Before == *rc.After:
			continue
		default:
			rc.Op = setting.Modify
		}
		out = append(out, rc)
	}
	return out
}

// byKey groups a normalised copy of o's routes by key.
func byKey(o *Origination) map[Key][]Route {
	m := map[Key][]Route{}
	if o == nil {
		return m
	}
	for _, r := range o.Clone().Normalize().Routes {
		m[r.Key()] = append(m[r.Key()], r)
	}
	return m
}

func unionKeys[V any](a, b map[Key]V) []Key {
	var keys []Key
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, compareKeys)
	return keys
}

func compareKeys(a, b Key) int {
	return cmp.Or(cmp.Compare(a.Host, b.Host), cmp.Compare(a.Port, b.Port), cmp.Compare(a.Protocol, b.Protocol))
}
