package diff

import (
	"cmp"
	"slices"

	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
)

// Live is what was read of one connector: what is known of it (its
// resolved id, its encryption setting, whether it is known to exist), and
// the live value of each setting its spec names, by setting name; a
// setting missing from Values, or nil, is not configured.
type Live struct {
	Connector setting.Connector
	Values    map[string]setting.Value
}

// Change is the plan for one connector: the connector, and the change of
// each setting its spec names, in the spec's order of kinds.
type Change struct {
	setting.Connector
	Settings []setting.Change
}

// Pending reports whether c writes anything.
func (c Change) Pending() bool {
	return slices.ContainsFunc(c.Settings, func(s setting.Change) bool { return s.Action != setting.Noop })
}

// Setting returns the change of the setting name, if the connector's spec
// names it.
func (c Change) Setting(name string) (setting.Change, bool) {
	i := slices.IndexFunc(c.Settings, func(s setting.Change) bool { return s.Kind.Name() == name })
	if i < 0 {
		return setting.Change{}, false
	}
	return c.Settings[i], true
}

// pending returns the changes of c that write.
func (c Change) pending() []setting.Change {
	return slices.DeleteFunc(slices.Clone(c.Settings), func(s setting.Change) bool { return s.Action == setting.Noop })
}

// Plan is the set of changes for one desired state against one live state.
type Plan struct {
	// Changes holds one entry per desired connector with live state, noop
	// included, sorted by Key.
	Changes []Change
	// Unknown holds the keys, sorted, of desired connectors missing from the
	// live map (not resolved or failed to read). They are not planned: the
	// apply engine reports their errors itself.
	Unknown []string
	// Refused holds, sorted by key, the changes that were planned but will
	// not be made, each with why (see Plan.Refuse). They are not in Changes.
	Refused []Refusal
}

// Refusal is a planned change of a connector that will not be made: a
// rule of the service would refuse the write of one of its settings, so
// the plan refuses it first.
type Refusal struct {
	Change
	Setting string // the setting whose change the service would refuse
	Reason  string
}

// Refuse moves the change of connector key from Changes to Refused, for
// the change of its setting, with reason. It reports whether Changes held
// it.
func (p *Plan) Refuse(key, setting, reason string) bool {
	i := slices.IndexFunc(p.Changes, func(c Change) bool { return c.Key == key })
	if i < 0 {
		return false
	}
	p.Refused = append(p.Refused, Refusal{Change: p.Changes[i], Setting: setting, Reason: reason})
	p.Changes = slices.Delete(p.Changes, i, i+1)
	slices.SortStableFunc(p.Refused, func(a, b Refusal) int { return cmp.Compare(a.Key, b.Key) })
	return true
}

// refused returns the change of r's setting that is refused.
func (r Refusal) refused() setting.Change {
	ch, _ := r.Change.Setting(r.Setting)
	return ch
}

// Compute plans every desired connector against live, keyed by connector Key.
// Its inputs are not modified.
func Compute(desired []schema.DesiredConnector, live map[string]Live) *Plan {
	p := &Plan{}
	for _, c := range desired {
		l, ok := live[c.Key]
		if !ok {
			p.Unknown = append(p.Unknown, c.Key)
			continue
		}
		p.Changes = append(p.Changes, ComputeOne(c, l))
	}
	slices.SortStableFunc(p.Changes, func(a, b Change) int { return cmp.Compare(a.Key, b.Key) })
	slices.Sort(p.Unknown)
	return p
}

// ComputeOne plans one connector, each of its settings by its kind; the
// apply engine uses it to re-plan a connector after re-reading it.
func ComputeOne(c schema.DesiredConnector, l Live) Change {
	ch := Change{Connector: Connector(c, l.Connector)}
	for _, d := range c.Settings {
		ch.Settings = append(ch.Settings, d.Kind.Plan(ch.Connector, d, l.Values[d.Kind.Name()]))
	}
	return ch
}

// Connector is the connector of c as known, completed from the spec: its
// key and name, its region, and its id when the read learnt none.
func Connector(c schema.DesiredConnector, known setting.Connector) setting.Connector {
	known.Key, known.Name, known.Region = c.Key, c.Name, c.Region
	known.ID = cmp.Or(known.ID, c.ID)
	return known
}

// Summary counts the changes of a plan by kind.
type Summary struct {
	Create, Change, Delete, Noop, Unknown, Refused int
}

// Summary counts p's connectors: one whose writes all create a setting is
// a create, one whose writes all delete one a delete, any other that
// writes a change. Refused changes are counted apart.
func (p *Plan) Summary() Summary {
	s := Summary{Unknown: len(p.Unknown), Refused: len(p.Refused)}
	for _, c := range p.Changes {
		switch w := c.pending(); {
		case len(w) == 0:
			s.Noop++
		case all(w, func(ch setting.Change) bool { return ch.Action == setting.Delete }):
			s.Delete++
		case all(w, setting.Change.Creates):
			s.Create++
		default:
			s.Change++
		}
	}
	return s
}

func all(cs []setting.Change, f func(setting.Change) bool) bool {
	return !slices.ContainsFunc(cs, func(c setting.Change) bool { return !f(c) })
}

// Pending reports whether applying p would write anything.
func (p *Plan) Pending() bool {
	return slices.ContainsFunc(p.Changes, Change.Pending)
}
