package daemon

import (
	"cmp"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/reconcile"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/suspension"
)

// This file holds the Overview, the loop's state as /status, the status
// page, "reconciler status" and systemd show it, with its enums, and
// readiness, which is read off it.

// DriftMode says what a drift sweep does with drift.
type DriftMode string

// Drift modes.
const (
	DriftCorrect DriftMode = "correct" // write the spec back
	DriftReport  DriftMode = "report"  // only report it
)

// Trigger is what started a reconcile pass, as in the metrics'
// reconcile_total{trigger}, or, in the change log, an operator's request.
type Trigger string

// Triggers.
const (
	TriggerRevision Trigger = "revision" // a new revision, polled or fetched on a webhook
	TriggerDrift    Trigger = "drift"    // the drift timer
	TriggerReload   Trigger = "reload"   // SIGHUP, and the start of a term of leadership
	TriggerRetry    Trigger = "retry"    // the backoff of a failed connector ended
	TriggerResume   Trigger = "resume"   // an operator resumed suspended connectors
	TriggerSuspend  Trigger = "suspend"  // in the change log only: an operator suspended a connector
)

// Triggers lists every trigger of a pass, so that metrics can start each
// series at zero.
func Triggers() []Trigger {
	return []Trigger{TriggerRevision, TriggerDrift, TriggerReload, TriggerRetry, TriggerResume}
}

// PassResult is how a reconcile pass ended, as in reconcile_total{result}.
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

// Connector states, as in the metrics' connectors{state}.
const (
	StateInSync  ConnectorState = "in_sync"
	StateDrifted ConnectorState = "drifted" // live differs from the spec and is not being corrected (--drift=report)
	StateFailed  ConnectorState = "failed"  // the last attempt failed; retried as its ErrorClass says
	StatePending ConnectorState = "pending" // not reconciled yet
	// StateSuspended: an operator suspended it; nothing writes it until
	// it is resumed, its drift is read and shown.
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

// ConnectorStatus is what the loop knows of one managed connector.
type ConnectorStatus struct {
	Key    string
	ID     string
	Name   string
	Region string
	State  ConnectorState
	Error  string
	// Settings are the connector's settings the spec names, in the order
	// of kinds: what the spec asks of each and what was last seen live.
	Settings   []SettingStatus
	LastChange *AppliedChange
	NextRetry  *time.Time
	Failures   int
	// ErrorClass, for a failed connector, says which schedule retries it:
	// transient (backoff) or permanent (next revision, reload, resume, or
	// PermanentRetryInterval).
	ErrorClass reconcile.ErrorClass
	// Suspension, when the connector is suspended: by whom, why, since when.
	Suspension *suspension.Suspension
	// Differs, for a suspended connector: some setting, as last read,
	// differs from the spec (drift, or a revision not written).
	Differs bool
}

// SettingStatus is what the loop knows of one setting of a connector.
type SettingStatus struct {
	Kind setting.Kind
	// Desired is what the spec asks, nil when Absent: the spec deletes it.
	Desired setting.Value
	Absent  bool
	// Live is the value last read or written; nil when none or unknown.
	Live setting.Value
	// Differs, for a suspended connector: Live, as last read, differs
	// from the spec.
	Differs bool
}

// Setting returns the status of the setting name, if the spec names it.
func (c ConnectorStatus) Setting(name string) (SettingStatus, bool) {
	for _, s := range c.Settings {
		if s.Kind.Name() == name {
			return s, true
		}
	}
	return SettingStatus{}, false
}

// AppliedChange is one entry of the change log: a write of one setting
// made by the loop, or an operator suspending or resuming a connector
// (Trigger suspend or resume, no Setting, Action noop, By and Reason set,
// and for format 1 Before and After origination's live value).
type AppliedChange struct {
	Time     time.Time            `json:"time"`
	Revision string               `json:"revision"`
	Trigger  Trigger              `json:"trigger"`
	Key      string               `json:"key"`
	ID       string               `json:"id"`
	Setting  string               `json:"setting,omitempty"`
	Action   setting.Action       `json:"action"`
	Before   setting.Value        `json:"before"`
	After    setting.Value        `json:"after"`
	By       *suspension.Operator `json:"by,omitempty"`
	Reason   string               `json:"reason,omitempty"`
}

// Overview is the loop's state for /status, the status page, "reconciler
// status" and systemd.
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
	Suspensions []suspension.Suspension `json:"suspensions"`
	// Validated is the newest valid revision, kept for the next term of
	// leadership; set only with leader election. A standby validates
	// revisions but accepts none: the leader decides what is in force.
	Validated *Revision `json:"validated,omitempty"`
	// Election is this daemon's part in leader election; nil without it.
	Election *ElectionStatus `json:"election,omitempty"`
}

// ElectionStatus is what the Overview shows of leader election.
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

// Overview returns a copy of the loop's state; safe from any goroutine.
func (l *Loop) Overview() Overview {
	now := time.Now()
	l.mu.Lock()
	o := l.status
	o.copyRevisions()
	o.Connectors, o.Changes, o.Counts = l.track.snapshot()
	if o.Election != nil {
		e := *o.Election
		e.Leading = l.term != nil && l.term.Err() == nil
		o.Election = &e
	}
	l.mu.Unlock()
	o.withSuspensions(l.mutes.List(), now)
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

// copyRevisions gives o revisions of its own, for readers in other
// goroutines.
func (o *Overview) copyRevisions() {
	for _, r := range []**Revision{&o.LastGood, &o.Current, &o.Validated} {
		if *r != nil {
			c := **r
			*r = &c
		}
	}
}

// withSuspensions lists the suspensions, each with its age, and fills in
// the suspension of each suspended connector.
func (o *Overview) withSuspensions(ss []suspension.Suspension, now time.Time) {
	o.Suspensions = append([]suspension.Suspension{}, ss...)
	for i := range o.Suspensions {
		o.Suspensions[i].Age = now.Sub(o.Suspensions[i].Since).Round(time.Second).String()
	}
	for i := range o.Connectors {
		if j, ok := slices.BinarySearchFunc(o.Suspensions, o.Connectors[i].Key, func(s suspension.Suspension, k string) int {
			return cmp.Compare(s.Key, k)
		}); ok {
			s := o.Suspensions[j]
			o.Connectors[i].Suspension = &s
		}
	}
}

// countStates counts connectors by state, every state present.
func countStates(conns map[string]*ConnectorStatus) map[ConnectorState]int {
	c := map[ConnectorState]int{}
	for _, s := range ConnectorStates() {
		c[s] = 0
	}
	for _, k := range slices.Sorted(maps.Keys(conns)) {
		c[conns[k].State]++
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
