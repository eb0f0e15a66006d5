package reconcile

import (
	"errors"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
)

// This file holds what the loop records of its passes: the metrics it
// reports (Recorder), the status /status and the status page show
// (Overview), and readiness.

// Recorder receives the loop's metrics. metrics.Metrics implements it; tests
// may pass nil.
type Recorder interface {
	ReconcileDone(trigger Trigger, result PassResult, d time.Duration)
	LastSuccess(t time.Time)
	SetRevision(source, revision string)
	SetSpecValid(bool)
	SetConnectors(counts map[ConnectorState]int)
	DriftDetected(n int)
	Change(action diff.Action, ok bool)
	SetHeld(bool)
	// SetSuspensions reports every suspension in force, on every change.
	SetSuspensions([]Suspension)
}

type nopRecorder struct{}

func (nopRecorder) ReconcileDone(Trigger, PassResult, time.Duration) {}
func (nopRecorder) LastSuccess(time.Time)                            {}
func (nopRecorder) SetRevision(string, string)                       {}
func (nopRecorder) SetSpecValid(bool)                                {}
func (nopRecorder) SetConnectors(map[ConnectorState]int)             {}
func (nopRecorder) DriftDetected(int)                                {}
func (nopRecorder) Change(diff.Action, bool)                         {}
func (nopRecorder) SetHeld(bool)                                     {}
func (nopRecorder) SetSuspensions([]Suspension)                      {}

// Trigger is what started a reconcile pass, as in
// chime_origination_reconcile_total{trigger}.
type Trigger string

// Triggers.
const (
	TriggerRevision Trigger = "revision" // a new revision, polled or fetched on a webhook
	TriggerDrift    Trigger = "drift"    // the drift timer
	TriggerReload   Trigger = "reload"   // SIGHUP
	TriggerRetry    Trigger = "retry"    // the backoff of a failed connector ended
	// TriggerResume (suspend.go): an operator resumed suspended connectors.
)

// Triggers lists every trigger the loop reports, so that metrics can start
// each series at zero.
func Triggers() []Trigger {
	return []Trigger{TriggerRevision, TriggerDrift, TriggerReload, TriggerRetry, TriggerResume}
}

// PassResult is how a reconcile pass ended, as in
// chime_origination_reconcile_total{result}.
type PassResult string

// Pass results.
const (
	PassSuccess PassResult = "success" // every connector as the spec says
	PassFailure PassResult = "failure" // some read or write failed
	PassHeld    PassResult = "held"    // a safety gate held a new revision
	PassInvalid PassResult = "invalid" // a new revision did not validate
)

// PassResults lists every result, as Triggers does the triggers.
func PassResults() []PassResult { return []PassResult{PassSuccess, PassFailure, PassHeld, PassInvalid} }

// ConnectorState is what the loop knows of one managed connector.
type ConnectorState string

// Connector states, as in chime_origination_connectors{state}.
const (
	StateInSync  ConnectorState = "in_sync"
	StateDrifted ConnectorState = "drifted" // live differs from the spec and is not being corrected (--drift=report)
	StateFailed  ConnectorState = "failed"  // the last attempt failed; retried as its ErrorClass says
	StatePending ConnectorState = "pending" // not reconciled yet
	// StateSuspended: an operator suspended it (suspend.go); nothing writes
	// it until it is resumed, its drift is read and shown.
	StateSuspended ConnectorState = "suspended"
)

// ConnectorStates lists every state, in the order operators read them.
func ConnectorStates() []ConnectorState {
	return []ConnectorState{StateInSync, StateDrifted, StateFailed, StatePending, StateSuspended}
}

// Revision describes a revision of the spec the loop has seen.
type Revision struct {
	ID       string    `json:"id"`
	Time     time.Time `json:"time,omitzero"`
	Accepted time.Time `json:"accepted,omitzero"`
}

