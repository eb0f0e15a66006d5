package reconcile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
)

// Planned is a plan together with what it was made from, for Apply.
type Planned struct {
	Revision string
	Plan     *diff.Plan
	// Desired by connector key, for re-planning a connector before writing.
	Desired map[string]schema.DesiredConnector
	// Errors by connector key: connectors that could not be resolved or
	// read, and so are not in Plan.Changes (they are in Plan.Unknown), and
	// connectors whose change is refused (in Plan.Refused, the error being
	// the reason, e.g. ErrEmergencyCalling). Apply fails them all.
	Errors map[string]error
	// Preflight holds the preflight results of the added and changed
	// routes, when the engine checks them (see SetPreflight).
	Preflight map[origination.Key]diff.Preflight
}

// Plan reads the live state of every desired connector and plans it.
// Connectors are read concurrently; one that fails is recorded in Errors.
// Plan returns an error only when ctx ends.
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
	e.checkEmergencyCalling(ctx, p)
	e.checkRoutes(ctx, p)
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

// read returns the live state of one connector.
func (e *Engine) read(ctx context.Context, c schema.DesiredConnector, r resolved) (diff.Live, error) {
	vc, listed, err := r.lookup(c)
	if err != nil {
		return diff.Live{}, err
	}
	if known, ok := e.lookupKnown(vc.ID); ok && !listed {
		vc.RequireEncryption = known.RequireEncryption
	}
	// A listed connector exists; one named by id may not, and the read
	// must tell a missing connector from one without origination.
	var o *origination.Origination
	if listed {
		o, err = e.api.GetOriginationOf(ctx, vc)
	} else {
		o, err = e.api.GetOrigination(ctx, c.Region, vc.ID)
	}
	if err != nil {
		return diff.Live{}, err
	}
	return diff.Live{ID: vc.ID, RequireEncryption: vc.RequireEncryption, Origination: o}, nil
}

// checkTargets reads the connector of every change that writes, to learn
// its encryption setting and that it exists: the origination read cannot
// tell a connector without origination from a missing one. Connectors named
// by name were read by the listing already, and connectors read before are
// remembered.
func (e *Engine) checkTargets(ctx context.Context, p *Planned, r resolved) {
	changes := p.Plan.Changes
	errs := make([]error, len(changes))
	e.each(ctx, len(changes), func(i int) {
		ch := &changes[i]
		if ch.Action == diff.Noop {
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
		*ch = diff.ComputeOne(p.Desired[ch.Key], diff.Live{ID: vc.ID, RequireEncryption: vc.RequireEncryption, Origination: ch.Before})
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

// ErrEmergencyCalling is the reason a change that deletes or disables the
// origination of a connector with an emergency calling configuration is
// refused: the service would refuse it.
var ErrEmergencyCalling = errors.New("emergency calling is configured for this Voice Connector: delete it before disabling or removing origination")

// turnsOff reports whether ch deletes origination or writes it disabled,
// which the service refuses while emergency calling is configured. A put
// that keeps origination disabled writes Disabled true again and is refused
// just the same.
func turnsOff(ch diff.Change) bool {
	return ch.Action == diff.Delete || (ch.Action == diff.Put && ch.After.Disabled)
}

// checkEmergencyCalling reads the emergency calling configuration of the
// connectors whose change turns origination off, and of no other, and
// refuses those changes where one is configured: the connector shows as
// refused in the plan, with its reason in Errors, instead of failing in
// the middle of an apply.
func (e *Engine) checkEmergencyCalling(ctx context.Context, p *Planned) {
	var off []diff.Change
	for _, ch := range p.Plan.Changes {
		if turnsOff(ch) {
			off = append(off, ch)
		}
	}
	errs := make([]error, len(off))
	e.each(ctx, len(off), func(i int) {
		errs[i] = e.emergencyCalling(ctx, off[i])
	})
	for i, ch := range off {
		switch {
		case errors.Is(errs[i], ErrEmergencyCalling):
			p.Plan.Refuse(ch.Key, errs[i].Error())
			p.Errors[ch.Key] = errs[i]
		case errs[i] != nil:
			p.unplanned(ch.Key, errs[i])
		}
	}
}

// unplanned takes the change of connector key out of the plan, which could
// not be completed for err: the connector is unknown.
func (p *Planned) unplanned(key string, err error) {
	p.Plan.Changes = slices.DeleteFunc(p.Plan.Changes, func(c diff.Change) bool { return c.Key == key })
	p.Errors[key] = err
	p.Plan.Unknown = append(p.Plan.Unknown, key)
	slices.Sort(p.Plan.Unknown)
}

// emergencyCalling returns ErrEmergencyCalling if the connector of ch has
// an emergency calling configuration, an error if that cannot be read.
func (e *Engine) emergencyCalling(ctx context.Context, ch diff.Change) error {
	configured, err := e.api.EmergencyCallingConfigured(ctx, ch.Region, ch.ID)
	switch {
	case err != nil:
		return fmt.Errorf("read emergency calling before turning origination off: %w", err)
	case configured:
		return permanent(ErrEmergencyCalling)
	}
	return nil
}

// Failed reports whether some connector could not be planned.
func (p *Planned) Failed() bool { return len(p.Errors) > 0 }
