package daemon

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/reconcile"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/source"
)

// This file holds the passes: what each trigger (a new revision, a drift
// sweep, a retry, a resume, a takeover) asks, and the one pipeline of
// ordered steps that every pass runs: plan, gate, accept, observe drift,
// hold the suspended, apply, finish.

// passInput is what a trigger asks of a pass; it is all that differs
// between the passes.
type passInput struct {
	trigger Trigger
	// desired are the connectors the pass reads and reconciles.
	desired []schema.DesiredConnector
	// revision, for the pass of a new revision: the plan is gated, and
	// the revision accepted, before anything is written.
	revision *revisionInput
	// sweep: a drift sweep (the drift timer, a reload, a takeover) logs
	// and counts the drift it finds, and writes nothing with
	// --drift=report. Other passes write what the plan says.
	sweep bool
	// start is when the pass began, if before it runs: a revision's pass
	// includes its evaluation. Zero: now.
	start time.Time
}

// revisionInput is the revision a pass of trigger revision applies.
type revisionInput struct {
	snap *source.Snapshot
	rev  *Revision
	spec *schema.Spec
}

// passState is what the steps of one pass share.
type passState struct {
	in      passInput
	start   time.Time
	planned *reconcile.Planned
	held    []reconcile.Outcome // the suspended connectors, taken out of the plan before it is applied
	result  *reconcile.Result
	end     passEnd
}

// passEnd is how a pass ended.
type passEnd int

const (
	passDone    passEnd = iota // every step ran
	passStopped                // the loop is stopping, or the term ended, during the plan
	passHeld                   // a safety gate held the revision
	passRefused                // the engine refused the plan
)

// step is one step of a pass; false ends the pass there.
type step func(p pass, s *passState) bool

// run runs a pass: every step in order, until one ends it.
func (l *Loop) run(p pass, in passInput) passEnd {
	s := &passState{in: in, start: in.start}
	if s.start.IsZero() {
		s.start = time.Now()
	}
	for _, st := range []step{l.plan, l.gate, l.accept, l.observeDrift, l.holdMuted, l.apply, l.finish} {
		if !st(p, s) {
			break
		}
	}
	return s.end
}

// The triggers.

// applyRevision plans the connectors of spec whose desired state changed,
// holds the revision if a gate refuses the plan, else accepts and applies
// it. It reports whether the pass read and reconciled every connector of
// spec, or the loop is stopping: a sweep right after it would only repeat
// it.
func (l *Loop) applyRevision(p pass, snap *source.Snapshot, rev *Revision, spec *schema.Spec, start time.Time) bool {
	changed := l.changed(spec)
	switch l.run(p, passInput{trigger: TriggerRevision, desired: changed, revision: &revisionInput{snap: snap, rev: rev, spec: spec}, start: start}) {
	case passStopped:
		return true
	case passDone:
		return len(changed) == len(spec.Connectors)
	}
	return false
}

// sweep reads every managed connector and, with --drift=correct, writes back
// those that drifted. A standby sweeps nothing, but tells systemd it is
// done with a reload.
func (l *Loop) sweep(p pass, trigger Trigger) {
	if p.standby {
		if trigger == TriggerReload {
			l.opts.OnPass(l.Overview()) // systemd waits for READY=1 after a reload
		}
		return
	}
	if len(l.desired) == 0 {
		return
	}
	desired := make([]schema.DesiredConnector, 0, len(l.desired))
	for _, k := range slices.Sorted(maps.Keys(l.desired)) {
		desired = append(desired, l.desired[k])
	}
	l.run(p, passInput{trigger: trigger, desired: desired, sweep: true})
}

// retry reconciles the failed connectors whose backoff has ended.
func (l *Loop) retry(p pass) {
	if p.standby {
		return
	}
	l.mu.Lock()
	keys := l.track.due(time.Now())
	l.mu.Unlock()
	if len(keys) == 0 {
		return
	}
	due := make([]schema.DesiredConnector, len(keys))
	for i, k := range keys {
		due[i] = l.desired[k]
	}
	l.run(p, passInput{trigger: TriggerRetry, desired: due})
}

