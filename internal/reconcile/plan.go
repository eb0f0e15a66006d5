package reconcile

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
)

// Planned is a plan together with what it was made from, for Apply.
type Planned struct {
	Revision string
	Plan     *diff.Plan
	// Desired by connector key, for re-planning a connector before writing.
	Desired map[string]schema.DesiredConnector
	// Errors by connector key: connectors that could not be resolved,
	// read or checked, and so are not in Plan.Changes (they are in
	// Plan.Unknown), and connectors whose change is refused (in
	// Plan.Refused, the error being the reason, permanent). Apply fails
	// them all.
	Errors map[string]error
}

// Plan reads the live state of every setting each desired connector names
// and plans it. Connectors are read concurrently; one that fails is
// recorded in Errors. Plan returns an error only when ctx ends.
func (e *Engine) Plan(ctx context.Context, revision string, desired []schema.DesiredConnector) (*Planned, error) {
	p := &Planned{Revision: revision, Desired: map[string]schema.DesiredConnector{}, Errors: map[string]error{}}
	for _, c := range desired {
		p.Desired[c.Key] = c
	}
	ids := e.resolve(ctx, desired)
	live := make([]diff.Live, len(desired))
	errs := make([]error, len(desired))
	e.each(ctx, len(desired), func(i int) {
		live[i], errs[i] = e.read(ctx, desired[i], ids)
	})
	byKey := map[string]diff.Live{}
	for i, c := range desired {
		if errs[i] != nil {
			p.Errors[c.Key] = errs[i]
			continue
		}
		byKey[c.Key] = live[i]
	}
	p.Plan = diff.Compute(desired, byKey)
	e.checkTargets(ctx, p, ids)
	e.check(ctx, p)
	return p, ctx.Err()
}

// resolved is the outcome of name resolution: the connectors listed per
// region, for the connectors named by name.
type resolved struct {
	listed map[string][]chime.VoiceConnector // by region
	errs   map[string]error                  // by region
}

// resolve lists each region that has connectors named by name, once.
func (e *Engine) resolve(ctx context.Context, desired []schema.DesiredConnector) resolved {
	r := resolved{listed: map[string][]chime.VoiceConnector{}, errs: map[string]error{}}
	var regions []string
	for _, c := range desired {
		if c.ID == "" && !slices.Contains(regions, c.Region) {
			regions = append(regions, c.Region)
		}
	}
	var mu sync.Mutex
	e.each(ctx, len(regions), func(i int) {
		cs, err := e.api.ListConnectors(ctx, regions[i])
		e.remember(cs...)
		mu.Lock()
		defer mu.Unlock()
		r.listed[regions[i]], r.errs[regions[i]] = cs, err
	})
	return r
}

// lookup returns the connector c names, resolved by name if need be. ok is
// false for a connector named by id: only its id is known.
func (r resolved) lookup(c schema.DesiredConnector) (_ chime.VoiceConnector, ok bool, err error) {
	if c.ID != "" {
		return chime.VoiceConnector{ID: c.ID, Region: c.Region}, false, nil
	}
	if err := r.errs[c.Region]; err != nil {
		return chime.VoiceConnector{}, false, fmt.Errorf("resolve name %q: %w", c.Name, err)
	}
	var found []chime.VoiceConnector
	for _, vc := range r.listed[c.Region] {
		if vc.Name == c.Name {
			found = append(found, vc)
		}
	}
	switch len(found) {
	case 0:
		return chime.VoiceConnector{}, false, permanent(fmt.Errorf("no voice connector is named %q in %s", c.Name, regionName(c.Region)))
	case 1:
		return found[0], true, nil
	}
	return chime.VoiceConnector{}, false, permanent(fmt.Errorf("%d voice connectors are named %q in %s: name it by id instead", len(found), c.Name, regionName(c.Region)))
}

func regionName(r string) string {
	if r == "" {
		return "the default region"
	}
	return r
}

// read returns the live state of one connector: each setting its spec
// names, read by its kind, in order. A connector found by a listing exists;
// one named by id may not, and each kind's read tells a missing connector
// from one without its setting.
func (e *Engine) read(ctx context.Context, c schema.DesiredConnector, r resolved) (diff.Live, error) {
	vc, listed, err := r.lookup(c)
	if err != nil {
		return diff.Live{}, err
	}
	if known, ok := e.lookupKnown(vc.ID); ok && !listed {
		vc.RequireEncryption = known.RequireEncryption
	}
	l := diff.Live{
		Connector: setting.Connector{ID: vc.ID, RequireEncryption: vc.RequireEncryption, Known: listed},
		Values:    map[string]setting.Value{},
	}
	conn := diff.Connector(c, l.Connector)
	for _, d := range c.Settings {
		v, err := d.Kind.Read(ctx, conn)
		if err != nil {
			return diff.Live{}, err
		}
		l.Values[d.Kind.Name()] = v
	}
	return l, nil
}