// ConnectorStatus is what the loop knows of one managed connector, for
// /status and the status page.
type ConnectorStatus struct {
	Key     string                   `json:"key"`
	ID      string                   `json:"id,omitempty"`
	Name    string                   `json:"name,omitempty"`
	Region  string                   `json:"region,omitempty"`
	State   ConnectorState           `json:"state"`
	Error   string                   `json:"error,omitempty"`
	Desired *origination.Origination `json:"desired"`
	Absent  bool                     `json:"absent,omitempty"`
	// Live is the origination last read or written; nil when none or unknown.
	Live       *origination.Origination `json:"live"`
	LastChange *AppliedChange           `json:"last_change,omitempty"`
	NextRetry  *time.Time               `json:"next_retry,omitempty"`
	Failures   int                      `json:"failures,omitempty"`
	// ErrorClass, for a failed connector, says which schedule retries it
	// (failure.go): transient (backoff) or permanent (next revision,
	// reload, resume, or PermanentRetryInterval).
	ErrorClass ErrorClass `json:"error_class,omitempty"`
	// Suspension, when the connector is suspended: by whom, why, since when.
	Suspension *Suspension `json:"suspension,omitempty"`
	// Differs, for a suspended connector: its live origination, as last
	// read, differs from the spec (drift, or a revision not written).
	Differs bool `json:"differs,omitempty"`
}

// AppliedChange is one entry of the change log: a write made by the loop,
// or an operator suspending or resuming a connector (Trigger suspend or
// resume, Action noop, By and Reason set).
type AppliedChange struct {
	Time     time.Time                `json:"time"`
	Revision string                   `json:"revision"`
	Trigger  Trigger                  `json:"trigger"`
	Key      string                   `json:"key"`
	ID       string                   `json:"id"`
	Action   diff.Action              `json:"action"`
	Before   *origination.Origination `json:"before"`
	After    *origination.Origination `json:"after"`
	By       *Operator                `json:"by,omitempty"`
	Reason   string                   `json:"reason,omitempty"`
}

// Overview is the loop's state for /status and the status page.
type Overview struct {
	Source string `json:"source"`
	// LastGood is the revision in force: the last valid, accepted one.
	LastGood *Revision `json:"last_good"`
	// Current is the newest revision seen; it differs from LastGood when it
	// is invalid or held.
	Current *Revision `json:"current"`
	// Invalid is the validation error of Current, if any.
	Invalid []schema.Diagnostic `json:"invalid,omitempty"`
	// Held says why Current is held by a safety gate, if it is.
	Held        []diff.Violation `json:"held,omitempty"`
	Ready       bool             `json:"ready"`
	LastSync    time.Time        `json:"last_sync,omitzero"`
	LastSuccess time.Time        `json:"last_success,omitzero"`
	LastError   string           `json:"last_error,omitempty"`
	// SourceError is why the last fetch of the source failed, if it did:
	// the revision in force stays, but it may no longer be the newest.
	SourceError string            `json:"source_error,omitempty"`
	Drift       DriftMode         `json:"drift"`
	Connectors  []ConnectorStatus `json:"connectors"`
	Changes     []AppliedChange   `json:"changes"`
	// Counts has every state, zero or not.
	Counts map[ConnectorState]int `json:"counts"`
	// Suspensions lists every suspension in force, by key, including those
	// of connectors the spec in force does not name (yet, or any more).
	Suspensions []Suspension `json:"suspensions"`
	// Validated is the newest valid revision, kept for the next term of
	// leadership; set only with leader election. A standby validates
	// revisions but accepts none: the leader decides what is in force.
	Validated *Revision `json:"validated,omitempty"`
	// Election is this daemon's part in leader election; nil without it.
	Election *ElectionStatus `json:"election,omitempty"`
}