// nextRetry is how long until the earliest failed connector is due; a
// standby retries nothing.
func (l *Loop) nextRetry(p pass) time.Duration {
	if p.standby {
		return time.Hour
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.track.nextRetry()
}

// reconcileResumed reconciles the connectors resumed since the last time,
// in a pass of their own: not a full sweep. A standby leaves them to the
// sweep that begins its next term.
func (l *Loop) reconcileResumed(p pass) {
	l.mu.Lock()
	keys := slices.Sorted(maps.Keys(l.resumed))
	clear(l.resumed)
	l.mu.Unlock()
	if p.standby {
		return
	}
	var due []schema.DesiredConnector
	for _, k := range keys {
		if c, ok := l.desired[k]; ok && !l.mutes.Mutes(k) {
			due = append(due, c)
		}
	}
	if len(due) > 0 {
		l.run(p, passInput{trigger: TriggerResume, desired: due})
	}
}

// The steps, in the order they run.

// plan reads the live state of the pass's connectors and plans them.
func (l *Loop) plan(p pass, s *passState) bool {
	revision := l.revision()
	if r := s.in.revision; r != nil {
		revision = r.snap.Revision
	}
	planned, err := l.opts.Engine.Plan(p.ctx, revision, s.in.desired)
	if err != nil {
		s.end = passStopped
		return false
	}
	s.planned = planned
	return true
}

// Commit trailers that allow a revision past a safety gate, e.g.
// "Reconciler-Allow: mass-change".
const (
	TrailerAllow     = "Reconciler-Allow"
	allowMassChange  = "mass-change"
	allowTrafficLoss = "traffic-loss"
)

// ungated allows drift correction, retries and resumes: they restore a
// revision that was reviewed and passed the gates when it was accepted.
var ungated = diff.Gates{AllowMassChange: true, AllowTrafficLoss: true}

// gates are what the pass allows: for a revision, the flags and what its
// commit trailers add; for any other pass, everything.
func (l *Loop) gates(s *passState) diff.Gates {
	r := s.in.revision
	if r == nil {
		return ungated
	}
	g := l.current().Gates
	allow := r.snap.Trailers()[TrailerAllow]
	g.AllowMassChange = g.AllowMassChange || slices.Contains(allow, allowMassChange)
	g.AllowTrafficLoss = g.AllowTrafficLoss || slices.Contains(allow, allowTrafficLoss)
	return g
}

// gate holds a new revision that a safety gate refuses: nothing of it is
// applied, and the revision in force stays.
func (l *Loop) gate(_ pass, s *passState) bool {
	r := s.in.revision
	if r == nil {
		return true
	}
	vs := l.gatePlan(s.planned.Plan, r.spec).Check(l.gates(s))
	if len(vs) == 0 {
		return true
	}
	for _, v := range vs {
		l.log.Warn("revision held by a safety gate", attrRevision, r.rev.ID, "gate", string(v.Kind), "message", v.Message)
	}
	l.update(func(o *Overview) { o.Held, o.LastError = vs, "revision "+r.rev.ID+" is held: "+vs[0].Message })
	l.rec.SetHeld(true)
	l.rec.ReconcileDone(TriggerRevision, PassHeld, time.Since(s.start))
	s.end = passHeld
	return false
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
	for i, ch := range full.Changes {
		if l.mutes.Mutes(ch.Key) {
			full.Changes[i] = l.gateSuspended(ch, spec)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range spec.Connectors {
		cs, ok := l.track.lastSeen(c.Key)
		if !ok || planned[c.Key] {
			continue
		}
		ch := diff.Change{Connector: setting.Connector{Key: c.Key, ID: cs.ID}}
		for _, s := range cs.Settings {
			ch.Settings = append(ch.Settings, setting.Change{Kind: s.Kind, Action: setting.Noop, Before: s.Live, After: s.Live})
		}
		full.Changes = append(full.Changes, ch)
	}
	return full
}

// gateSuspended makes a suspended connector's change, for a revision's
// gates, what the revision changes in its spec (from the desired state in
// force to the new one) rather than what writing it would change now: the
// live state of a suspended connector is the operator's, and the change is
// written, ungated as drift corrections are, when it is resumed.
func (l *Loop) gateSuspended(ch diff.Change, spec *schema.Spec) diff.Change {
	i := slices.IndexFunc(spec.Connectors, func(c schema.DesiredConnector) bool { return c.Key == ch.Key })
	if i < 0 {
		return ch
	}
	// A setting new in the spec is additive; one the spec in force deletes
	// is as good as none.
	before := diff.Live{Connector: ch.Connector, Values: map[string]setting.Value{}}
	for _, d := range l.desired[ch.Key].Settings {
		before.Values[d.Kind.Name()] = d.Value
	}
	return diff.ComputeOne(spec.Connectors[i], before)
}

// accept makes a revision that passed its gates the one in force:
// connectors it no longer names stop being managed (and are not touched),
// new ones start pending; and the connectors that failed for a permanent
// reason are retried right after this pass, whatever the revision changed.
func (l *Loop) accept(_ pass, s *passState) bool {
	r := s.in.revision
	if r == nil {
		return true
	}
	l.desired = map[string]schema.DesiredConnector{}
	for _, c := range r.spec.Connectors {
		l.desired[c.Key] = c
	}
	now := time.Now()
	l.mu.Lock()
	r.rev.Accepted = now
	l.status.LastGood = r.rev
	l.track.accept(r.spec, l.mutes.Mutes)
	l.track.retryPermanentNow(now)
	l.mu.Unlock()
	l.rec.SetHeld(false)
	l.rec.SetRevision(l.opts.Source, r.rev.ID)
	return true
}

// observeDrift logs and counts, in a drift sweep, the connectors whose
// live state differs from the spec.
func (l *Loop) observeDrift(_ pass, s *passState) bool {
	if !s.in.sweep {
		return true
	}
	n, bySetting := drifted(s.planned.Plan)
	if n == 0 {
		l.log.Info("in sync", attrTrigger, s.in.trigger, "connectors", len(s.in.desired))
		return true
	}
	l.log.Warn("drift detected", attrTrigger, s.in.trigger, "connectors", n, "mode", string(l.current().Drift))
	for _, k := range slices.Sorted(maps.Keys(bySetting)) {
		l.rec.DriftDetected(k, bySetting[k])
	}
	return true
}

// drifted counts the connectors of p that change, and by setting those
// whose setting changes.
func drifted(p *diff.Plan) (n int, bySetting map[string]int) {
	bySetting = map[string]int{}
	for _, c := range p.Changes {
		if !c.Pending() {
			continue
		}
		n++
		for _, ch := range c.Settings {
			if ch.Action != setting.Noop {
				bySetting[ch.Kind.Name()]++
			}
		}
	}
	return n, bySetting
}

// statusSuspended marks a connector taken out of a plan because it is
// suspended: the plan read it, and nothing writes it.
const statusSuspended reconcile.OutcomeStatus = reconcile.StatusSkipped

// holdMuted takes the suspended connectors out of the plan before it is
// applied and keeps their outcomes: suspended, with what the plan read and
// would write, or failed if it could not read them. The engine asks again
// right before each write (Muter.Begin), for a suspension that arrives
// during the pass.
func (l *Loop) holdMuted(_ pass, s *passState) bool {
	planned := s.planned
	for key, err := range planned.Errors {
		if l.mutes.Mutes(key) {
			d := planned.Desired[key]
			s.held = append(s.held, reconcile.Outcome{Key: key, ID: d.ID, Region: d.Region}.Fail(err))
			delete(planned.Errors, key)
		}
	}
	rest := *planned.Plan
	rest.Changes = slices.DeleteFunc(slices.Clone(rest.Changes), func(ch diff.Change) bool {
		if !l.mutes.Mutes(ch.Key) {
			return false
		}
		s.held = append(s.held, outcomeOf(ch, statusSuspended))
		return true
	})
	planned.Plan = &rest
	return true
}

// statusDrifted marks, in a report-only sweep, a connector left drifted.
const statusDrifted reconcile.OutcomeStatus = "drifted"

// apply writes what the plan says, as the pass's gates allow; a sweep
// under --drift=report writes nothing and reports what differs as
// drifted. The suspended connectors' outcomes join the result.
func (l *Loop) apply(p pass, s *passState) bool {
	if s.in.sweep && l.current().Drift == DriftReport {
		s.result = report(s.planned)
	} else {
		// The mass-change gate of a revision was weighed by gate against
		// every managed connector; the engine, which sees only the
		// changed ones, would weigh it against those alone. Its other
		// gates hold for a connector planned anew before its write.
		g := l.gates(s)
		g.AllowMassChange = true
		res, err := l.opts.Engine.Apply(p.work, s.planned, reconcile.ApplyOptions{Gates: g, Stop: p.ctx.Done(), Begin: l.mutes.Begin})
		if err != nil {
			l.log.Error(refusedMessage(s.in.trigger), attrRevision, s.planned.Revision, attrErr, err)
			s.end = passRefused
			return false
		}
		s.result = p.interrupted(res)
	}
	s.result.Outcomes = append(s.result.Outcomes, s.held...)
	slices.SortFunc(s.result.Outcomes, func(a, b reconcile.Outcome) int { return strings.Compare(a.Key, b.Key) })
	return true
}

// refusedMessage is what the log says when the engine refuses a pass's
// plan.
func refusedMessage(t Trigger) string {
	switch t {
	case TriggerRevision:
		return "apply refused"
	case TriggerResume:
		return "resume refused"
	case TriggerRetry:
		return "retry refused"
	}
	return "drift correction refused"
}

// report turns a plan into a result without writing: what differs is drifted.
func report(p *reconcile.Planned) *reconcile.Result {
	r := &reconcile.Result{Revision: p.Revision}
	for key, err := range p.Errors {
		r.Outcomes = append(r.Outcomes, reconcile.Outcome{Key: key}.Fail(err))
	}
	for _, ch := range p.Plan.Changes {
		status := reconcile.StatusUnchanged
		if ch.Pending() {
			status = statusDrifted
		}
		r.Outcomes = append(r.Outcomes, outcomeOf(ch, status))
	}
	return r
}

// outcomeOf is the outcome of a change the pass does not write: what the
// plan read of it, and would write.
func outcomeOf(ch diff.Change, status reconcile.OutcomeStatus) reconcile.Outcome {
	o := reconcile.Outcome{Key: ch.Key, ID: ch.ID, Region: ch.Region, Status: status}
	for _, sc := range ch.Settings {
		o.Settings = append(o.Settings, reconcile.SettingOutcome{Kind: sc.Kind, Action: sc.Action, Before: sc.Before, After: sc.After})
	}
	return o
}

// finish records the outcome of the pass: connector states, the change
// log, metrics, and the status systemd and /status show.
func (l *Loop) finish(_ pass, s *passState) bool {
	now := time.Now()
	var failed bool
	var wrote, notWritten []reconcile.SettingOutcome
	l.mu.Lock()
	revision := l.revisionLocked()
	for _, o := range s.result.Outcomes {
		if !l.track.manages(o.Key) {
			continue // no longer in the spec
		}
		muted := l.mutes.Mutes(o.Key)
		switch {
		case o.Status == reconcile.StatusApplied:
			wrote = append(wrote, o.Writes()...)
		case o.Status == reconcile.StatusFailed && !muted:
			notWritten = append(notWritten, o.Writes()...)
		}
		if l.track.record(o, s.in.trigger, revision, now, muted) {
			failed = true
			l.status.LastError = o.Key + ": " + o.Error
		}
	}
	l.status.LastSync = now
	if !failed {
		l.status.LastSuccess = now
		l.status.LastError = ""
	}
	l.mu.Unlock()
	for _, w := range wrote {
		l.rec.Change(w.Kind.Name(), w.Action, true)
	}
	for _, w := range notWritten {
		l.rec.Change(w.Kind.Name(), w.Action, false)
	}
	result := PassSuccess
	if failed {
		result = PassFailure
	} else {
		l.rec.LastSuccess(now)
	}
	l.rec.ReconcileDone(s.in.trigger, result, time.Since(s.start))
	st := l.Overview()
	l.rec.SetConnectors(st.Counts)
	l.log.Info("pass done", attrTrigger, s.in.trigger, "result", result, "duration", time.Since(s.start).Round(time.Millisecond),
		"in_sync", st.Counts[StateInSync], "failed", st.Counts[StateFailed])
	l.opts.OnPass(st)
	return true
}

// changed returns the connectors of spec that are new or differ from the
// desired state in force.
func (l *Loop) changed(spec *schema.Spec) []schema.DesiredConnector {
	var out []schema.DesiredConnector
	for _, c := range spec.Connectors {
		old, ok := l.desired[c.Key]
		if !ok || !old.Same(c) {
			out = append(out, c)
		}
	}
	return out
}
