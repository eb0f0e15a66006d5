package origination

import (
	"maps"
	"slices"
)

// Tier is the traffic effect of a change on one priority tier: the routes
// that carry that priority before or after, with their share of the tier's
// calls.
type Tier struct {
	Priority int
	Shares   []Share // sorted by key
}

// Share is one route's part of its tier's calls before and after.
type Share struct {
	Key           Key
	Before, After Portion
}

// Portion is Weight out of the tier's Total weight. The zero Portion is a 0%
// share: the route is not in the tier, or the origination is disabled or
// absent.
type Portion struct {
	Weight, Total int
}

// Percent returns the share as a percentage, 0 to 100.
func (p Portion) Percent() float64 {
	if p.Total == 0 {
		return 0
	}
	return 100 * float64(p.Weight) / float64(p.Total)
}

// Same reports whether p and q are the same share, compared exactly.
func (p Portion) Same(q Portion) bool {
	return p.Weight*max(q.Total, 1) == q.Weight*max(p.Total, 1)
}

// Traffic returns, in priority order (1 first), the tiers where some
// route's share of calls changes from b to a. A disabled or absent
// origination carries 0% on every route.
func Traffic(b, a *Origination) []Tier {
	before, after := tierWeights(b), tierWeights(a)
	prios := slices.Sorted(maps.Keys(before))
	for p := range after {
		if _, ok := before[p]; !ok {
			prios = append(prios, p)
		}
	}
	slices.Sort(prios)
	var out []Tier
	for _, p := range prios {
		if t, changed := tier(p, before[p], after[p]); changed {
			out = append(out, t)
		}
	}
	return out
}

func tier(prio int, before, after map[Key]int) (Tier, bool) {
	t := Tier{Priority: prio}
	bt, at := total(before), total(after)
	changed := false
	for _, k := range unionKeys(before, after) {
		s := Share{Key: k, Before: Portion{before[k], bt}, After: Portion{after[k], at}}
		if !s.Before.Same(s.After) {
			changed = true
		}
		t.Shares = append(t.Shares, s)
	}
	return t, changed
}

// tierWeights maps priority to the weight of each route key at that
// priority. Disabled or absent originations carry nothing.
func tierWeights(o *Origination) map[int]map[Key]int {
	m := map[int]map[Key]int{}
	if o == nil || o.Disabled {
		return m
	}
	for _, r := range o.Clone().Normalize().Routes {
		if m[r.Priority] == nil {
			m[r.Priority] = map[Key]int{}
		}
		m[r.Priority][r.Key()] += r.Weight
	}
	return m
}

func total(weights map[Key]int) int {
	n := 0
	for _, w := range weights {
		n += w
	}
	return n
}