// ElectionStatus is what /status and the status page show of leader
// election.
type ElectionStatus struct {
	// Identity names this daemon in the election.
	Identity string `json:"identity"`
	// Leading: this daemon holds a live lease and is the one that writes.
	Leading bool `json:"leading"`
	// Leader names the daemon that leads, as last seen; empty when unknown.
	Leader string `json:"leader"`
	// Since is when this daemon last began or ended a term of leadership
	// (or started).
	Since time.Time `json:"since"`
	// Error says why this daemon cannot campaign, e.g. etcd is unreachable.
	Error string `json:"error,omitempty"`
}

// statusInterrupted marks a connector a pass did not get to write, or whose
// write was cut off, because this daemon's term of leadership ended.
const statusInterrupted OutcomeStatus = "interrupted"

// maxChanges bounds the change log kept for the status page.
const maxChanges = 50

// finish records the outcome of a pass: connector states, the change log,
// metrics, and the status systemd and /status show.
func (l *Loop) finish(trigger Trigger, r *Result, start time.Time) {
	now := time.Now()
	var failed bool
	l.update(func(s *Overview) {
		for _, o := range r.Outcomes {
			cs, ok := l.conns[o.Key]
			if !ok {
				continue // no longer managed
			}
			if _, ok := l.suspensions[o.Key]; ok {
				l.recordSuspended(s, cs, o, trigger, now)
				continue
			}
			failed = l.recordOutcome(s, cs, o, trigger, now) || failed
		}
		s.LastSync = now
		if !failed {
			s.LastSuccess = now
			s.LastError = ""
		}
	})
	result := PassSuccess
	if failed {
		result = PassFailure
	} else {
		l.rec.LastSuccess(now)
	}
	l.rec.ReconcileDone(trigger, result, time.Since(start))
	st := l.Overview()
	l.rec.SetConnectors(st.Counts)
	l.log.Info("pass done", attrTrigger, trigger, "result", result, "duration", time.Since(start).Round(time.Millisecond),
		"in_sync", st.Counts[StateInSync], "failed", st.Counts[StateFailed])
	l.opts.OnPass(st)
}

// recordOutcome updates one connector's state; it reports a failure.
func (l *Loop) recordOutcome(s *Overview, cs *ConnectorStatus, o Outcome, trigger Trigger, now time.Time) bool {
	if o.ID != "" {
		cs.ID = o.ID
	}
	switch o.Status {
	case StatusUnchanged, StatusConverged:
		cs.State, cs.Live = StateInSync, o.After
	case statusDrifted:
		cs.State, cs.Live, cs.Error = StateDrifted, o.Before, "live origination differs from the spec (--drift=report)"
		return false
	case StatusApplied:
		cs.State, cs.Live = StateInSync, o.After
		c := AppliedChange{Time: now, Revision: l.revisionLocked(s), Trigger: trigger, Key: o.Key, ID: o.ID, Action: o.Action, Before: o.Before, After: o.After}
		cs.LastChange = &c
		s.Changes = append(s.Changes, c)
		if len(s.Changes) > maxChanges {
			s.Changes = s.Changes[len(s.Changes)-maxChanges:]
		}
		l.rec.Change(o.Action, true)
	case statusInterrupted:
		cs.State, cs.Error, cs.ErrorClass = StatePending, o.Error, ""
		s.LastError = o.Key + ": " + o.Error
		return true
	case StatusFailed:
		cs.State, cs.Error, cs.ErrorClass = StateFailed, o.Error, classify(o.Err)
		cs.Failures++
		next := now.Add(l.retryIn(cs.ErrorClass, cs.Failures))
		cs.NextRetry = &next
		if o.Action != "" && o.Action != diff.Noop {
			l.rec.Change(o.Action, false)
		}
		s.LastError = o.Key + ": " + o.Error
		return true
	}
	cs.Error, cs.ErrorClass, cs.Failures, cs.NextRetry = "", "", 0, nil
	return false
}

// backoff is the per-connector delay before retry n (1-based): exponential
// from RetryBase, capped at RetryMax, jittered by ±20%.
func (l *Loop) backoff(n int) time.Duration {
	d := float64(l.opts.RetryBase) * math.Pow(2, float64(min(n-1, 30)))
	return jitter(time.Duration(min(d, float64(l.opts.RetryMax))), 0.2)
}

