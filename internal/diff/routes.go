package diff

import (
	"cmp"
	"slices"

	"github.com/sipops/reconciler/internal/origination"
)

// Op marks a route-level change, as in the text rendering.
type Op string

// Route-level operations.
const (
	Add    Op = "+"
	Remove Op = "-"
	Modify Op = "~" // same destination, new priority and/or weight
)

// RouteChange is one route-level difference. Routes are matched by
// origination.Key (host, port, protocol), so a new weight on the same
// destination is a Modify, not a Remove plus an Add.
type RouteChange struct {
	Op     Op
	Key    origination.Key
	Before *origination.Route // nil for Add
	After  *origination.Route // nil for Remove
}

// Routes returns the route-level differences between Before and After, in
// order of the route's (new, else old) priority, then key. Unchanged routes
// are left out. Should a key appear twice on one side, its routes are paired
// in canonical order and the extras are added or removed.
func (c Change) Routes() []RouteChange {
	before, after := byKey(c.Before), byKey(c.After)
	var out []RouteChange
	for _, k := range unionKeys(before, after) {
		out = append(out, pairRoutes(k, before[k], after[k])...)
	}
	slices.SortStableFunc(out, func(a, b RouteChange) int {
		return cmp.Or(cmp.Compare(a.priority(), b.priority()), compareKeys(a.Key, b.Key))
	})
	return out
}

// DisabledChange reports the disabled flag before and after, and whether it
// changes on a connector that has origination both before and after.
func (c Change) DisabledChange() (before, after, changed bool) {
	if c.Before == nil || c.After == nil {
		return false, false, false
	}
	return c.Before.Disabled, c.After.Disabled, c.Before.Disabled != c.After.Disabled
}

func (rc RouteChange) priority() int {
	if rc.After != nil {
		return rc.After.Priority
	}
	return rc.Before.Priority
}

func pairRoutes(k origination.Key, before, after []origination.Route) []RouteChange {
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
			rc.Op = Add
		case rc.After == nil:
			rc.Op = Remove
		case *rc.Before == *rc.After:
			continue
		default:
			rc.Op = Modify
		}
		out = append(out, rc)
	}
	return out
}

// byKey groups a normalised copy of o's routes by key.
func byKey(o *origination.Origination) map[origination.Key][]origination.Route {
	m := map[origination.Key][]origination.Route{}
	if o == nil {
		return m
	}
	for _, r := range o.Clone().Normalize().Routes {
		m[r.Key()] = append(m[r.Key()], r)
	}
	return m
}

func unionKeys[V any](a, b map[origination.Key]V) []origination.Key {
	var keys []origination.Key
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

func compareKeys(a, b origination.Key) int {
	return cmp.Or(cmp.Compare(a.Host, b.Host), cmp.Compare(a.Port, b.Port), cmp.Compare(a.Protocol, b.Protocol))
}
