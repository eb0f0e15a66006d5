package reconcile

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/source"
)

// DriftMode says what a drift sweep does with drift.
type DriftMode string

// Drift modes.
const (
	DriftCorrect DriftMode = "correct" // write the spec back
	DriftReport  DriftMode = "report"  // only report it
)

// Loop defaults.
const (
	DefaultDriftInterval   = 5 * time.Minute
	DefaultRetryBase       = 10 * time.Second
	DefaultRetryMax        = 10 * time.Minute
	DefaultShutdownTimeout = 30 * time.Second
)

// LoopOptions configure a Loop. Zero durations take the defaults.
type LoopOptions struct {
	Source          string // how operators name the source, e.g. "git https://host/specs.git@main"
	Schema          schema.LoadOptions
	DriftInterval   time.Duration
	Drift           DriftMode
	Gates           diff.Gates // what the flags allow; commit trailers may allow more per revision
	RetryBase       time.Duration
	RetryMax        time.Duration
	ShutdownTimeout time.Duration // how long in-flight writes may run after the loop is told to stop
	Recorder        Recorder
	Logger          *slog.Logger
	// Load evaluates a revision; nil means schema.Load in this process. The
	// daemon bounds it in time and memory in a child process, which it
	// kills when ctx ends: the loop is stopping.
	Load func(ctx context.Context, files []schema.File, opts schema.LoadOptions) (*schema.Spec, error)
	// Stall is how long the loop may go without progress before Alive
	// reports false (heartbeat.go): longer than an API call with all its
	// attempts, and than Load, may take. Zero means DefaultStall.
	Stall time.Duration
	// OnPass is called after every pass with the new status, from the loop's
	// goroutine (systemd READY=1 and STATUS=).
	OnPass func(Overview)
	// Election, when set, makes the loop write only during a term of
	// leadership; between terms it is a standby that only validates
	// revisions. Nil: the loop always writes, as the only daemon.
	Election Election
	// Suspended are the suspensions in force at start, as Suspensions
	// kept them; Suspensions, when set, keeps every change of them.
	Suspended   []Suspension
	Suspensions SuspensionStore
}

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

// Settings are the options a reload may change while the loop runs.
type Settings struct {
	DriftInterval time.Duration
	Drift         DriftMode
	Gates         diff.Gates
}

// Reload asks for a full sweep, with new settings when not nil.
type Reload struct {
	Settings *Settings
	// Applied, when set, is called by the loop once Settings are in force,
	// before the sweep: a reload queued behind another may be replaced by
	// a newer one and never be applied.
	Applied func()
}

// Loop is the daemon: it applies new revisions, sweeps for drift, retries
// failed connectors, and keeps the status.
type Loop struct {
	eng  *Engine
	opts LoopOptions
	log  *slog.Logger
	rec  Recorder

	mu       sync.Mutex // guards status, conns, settings and term, read from other goroutines
	status   Overview
	conns    map[string]*ConnectorStatus
	settings Settings
	term     context.Context // the term of leadership the loop writes in; nil between terms

	// Suspensions (suspend.go), guarded by mu; smu orders their changes.
	smu         sync.Mutex
	suspensions map[string]Suspension
	validKeys   map[string]bool // with an election: the keys of the newest valid revision
	resumed     map[string]bool // resumed, not reconciled yet
	writing     map[string]int  // writes in flight, by key
	wake        chan struct{}   // a resume happened

	heart *heartbeat // progress, for the watchdog (heartbeat.go)

	// Owned by Run's goroutine.
	desired map[string]schema.DesiredConnector
	valid   *checked // with an election: the newest valid revision, for a takeover
}

// checked is a revision that passed validation, and its spec.
type checked struct {
	snap *source.Snapshot
	spec *schema.Spec
}

