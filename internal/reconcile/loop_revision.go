package reconcile

import (
	"errors"
	"slices"
	"time"

	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/source"
)

// Commit trailers that allow a revision past a safety gate, e.g.
// "Reconciler-Allow: mass-change".
const (
	TrailerAllow      = "Reconciler-Allow"
	allowMassChange   = "mass-change"
	allowTrafficLoss  = "traffic-loss"
	attrTrigger       = "trigger"
	attrRevisionError = "errors"
)

// onSnapshot handles a new revision: validate it, plan only the connectors
// whose desired state changed, hold it if a gate refuses it, else apply it.
// An invalid or held revision changes nothing: the last good one stays in
// force.
func (l *Loop) onSnapshot(p pass, snap *source.Snapshot) {
	if cur := l.Overview().Current; cur != nil && cur.ID == snap.Revision {
		return // seen already: the same content gives the same verdict
	}
	start := time.Now()
	rev := &Revision{ID: snap.Revision, Time: snap.Time}
	l.update(func(s *Overview) { s.Current, s.Invalid, s.Held = rev, nil, nil })
	spec, err := l.opts.Load(snap.Files, l.opts.Schema)
	if err != nil {
		l.invalid(rev, err, start)
		return
	}
	l.rec.SetSpecValid(true)
	changed := l.changed(spec)
	planned, err := l.eng.Plan(p.ctx, snap.Revision, changed)
	if err != nil {
		return // stopping
	}
	gates := l.gates(snap)
	if vs := l.gatePlan(planned.Plan, spec).Check(gates); len(vs) > 0 {
		l.hold(rev, vs, start)
		return
	}
	l.accept(rev, spec)
	res, err := l.eng.Apply(p.work, planned, ApplyOptions{Gates: gates, Stop: p.ctx.Done()})
	if err != nil {
		l.log.Error("apply refused", attrRevision, snap.Revision, attrErr, err)
		return
	}
	l.finish(TriggerRevision, res, start)
}

func (l *Loop) invalid(rev *Revision, err error, start time.Time) {
	var inv *schema.InvalidError
	diags := []schema.Diagnostic{{Message: err.Error()}}
	if errors.As(err, &inv) {
		diags = inv.Errors
	}
	l.log.Error("revision rejected: invalid spec, the last good revision stays in force",
		attrRevision, rev.ID, attrRevisionError, len(diags), "first", diags[0].String())
	l.update(func(s *Overview) {
		s.Invalid, s.LastError = diags, "revision "+rev.ID+" is invalid: "+diags[0].String()
	})
	l.rec.SetSpecValid(false)
	l.rec.ReconcileDone(TriggerRevision, PassInvalid, time.Since(start))
}

func (l *Loop) hold(rev *Revision, vs []diff.Violation, start time.Time) {
	for _, v := range vs {
		l.log.Warn("revision held by a safety gate", attrRevision, rev.ID, "gate", string(v.Kind), "message", v.Message)
	}
	l.update(func(s *Overview) { s.Held, s.LastError = vs, "revision "+rev.ID+" is held: "+vs[0].Message })
	l.rec.SetHeld(true)
	l.rec.ReconcileDone(TriggerRevision, PassHeld, time.Since(start))
}

// accept makes spec the desired state: connectors it no longer names stop
// being managed (and are not touched); new ones start pending.
func (l *Loop) accept(rev *Revision, spec *schema.Spec) {
	rev.Accepted = time.Now()
	l.desired = map[string]schema.DesiredConnector{}
	for _, c := range spec.Connectors {
		l.desired[c.Key] = c
	}
	l.update(func(s *Overview) {
		s.LastGood = rev
		for k := range l.conns {
			if _, ok := l.desired[k]; !ok {
				delete(l.conns, k)
			}
		}
		for _, c := range spec.Connectors {
			cs, ok := l.conns[c.Key]
			if !ok {
				cs = &ConnectorStatus{Key: c.Key, State: StatePending}
				l.conns[c.Key] = cs
			}
			cs.ID, cs.Name, cs.Region, cs.Desired, cs.Absent = c.ID, c.Name, c.Region, c.Origination, c.Absent
		}
	})
	l.rec.SetHeld(false)
	l.rec.SetRevision(l.opts.Source, rev.ID)
}

// changed returns the connectors of spec that are new or differ from the
// desired state in force.
func (l *Loop) changed(spec *schema.Spec) []schema.DesiredConnector {
	var out []schema.DesiredConnector
	for _, c := range spec.Connectors {
		old, ok := l.desired[c.Key]
		if !ok || old.ID != c.ID || old.Name != c.Name || old.Region != c.Region || old.Absent != c.Absent ||
			!origination.Equal(old.Origination, c.Origination) {
			out = append(out, c)
		}
	}
	return out
}

// gates adds what the revision's commit trailers allow to the flags.
func (l *Loop) gates(snap *source.Snapshot) diff.Gates {
	g := l.current().Gates
	allow := snap.Trailers()[TrailerAllow]
	g.AllowMassChange = g.AllowMassChange || slices.Contains(allow, allowMassChange)
	g.AllowTrafficLoss = g.AllowTrafficLoss || slices.Contains(allow, allowTrafficLoss)
	return g
}

// gatePlan completes a plan of the changed connectors with the unchanged
// managed ones, as last seen, so that the mass-change gate weighs a change
// against every managed connector, not only the changed ones.
func (l *Loop) gatePlan(p *diff.Plan, spec *schema.Spec) *diff.Plan {
	full := &diff.Plan{Changes: slices.Clone(p.Changes)}
	planned := map[string]bool{}
	for _, ch := range p.Changes {
		planned[ch.Key] = true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range spec.Connectors {
		if cs, ok := l.conns[c.Key]; ok && !planned[c.Key] {
			full.Changes = append(full.Changes, diff.Change{Key: c.Key, ID: cs.ID, Action: diff.Noop, Before: cs.Live, After: cs.Live})
		}
	}
	return full
}

// update changes the status under the lock.
func (l *Loop) update(f func(*Overview)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f(&l.status)
}
