package daemon

import (
	"context"
	"time"

	"github.com/sipops/reconciler/internal/reconcile"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/source"
)

// This file holds leader election, in one place: the contexts a pass runs
// under, which end with the term of leadership, what begins and ends a
// term, and what a standby keeps for the next one.

// Election is what the loop needs of leader election (package leader).
type Election interface {
	// Terms delivers one context per term of leadership, cancelled the
	// instant the term ends. The loop plans and writes only under a live
	// term's context, so losing the lease cancels writes in flight and no
	// new one starts.
	Terms() <-chan context.Context
	// Identity names this daemon in the election.
	Identity() string
	// Leader names the leader as last seen ("" when unknown) and says why
	// campaigning fails, if it does.
	Leader() (string, error)
}

// pass carries the contexts of a pass: ctx stops new work, work bounds
// writes already started. With an election, both end with the term of
// leadership too; a standby's pass has no term and writes nothing.
type pass struct {
	ctx, work context.Context
	stop      context.Context // ends when the loop stops, not with a term: evaluations of revisions run under it
	term      context.Context // the term of leadership; nil without an election or on a standby
	standby   bool
}

// termDone is closed when the pass's term ends; nil (never) without a term.
func (p pass) termDone() <-chan struct{} {
	if p.term == nil {
		return nil
	}
	return p.term.Done()
}

// statusInterrupted marks a connector a pass did not get to write, or whose
// write was cut off, because this daemon's term of leadership ended.
const statusInterrupted reconcile.OutcomeStatus = "interrupted"

// interrupted marks, when the term ended during the pass, the connectors
// that failed as interrupted: most were cut off by the end of the term,
// and the next leader reconciles them all anyway.
func (p pass) interrupted(r *reconcile.Result) *reconcile.Result {
	if p.term == nil || p.term.Err() == nil {
		return r
	}
	for i, o := range r.Outcomes {
		if o.Status == reconcile.StatusFailed {
			r.Outcomes[i].Status, r.Outcomes[i].Error = statusInterrupted, "not written: this daemon lost the leader lease during the pass ("+o.Error+")"
		}
	}
	return r
}

// leadership is Run's part in leader election: the pass the next trigger
// runs with, and the term it belongs to.
type leadership struct {
	l       *Loop
	base    pass                   // the loop's own contexts
	pass    pass                   // those of the next pass: base, or base within the term
	terms   <-chan context.Context // nil without an election: the loop always leads
	endTerm func()                 // releases the contexts of the term
}

// leadership returns Run's leadership: without an election every pass
// writes; with one, the loop starts a standby.
func (l *Loop) leadership(ctx, work context.Context) *leadership {
	base := pass{ctx: ctx, work: work, stop: ctx}
	ld := &leadership{l: l, base: base, pass: base, endTerm: func() {}}
	if l.opts.Election != nil {
		ld.terms, ld.pass.standby = l.opts.Election.Terms(), true
	}
	return ld
}

// end releases the contexts of the term in force, if any.
func (ld *leadership) end() { ld.endTerm() }

// termDone is closed when the term in force ends.
func (ld *leadership) termDone() <-chan struct{} { return ld.pass.termDone() }

// begin starts term, unless it has ended already (a term delivered late),
// and reports whether it did. A term begins as a reload does: the newest
// valid revision goes through the revision pass if this loop has not
// accepted it yet (a standby validated it already), then every managed
// connector is swept.
func (ld *leadership) begin(term context.Context) bool {
	if term.Err() != nil {
		return false
	}
	ld.endTerm()
	ld.pass, ld.endTerm = ld.l.lead(ld.base, term)
	ld.l.takeOver(ld.pass)
	return true
}

// follow ends the term in force: the loop is a standby.
func (ld *leadership) follow() {
	ld.endTerm()
	ld.pass, ld.endTerm = ld.l.follow(ld.base), func() {}
}

// lead begins a term of leadership: the contexts of its passes end with the
// term. The returned function releases them.
func (l *Loop) lead(base pass, term context.Context) (pass, func()) {
	ctx, stopCtx := within(base.ctx, term)
	work, stopWork := within(base.work, term)
	l.mu.Lock()
	l.term = term
	l.status.Election.Since = time.Now()
	l.mu.Unlock()
	l.log.Info("leading: this daemon reconciles and writes now")
	return pass{ctx: ctx, work: work, stop: base.stop, term: term}, func() { stopCtx(); stopWork() }
}

// within returns a context that ends with parent or with term, whichever
// ends first, and a function that releases it.
func within(parent, term context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	stop := context.AfterFunc(term, func() { cancel(context.Cause(term)) })
	return ctx, func() { stop(); cancel(nil) }
}

// follow ends a term: the loop becomes a standby. Its metrics count no
// connector and no held revision any more: those are the leader's to
// report, and summed over the daemons of an election they stay right.
// /status keeps what this daemon knew when it last led.
func (l *Loop) follow(base pass) pass {
	l.mu.Lock()
	cause := context.Cause(l.term)
	l.term = nil
	l.status.Election.Since = time.Now()
	l.mu.Unlock()
	l.rec.SetConnectors(nil)
	l.rec.SetHeld(false)
	l.log.Warn("standby: this daemon no longer leads and writes nothing", attrErr, cause)
	l.opts.OnPass(l.Overview())
	base.standby = true
	return base
}

// takeOver begins a term as a reload would: the newest valid revision goes
// through the revision pass if this loop has not accepted it yet, then,
// unless that pass read every managed connector already, every one is
// swept.
func (l *Loop) takeOver(p pass) {
	if v := l.valid; v != nil && v.snap.Revision != l.revision() {
		rev := &Revision{ID: v.snap.Revision, Time: v.snap.Time}
		l.update(func(s *Overview) { s.Held = nil })
		if l.applyRevision(p, v.snap, rev, v.spec, time.Now()) {
			return
		}
	}
	l.sweep(p, TriggerReload)
}

// validated keeps the newest valid revision for the next term and, on a
// standby, reports it.
func (l *Loop) validated(snap *source.Snapshot, spec *schema.Spec, standby bool) {
	l.valid = &checked{snap: snap, spec: spec}
	l.update(func(s *Overview) {
		s.Validated = &Revision{ID: snap.Revision, Time: snap.Time}
		clear(l.validKeys)
		for _, c := range spec.Connectors {
			l.validKeys[c.Key] = true
		}
	})
	if standby {
		l.log.Info("revision validated; the leader applies it", attrRevision, snap.Revision, "connectors", len(spec.Connectors))
		l.opts.OnPass(l.Overview())
	}
}
