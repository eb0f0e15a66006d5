package diff

import (
	"cmp"
	"slices"

	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
)

// Action is what the apply engine must do for one connector.
type Action string

// Actions, as they also appear in the JSON rendering.
const (
	Noop   Action = "noop"   // live already matches the spec
	Put    Action = "put"    // write After (creates origination when Before is nil)
	Delete Action = "delete" // delete the origination (spec says absent: true)
)

// Live is the state read from the service for one connector.
type Live struct {
	// ID is the resolved Voice Connector id.
	ID string
	// RequireEncryption is the connector's encryption setting: when set, the
	// service only accepts TLS, so UDP routes are refused.
	RequireEncryption bool
	// Origination is the current setting; nil means none is configured.
	Origination *origination.Origination
}

// Change is the plan for one connector. Before and After are normalised
// copies (ports defaulted, routes in canonical order); nil means no
// origination.
type Change struct {
	Key    string // key under voiceConnectors
	ID     string // resolved id (from Live, else from the spec)
	Name   string // name from the spec, if it named the connector by name
	Region string

	Action Action
	Before *origination.Origination
	After  *origination.Origination

	// RequireEncryption is copied from Live for the encryption gate.
	RequireEncryption bool
}

// Creates reports whether the change sets origination on a connector that
// has none.
func (c Change) Creates() bool { return c.Action == Put && c.Before == nil }

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

// Refusal is a planned change that will not be made: a rule of the service
// would refuse the write, so the plan refuses it first.
type Refusal struct {
	Change
	Reason string
}

// Refuse moves the change of connector key from Changes to Refused, with
// reason. It reports whether Changes held it.
func (p *Plan) Refuse(key, reason string) bool {
	i := slices.IndexFunc(p.Changes, func(c Change) bool { return c.Key == key })
	if i < 0 {
		return false
	}
	p.Refused = append(p.Refused, Refusal{Change: p.Changes[i], Reason: reason})
	p.Changes = slices.Delete(p.Changes, i, i+1)
	slices.SortStableFunc(p.Refused, func(a, b Refusal) int { return cmp.Compare(a.Key, b.Key) })
	return true
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

// ComputeOne plans one connector; the apply engine uses it to re-plan a
// connector after re-reading it. A connector that is neither absent nor has
// an origination asks for nothing and is a noop.
func ComputeOne(c schema.DesiredConnector, l Live) Change {
	ch := Change{
		Key:               c.Key,
		ID:                cmp.Or(l.ID, c.ID),
		Name:              c.Name,
		Region:            c.Region,
		Before:            l.Origination.Clone().Normalize(),
		RequireEncryption: l.RequireEncryption,
	}
	switch {
	case c.Absent:
		ch.Action = Noop
		if ch.Before != nil {
			ch.Action = Delete
		}
	case c.Origination == nil:
		ch.After = ch.Before.Clone()
		ch.Action = Noop
	default:
		ch.After = c.Origination.Clone().Normalize()
		ch.Action = Put
		if origination.Equal(ch.Before, ch.After) {
			ch.Action = Noop
		}
	}
	return ch
}

// Summary counts the changes of a plan by kind.
type Summary struct {
	Create, Change, Delete, Noop, Unknown, Refused int
}

// Summary counts p's changes: a put on a connector without origination is a
// create, any other put a change. Refused changes are counted apart.
func (p *Plan) Summary() Summary {
	s := Summary{Unknown: len(p.Unknown), Refused: len(p.Refused)}
	for _, c := range p.Changes {
		switch {
		case c.Action == Noop:
			s.Noop++
		case c.Action == Delete:
			s.Delete++
		case c.Creates():
			s.Create++
		default:
			s.Change++
		}
	}
	return s
}

// Pending reports whether applying p would write anything.
func (p *Plan) Pending() bool {
	return slices.ContainsFunc(p.Changes, func(c Change) bool { return c.Action != Noop })
}