func (l *Loop) revisionLocked(s *Overview) string {
	if s.LastGood == nil {
		return ""
	}
	return s.LastGood.ID
}

// update changes the status under the lock.
func (l *Loop) update(f func(*Overview)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f(&l.status)
}

// Overview returns a copy of the loop's state; safe from any goroutine.
func (l *Loop) Overview() Overview {
	l.mu.Lock()
	o := l.status.snapshot(l.conns)
	l.suspensionsLocked(&o, time.Now())
	if o.Election != nil {
		o.Election.Leading = l.term != nil && l.term.Err() == nil
	}
	l.mu.Unlock()
	if e := o.Election; e != nil {
		leader, err := l.opts.Election.Leader()
		e.Leader = leader
		if e.Leading {
			e.Leader = e.Identity
		}
		if err != nil {
			e.Error = err.Error()
		}
	}
	o.Ready = l.readiness(o) == nil
	return o
}

// snapshot returns a deep enough copy of s for readers in other goroutines.
func (s *Overview) snapshot(conns map[string]*ConnectorStatus) Overview {
	out := *s
	for _, r := range []**Revision{&out.LastGood, &out.Current, &out.Validated} {
		if *r != nil {
			c := **r
			*r = &c
		}
	}
	if s.Election != nil {
		e := *s.Election
		out.Election = &e
	}
	out.Connectors = make([]ConnectorStatus, 0, len(conns))
	for _, k := range slices.Sorted(maps.Keys(conns)) {
		out.Connectors = append(out.Connectors, *conns[k])
	}
	out.Changes = slices.Clone(s.Changes)
	out.Counts = counts(conns)
	return out
}

func counts(conns map[string]*ConnectorStatus) map[ConnectorState]int {
	c := map[ConnectorState]int{}
	for _, s := range ConnectorStates() {
		c[s] = 0
	}
	for _, cs := range conns {
		c[cs.State]++
	}
	return c
}

var (
	errNotSynced   = errors.New("no sync done yet")
	errStale       = errors.New("the last sync is older than three drift intervals")
	errNotChecked  = errors.New("no valid revision checked yet")
	errStaleLeader = errors.New("leading, but the last sync is older than three drift intervals")
)

// Ready reports whether the loop has completed a pass recently: not older
// than three drift intervals. A pass in which some connector failed counts:
// one connector that cannot be written (a typo in its name, say) must not
// keep the daemon from being ready, and from being started by systemd; it
// shows as failed in the metrics and /status instead.
func (l *Loop) Ready() error {
	return l.readiness(l.Overview())
}

func (l *Loop) readiness(o Overview) error {
	if o.Election != nil {
		return l.electionReadiness(o)
	}
	switch {
	case o.LastSync.IsZero():
		return errNotSynced
	case time.Since(o.LastSync) > 3*l.current().DriftInterval:
		return errStale
	}
	return nil
}

// electionReadiness is readiness with leader election. A standby is ready
// once it has checked a valid revision: it can take over with it. So is
// the leader, unless its last sync in this term is older than three drift
// intervals.
func (l *Loop) electionReadiness(o Overview) error {
	last := o.LastSync
	if o.Election.Since.After(last) {
		last = o.Election.Since
	}
	switch {
	case o.Validated == nil:
		return errNotChecked
	case o.Election.Leading && time.Since(last) > 3*l.current().DriftInterval:
		return errStaleLeader
	}
	return nil
}

// SourceFetched records the outcome of a fetch of the source for /status,
// so that a source that cannot be read (a repository gone, a file over the
// size limit, a symbolic link leaving the directory) shows there and not
// only in the logs. Safe from any goroutine.
func (l *Loop) SourceFetched(err error) {
	l.update(func(s *Overview) {
		s.SourceError = ""
		if err != nil {
			s.SourceError = err.Error()
		}
	})
}