// NewLoop returns a Loop that reconciles through eng.
func NewLoop(eng *Engine, opts LoopOptions) *Loop {
	opts = opts.withDefaults()
	l := &Loop{
		eng: eng, opts: opts, log: opts.Logger, rec: opts.Recorder,
		status:      Overview{Source: opts.Source, Drift: opts.Drift},
		conns:       map[string]*ConnectorStatus{},
		settings:    Settings{DriftInterval: opts.DriftInterval, Drift: opts.Drift, Gates: opts.Gates},
		desired:     map[string]schema.DesiredConnector{},
		suspensions: map[string]Suspension{}, validKeys: map[string]bool{}, resumed: map[string]bool{},
		wake: make(chan struct{}, 1), heart: newHeartbeat(),
	}
	eng.observeCalls(l.heart.beat)
	for _, s := range opts.Suspended {
		l.suspensions[s.Key] = s
	}
	l.rec.SetSuspensions(sortedSuspensions(l.suspensions))
	if opts.Election != nil {
		l.status.Election = &ElectionStatus{Identity: opts.Election.Identity(), Since: time.Now()}
	}
	return l
}

func (o LoopOptions) withDefaults() LoopOptions {
	o.DriftInterval = orDuration(o.DriftInterval, DefaultDriftInterval)
	o.RetryBase = orDuration(o.RetryBase, DefaultRetryBase)
	o.RetryMax = orDuration(o.RetryMax, DefaultRetryMax)
	o.ShutdownTimeout = orDuration(o.ShutdownTimeout, DefaultShutdownTimeout)
	if o.Drift == "" {
		o.Drift = DriftCorrect
	}
	if o.Recorder == nil {
		o.Recorder = nopRecorder{}
	}
	if o.Load == nil {
		o.Load = func(_ context.Context, files []schema.File, opts schema.LoadOptions) (*schema.Spec, error) {
			return schema.Load(files, opts)
		}
	}
	o.Stall = orDuration(o.Stall, DefaultStall)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.OnPass == nil {
		o.OnPass = func(Overview) {}
	}
	return o
}

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Run reconciles until ctx is done: each snapshot from snaps, a full sweep
// on every drift interval (jittered) and on every reload, and retries of
// failed connectors when their backoff ends. When ctx ends, no new write
// starts; writes in flight get ShutdownTimeout to finish, so that no
// connector is left between its old and new state.
//
// With an election, the loop does all that only during a term of
// leadership. A term begins with the newest valid revision and a sweep, as
// on a reload; when it ends, writes in flight are cancelled and no new one
// starts. Between terms the loop is a standby: it validates each revision,
// keeps the newest valid one for the next term, and reads and writes
// nothing of the Chime API.
func (l *Loop) Run(ctx context.Context, snaps <-chan *source.Snapshot, reload <-chan Reload) error {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	defer context.AfterFunc(ctx, func() { time.AfterFunc(l.opts.ShutdownTimeout, cancel) })()
	base := pass{ctx: ctx, work: work, stop: ctx}
	p, endTerm := base, func() {}
	defer func() { endTerm() }()
	var terms <-chan context.Context
	if l.opts.Election != nil {
		terms, p.standby = l.opts.Election.Terms(), true
	}
	drift := time.NewTimer(jitter(l.current().DriftInterval, 0.1))
	defer drift.Stop()
	retry := time.NewTimer(time.Hour)
	defer retry.Stop()
	idle := time.NewTicker(l.opts.Stall / 4) // an idle loop turns, and beats, all the same
	defer idle.Stop()
	for {
		l.heart.beat()
		select {
		case <-ctx.Done():
			return nil
		case <-idle.C:
			continue
		case term := <-terms:
			if term.Err() == nil {
				endTerm()
				p, endTerm = l.lead(base, term)
				l.takeOver(p)
				drift.Reset(jitter(l.current().DriftInterval, 0.1))
			}
		case <-p.termDone():
			endTerm()
			p, endTerm = l.follow(base), func() {}
		case s := <-snaps:
			l.onSnapshot(p, s)
		case r := <-reload:
			l.reconfigure(r.Settings)
			if r.Applied != nil {
				r.Applied()
			}
			l.sweep(p, TriggerReload)
			drift.Reset(jitter(l.current().DriftInterval, 0.1))
		case <-drift.C:
			l.sweep(p, TriggerDrift)
			drift.Reset(jitter(l.current().DriftInterval, 0.1))
		case <-retry.C:
			l.retry(p)
		case <-l.wake:
			l.reconcileResumed(p)
		}
		retry.Reset(l.nextRetry(p))
	}
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

// outcome marks, when the term ended during the pass, the connectors that
// failed as interrupted: most were cut off by the end of the term, and the
// next leader reconciles them all anyway.
func (p pass) outcome(r *Result) *Result {
	if p.term == nil || p.term.Err() == nil {
		return r
	}
	for i, o := range r.Outcomes {
		if o.Status == StatusFailed {
			r.Outcomes[i].Status, r.Outcomes[i].Error = statusInterrupted, "not written: this daemon lost the leader lease during the pass ("+o.Error+")"
		}
	}
	return r
}

// jitter spreads d by ±frac so that many daemons do not sweep in step.
func jitter(d time.Duration, frac float64) time.Duration {
	return time.Duration(float64(d) * (1 + frac*(2*rand.Float64()-1)))
}

// The revision pass.

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
// force. A standby only validates it.
func (l *Loop) onSnapshot(p pass, snap *source.Snapshot) {
	if cur := l.Overview().Current; cur != nil && cur.ID == snap.Revision {
		return // seen already: the same content gives the same verdict
	}
	start := time.Now()
	rev := &Revision{ID: snap.Revision, Time: snap.Time}
	l.update(func(s *Overview) { s.Current, s.Invalid, s.Held = rev, nil, nil })
	l.heart.beat()
	spec, err := l.opts.Load(p.stop, snap.Files, l.opts.Schema)
	l.heart.beat()
	switch {
	case err != nil && p.stop.Err() != nil:
		return // stopping: the evaluation was cut short, no verdict
	case err != nil:
		l.invalid(rev, err, start)
		if p.standby {
			l.opts.OnPass(l.Overview())
		}
		return
	}
	l.rec.SetSpecValid(true)
	if l.opts.Election != nil {
		l.validated(snap, spec, p.standby)
	}
	if !p.standby {
		l.applyRevision(p, snap, rev, spec, start)
	}
}

// applyRevision plans the connectors of spec whose desired state changed,
// holds the revision if a gate refuses the plan, else accepts and applies
// it. It reports whether the pass read and reconciled every connector of
// spec: a sweep right after it would only repeat it.
func (l *Loop) applyRevision(p pass, snap *source.Snapshot, rev *Revision, spec *schema.Spec, start time.Time) bool {
	changed := l.changed(spec)
	planned, err := l.eng.Plan(p.ctx, snap.Revision, changed)
	if err != nil {
		return true // stopping, or the term ended: nothing more to do
	}
	gates := l.gates(snap)
	if vs := l.gatePlan(planned.Plan, spec).Check(gates); len(vs) > 0 {
		l.hold(rev, vs, start)
		return false
	}
	l.accept(rev, spec)
	l.retryPermanentNow()
	res, err := l.apply(p, planned, gates)
	if err != nil {
		l.log.Error("apply refused", attrRevision, snap.Revision, attrErr, err)
		return false
	}
	l.finish(TriggerRevision, p.outcome(res), start)
	return len(changed) == len(spec.Connectors)
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
	l.desired = map[string]schema.DesiredConnector{}
	for _, c := range spec.Connectors {
		l.desired[c.Key] = c
	}
	l.update(func(s *Overview) {
		rev.Accepted = time.Now()
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
				if _, ok := l.suspensions[c.Key]; ok {
					cs.State = StateSuspended
				}
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
	for i, ch := range full.Changes {
		if _, ok := l.suspensions[ch.Key]; ok {
			full.Changes[i] = l.gateSuspended(ch, spec)
		}
	}
	for _, c := range spec.Connectors {
		if cs, ok := l.conns[c.Key]; ok && !planned[c.Key] {
			full.Changes = append(full.Changes, diff.Change{Key: c.Key, ID: cs.ID, Action: diff.Noop, Before: cs.Live, After: cs.Live})
		}
	}
	return full
}

// The drift sweep and the retry pass.

// ungated allows drift correction and retries: they restore a revision that
// was reviewed and passed the gates when it was accepted.
var ungated = diff.Gates{AllowMassChange: true, AllowTrafficLoss: true}

// sweep reads every managed connector and, with --drift=correct, writes back
// those that drifted.
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
	start := time.Now()
	desired := make([]schema.DesiredConnector, 0, len(l.desired))
	for _, c := range l.desired {
		desired = append(desired, c)
	}
	planned, err := l.eng.Plan(p.ctx, l.revision(), desired)
	if err != nil {
		return // stopping
	}
	if n := pending(planned.Plan); n > 0 {
		l.log.Warn("drift detected", attrTrigger, trigger, "connectors", n, "mode", string(l.current().Drift))
		l.rec.DriftDetected(n)
	} else {
		l.log.Info("in sync", attrTrigger, trigger, "connectors", len(desired))
	}
	if l.current().Drift == DriftReport {
		l.finish(trigger, report(planned), start)
		return
	}
	res, err := l.apply(p, planned, ungated)
	if err != nil {
		l.log.Error("drift correction refused", attrErr, err)
		return
	}
	l.finish(trigger, p.outcome(res), start)
}

func pending(p *diff.Plan) int {
	n := 0
	for _, ch := range p.Changes {
		if ch.Action != diff.Noop {
			n++
		}
	}
	return n
}

// report turns a plan into a result without writing: what differs is drifted.
func report(p *Planned) *Result {
	r := &Result{Revision: p.Revision}
	for key, err := range p.Errors {
		r.Outcomes = append(r.Outcomes, Outcome{Key: key}.fail(err))
	}
	for _, ch := range p.Plan.Changes {
		o := Outcome{Key: ch.Key, ID: ch.ID, Region: ch.Region, Action: ch.Action, Before: ch.Before, After: ch.After, Status: StatusUnchanged}
		if ch.Action != diff.Noop {
			o.Status = statusDrifted
		}
		r.Outcomes = append(r.Outcomes, o)
	}
	return r
}

// statusDrifted marks, in a report-only result, a connector left drifted.
const statusDrifted OutcomeStatus = "drifted"

// retry reconciles the failed connectors whose backoff has ended.
func (l *Loop) retry(p pass) {
	if p.standby {
		return
	}
	now := time.Now()
	var due []schema.DesiredConnector
	l.mu.Lock()
	for k, cs := range l.conns {
		if cs.State == StateFailed && cs.NextRetry != nil && !cs.NextRetry.After(now) {
			due = append(due, l.desired[k])
		}
	}
	l.mu.Unlock()
	if len(due) == 0 {
		return
	}
	planned, err := l.eng.Plan(p.ctx, l.revision(), due)
	if err != nil {
		return
	}
	res, err := l.apply(p, planned, ungated)
	if err == nil {
		l.finish(TriggerRetry, p.outcome(res), now)
	}
}

// nextRetry is how long until the earliest failed connector is due; a
// standby retries nothing.
func (l *Loop) nextRetry(p pass) time.Duration {
	if p.standby {
		return time.Hour
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	next := time.Hour
	for _, cs := range l.conns {
		if cs.State == StateFailed && cs.NextRetry != nil {
			next = min(next, max(time.Until(*cs.NextRetry), time.Millisecond))
		}
	}
	return next
}

// current returns the settings in force; a reload may change them.
func (l *Loop) current() Settings {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.settings
}

// reconfigure puts new settings in force, with defaults for zero values.
func (l *Loop) reconfigure(s *Settings) {
	if s == nil {
		return
	}
	s.DriftInterval = orDuration(s.DriftInterval, DefaultDriftInterval)
	if s.Drift == "" {
		s.Drift = DriftCorrect
	}
	l.update(func(o *Overview) { l.settings, o.Drift = *s, s.Drift })
	l.log.Info("settings reloaded", "drift", string(s.Drift), "drift_interval", s.DriftInterval,
		"allow_mass_change", s.Gates.AllowMassChange, "allow_traffic_loss", s.Gates.AllowTrafficLoss)
}

func (l *Loop) revision() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.status.LastGood == nil {
		return ""
	}
	return l.status.LastGood.ID
}

// Leader election.

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
// through the revision pass if this loop has not accepted it yet (a
// standby validated it already), then every managed connector is swept.
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