// checkTargets reads the connector of every change that writes, to learn
// its encryption setting and that it exists: the read of a setting cannot
// tell a connector without it from a missing one. Connectors named by
// name were read by the listing already, and connectors read before are
// remembered.
func (e *Engine) checkTargets(ctx context.Context, p *Planned, r resolved) {
	changes := p.Plan.Changes
	errs := make([]error, len(changes))
	e.each(ctx, len(changes), func(i int) {
		ch := &changes[i]
		if !ch.Pending() {
			return
		}
		if _, listed, _ := r.lookup(p.Desired[ch.Key]); listed {
			return
		}
		if _, ok := e.lookupKnown(ch.ID); ok {
			return // read() used its encryption setting
		}
		vc, err := e.api.GetConnector(ctx, ch.Region, ch.ID)
		if err != nil {
			errs[i] = err
			return
		}
		e.remember(vc)
		*ch = diff.ComputeOne(p.Desired[ch.Key], liveOf(*ch, setting.Connector{ID: vc.ID, RequireEncryption: vc.RequireEncryption, Known: true}))
	})
	kept := changes[:0]
	for i, ch := range changes {
		if errs[i] == nil {
			kept = append(kept, ch)
			continue
		}
		if chime.IsNotFound(errs[i]) {
			errs[i] = fmt.Errorf("voice connector %s not found in %s: %w", ch.ID, regionName(ch.Region), errs[i])
		}
		p.Errors[ch.Key] = errs[i]
		p.Plan.Unknown = append(p.Plan.Unknown, ch.Key)
	}
	p.Plan.Changes = kept
	slices.Sort(p.Plan.Unknown)
}

// liveOf is what ch found of each setting, as read, for the connector c.
func liveOf(ch diff.Change, c setting.Connector) diff.Live {
	l := diff.Live{Connector: c, Values: map[string]setting.Value{}}
	for _, sc := range ch.Settings {
		l.Values[sc.Kind.Name()] = sc.Before
	}
	return l
}

// check asks each kind to check the changes of its setting that write
// (setting.Kind.Check): a change it refuses moves to Plan.Refused with its
// reason, permanent; a connector it fails is not planned.
func (e *Engine) check(ctx context.Context, p *Planned) {
	env := &checkEnv{e: e, emergency: map[string]emergency{}}
	var kinds []setting.Kind
	checks := map[setting.Kind][]*setting.Check{}
	for i := range p.Plan.Changes {
		c := &p.Plan.Changes[i]
		for j := range c.Settings {
			sc := &c.Settings[j]
			if sc.Action == setting.Noop {
				continue
			}
			if _, ok := checks[sc.Kind]; !ok {
				kinds = append(kinds, sc.Kind)
			}
			checks[sc.Kind] = append(checks[sc.Kind], &setting.Check{Connector: c.Connector, Change: sc})
		}
	}
	var refused, failed []*setting.Check
	for _, k := range kinds {
		// A connector refused or failed by one kind is not checked by the
		// next: it will not be written.
		todo := slices.DeleteFunc(checks[k], func(c *setting.Check) bool { return p.Errors[c.Connector.Key] != nil })
		k.Check(ctx, env, todo)
		for _, c := range todo {
			switch {
			case c.Refused != nil:
				p.Errors[c.Connector.Key] = permanent(c.Refused)
				refused = append(refused, c)
			case c.Failed != nil:
				p.Errors[c.Connector.Key] = c.Failed
				failed = append(failed, c)
			}
		}
	}
	for _, c := range refused {
		p.Plan.Refuse(c.Connector.Key, c.Change.Kind.Name(), c.Refused.Error())
	}
	for _, c := range failed {
		p.unplanned(c.Connector.Key)
	}
}

// unplanned takes the change of connector key out of the plan, which could
// not be completed: the connector is unknown, its error in Errors.
func (p *Planned) unplanned(key string) {
	p.Plan.Changes = slices.DeleteFunc(p.Plan.Changes, func(c diff.Change) bool { return c.Key == key })
	p.Plan.Unknown = append(p.Plan.Unknown, key)
	slices.Sort(p.Plan.Unknown)
}

// checkEnv is what the engine lends the kinds' checks of one plan.
type checkEnv struct {
	e         *Engine
	mu        sync.Mutex
	emergency map[string]emergency // by connector id
}

var _ setting.CheckEnv = (*checkEnv)(nil)

type emergency struct {
	configured bool
	err        error
}

// Each implements setting.CheckEnv.
func (c *checkEnv) Each(ctx context.Context, n int, fn func(i int)) { c.e.each(ctx, n, fn) }

// EmergencyCalling implements setting.CheckEnv, reading each connector's
// configuration once per plan.
func (c *checkEnv) EmergencyCalling(ctx context.Context, vc setting.Connector) (bool, error) {
	c.mu.Lock()
	got, ok := c.emergency[vc.ID]
	c.mu.Unlock()
	if ok {
		return got.configured, got.err
	}
	configured, err := c.e.api.EmergencyCallingConfigured(ctx, vc.Region, vc.ID)
	c.mu.Lock()
	c.emergency[vc.ID] = emergency{configured: configured, err: err}
	c.mu.Unlock()
	return configured, err
}

// Failed reports whether some connector could not be planned.
func (p *Planned) Failed() bool { return len(p.Errors) > 0 }
