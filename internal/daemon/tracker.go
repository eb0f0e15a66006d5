package daemon

import (
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/sipops/reconciler/internal/reconcile"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/suspension"
)

// tracker is what the loop knows of each managed connector: the state of
// its ConnectorStatus, changed by one method per transition, when it is
// retried, and the change log. It is not safe for concurrent use: the loop
// holds its lock around every call.
type tracker struct {
	conns   map[string]*ConnectorStatus
	changes []AppliedChange
	retry   retryPolicy
}

func newTracker(p retryPolicy) *tracker {
	return &tracker{conns: map[string]*ConnectorStatus{}, retry: p}
}

// maxChanges bounds the change log kept for the status page.
const maxChanges = 50

// accept makes spec the connectors managed: those it no longer names stop
// being tracked (and are not touched); new ones start pending, or
// suspended when muted says so.
func (t *tracker) accept(spec *schema.Spec, muted func(key string) bool) {
	keep := map[string]bool{}
	for _, c := range spec.Connectors {
		keep[c.Key] = true
		cs, ok := t.conns[c.Key]
		if !ok {
			cs = &ConnectorStatus{Key: c.Key, State: StatePending}
			if muted(c.Key) {
				cs.State = StateSuspended
			}
			t.conns[c.Key] = cs
		}
		cs.ID, cs.Name, cs.Region = c.ID, c.Name, c.Region
		cs.Settings = desired(c, cs.Settings)
	}
	maps.DeleteFunc(t.conns, func(k string, _ *ConnectorStatus) bool { return !keep[k] })
}

// desired are the settings c names, with the live values last seen of
// those seen before.
func desired(c schema.DesiredConnector, seen []SettingStatus) []SettingStatus {
	out := make([]SettingStatus, len(c.Settings))
	for i, d := range c.Settings {
		out[i] = SettingStatus{Kind: d.Kind, Desired: d.Value, Absent: d.Absent}
		for _, s := range seen {
			if s.Kind.Name() == d.Kind.Name() {
				out[i].Live, out[i].Differs = s.Live, s.Differs
			}
		}
	}
	return out
}

// live sets, from what a pass did, the live value of each setting: after
// when the outcome wrote or found the setting as desired, else before.
func (cs *ConnectorStatus) live(o reconcile.Outcome, after bool) {
	for i := range cs.Settings {
		s := &cs.Settings[i]
		so, ok := o.Setting(s.Kind.Name())
		if !ok {
			continue
		}
		s.Live = so.Before
		if after {
			s.Live = so.After
		}
	}
}

// differs notes, for a suspended connector, which settings differ from
// the spec as the pass read them, and reports whether one does.
func (cs *ConnectorStatus) differs(o reconcile.Outcome) bool {
	any := false
	for i := range cs.Settings {
		s := &cs.Settings[i]
		so, ok := o.Setting(s.Kind.Name())
		s.Differs = ok && so.Action != "" && so.Action != setting.Noop
		any = any || s.Differs
	}
	return any
}

// clearDiffers notes that no setting differs any more.
func (cs *ConnectorStatus) clearDiffers() {
	cs.Differs = false
	for i := range cs.Settings {
		cs.Settings[i].Differs = false
	}
}

// record updates a connector's state from its outcome in a pass of trigger
// under revision, and reports whether it failed. A muted (suspended)
// connector stays suspended whatever the outcome (recordMuted). Outcomes
// of connectors no longer managed are dropped.
func (t *tracker) record(o reconcile.Outcome, trigger Trigger, revision string, now time.Time, muted bool) (failed bool) {
	cs, ok := t.conns[o.Key]
	switch {
	case !ok:
		return false
	case muted:
		t.recordMuted(cs, o, trigger, revision, now)
		return false
	}
	if o.ID != "" {
		cs.ID = o.ID
	}
	switch o.Status {
	case reconcile.StatusUnchanged, reconcile.StatusConverged:
		t.inSync(cs, o)
	case statusDrifted:
		t.drifted(cs, o)
	case reconcile.StatusApplied:
		t.applied(cs, o, trigger, revision, now)
	case statusInterrupted:
		t.interrupted(cs, o)
		return true
	case reconcile.StatusFailed:
		t.failed(cs, o, now)
		return true
	default: // skipped: suspended while the pass ran, resumed since
		cs.clearFailure()
	}
	return false
}

// inSync: the connector is as the spec says.
func (t *tracker) inSync(cs *ConnectorStatus, o reconcile.Outcome) {
	cs.State = StateInSync
	cs.live(o, true)
	cs.clearFailure()
}

// drifted: a report-only sweep found it differing from the spec. A
// failure before it keeps its count: a report is no success.
func (t *tracker) drifted(cs *ConnectorStatus, o reconcile.Outcome) {
	cs.State = StateDrifted
	cs.live(o, false)
	var names []string
	for _, w := range o.Writes() {
		names = append(names, w.Kind.Name())
	}
	cs.Error = "live " + strings.Join(names, " and ") + " differs from the spec (--drift=report)"
}

// applied: the pass wrote it, and each setting written is in the change
// log.
func (t *tracker) applied(cs *ConnectorStatus, o reconcile.Outcome, trigger Trigger, revision string, now time.Time) {
	cs.State = StateInSync
	cs.live(o, true)
	for _, w := range o.Writes() {
		c := AppliedChange{Time: now, Revision: revision, Trigger: trigger, Key: o.Key, ID: o.ID,
			Setting: w.Kind.Name(), Action: w.Action, Before: w.Before, After: w.After}
		cs.LastChange = &c
		t.log(c)
	}
	cs.clearFailure()
}

// interrupted: the term of leadership ended before its write; the next
// leader reconciles it.
func (t *tracker) interrupted(cs *ConnectorStatus, o reconcile.Outcome) {
	cs.State, cs.Error, cs.ErrorClass = StatePending, o.Error, ""
}

// failed: its read or write failed; it is retried as the class of its
// error says.
func (t *tracker) failed(cs *ConnectorStatus, o reconcile.Outcome, now time.Time) {
	cs.State, cs.Error, cs.ErrorClass = StateFailed, o.Error, reconcile.Classify(o.Err)
	cs.Failures++
	next := now.Add(t.retry.after(cs.ErrorClass, cs.Failures))
	cs.NextRetry = &next
}

// recordMuted updates a suspended connector from what a pass read of it:
// it stays suspended, shows its live origination and whether it differs
// from the spec, and is never retried. A write that began before the
// suspension arrived is recorded as any write is.
func (t *tracker) recordMuted(cs *ConnectorStatus, o reconcile.Outcome, trigger Trigger, revision string, now time.Time) {
	switch o.Status {
	case reconcile.StatusApplied:
		if o.ID != "" {
			cs.ID = o.ID
		}
		t.applied(cs, o, trigger, revision, now)
		cs.clearDiffers()
	case reconcile.StatusFailed, statusInterrupted:
		cs.Error = o.Error
	case reconcile.StatusConverged:
		cs.live(o, true)
		cs.Error = ""
		cs.clearDiffers()
	default: // unchanged, skipped, or drifted in a report-only sweep
		cs.live(o, false)
		cs.Error = ""
		cs.Differs = cs.differs(o)
	}
	cs.State = StateSuspended
	cs.ErrorClass, cs.Failures, cs.NextRetry = "", 0, nil
}

// suspended: an operator suspended it; its failure, if any, is no longer
// retried.
func (t *tracker) suspended(key string) {
	if cs, ok := t.conns[key]; ok {
		cs.State = StateSuspended
		cs.Error = ""
		cs.clearFailure()
	}
}

// resumed: an operator lifted its suspension; the pass that follows
// reconciles it.
func (t *tracker) resumed(key string) {
	if cs, ok := t.conns[key]; ok {
		cs.State = StatePending
		cs.clearDiffers()
	}
}

// operator logs an operator suspending or resuming a connector in the
// change log, with, for format 1, origination's live value before and
// after.
func (t *tracker) operator(trigger Trigger, key string, by suspension.Operator, reason, revision string, now time.Time) AppliedChange {
	c := AppliedChange{Time: now, Revision: revision, Trigger: trigger, Key: key, Action: setting.Noop, By: &by, Reason: reason}
	if cs, ok := t.conns[key]; ok {
		c.ID = cs.ID
		if s, ok := cs.Setting(setting.Flat); ok {
			c.Before, c.After = s.Live, s.Live
		}
	}
	t.log(c)
	return c
}

func (t *tracker) log(c AppliedChange) {
	t.changes = append(t.changes, c)
	if len(t.changes) > maxChanges {
		t.changes = t.changes[len(t.changes)-maxChanges:]
	}
}

func (cs *ConnectorStatus) clearFailure() {
	cs.Error, cs.ErrorClass, cs.Failures, cs.NextRetry = "", "", 0, nil
}

// retryPermanentNow makes the connectors that failed for a permanent
// reason due at once: a new revision was accepted, and whatever it
// changes, the operator may have fixed what made them fail. The retry
// pass takes them, ungated, right after the revision's pass.
func (t *tracker) retryPermanentNow(now time.Time) {
	for _, cs := range t.conns {
		if cs.State == StateFailed && cs.ErrorClass == reconcile.ClassPermanent {
			cs.NextRetry = &now
		}
	}
}

// due returns the failed connectors whose backoff has ended at now.
func (t *tracker) due(now time.Time) []string {
	var keys []string
	for _, k := range slices.Sorted(maps.Keys(t.conns)) {
		if cs := t.conns[k]; cs.State == StateFailed && cs.NextRetry != nil && !cs.NextRetry.After(now) {
			keys = append(keys, k)
		}
	}
	return keys
}

// nextRetry is how long until the earliest failed connector is due, at
// most an hour.
func (t *tracker) nextRetry() time.Duration {
	next := time.Hour
	for _, cs := range t.conns {
		if cs.State == StateFailed && cs.NextRetry != nil {
			next = min(next, max(time.Until(*cs.NextRetry), time.Millisecond))
		}
	}
	return next
}

// manages reports whether the connector key is managed.
func (t *tracker) manages(key string) bool {
	_, ok := t.conns[key]
	return ok
}

// keys returns the keys of the managed connectors.
func (t *tracker) keys() []string { return slices.Sorted(maps.Keys(t.conns)) }

// lastSeen returns what the loop last knew of connector key.
func (t *tracker) lastSeen(key string) (ConnectorStatus, bool) {
	cs, ok := t.conns[key]
	if !ok {
		return ConnectorStatus{}, false
	}
	return *cs, true
}

// snapshot returns copies of the connectors, sorted by key, of the change
// log and the counts by state, for readers in other goroutines.
func (t *tracker) snapshot() ([]ConnectorStatus, []AppliedChange, map[ConnectorState]int) {
	conns := make([]ConnectorStatus, 0, len(t.conns))
	for _, k := range slices.Sorted(maps.Keys(t.conns)) {
		c := *t.conns[k]
		c.Settings = slices.Clone(c.Settings) // the tracker updates them in place
		conns = append(conns, c)
	}
	return conns, slices.Clone(t.changes), countStates(t.conns)
}

// retryPolicy is when a failed connector is tried again.
type retryPolicy struct {
	base, max time.Duration // of the transient class's backoff
}

// PermanentRetryInterval is how often a connector that failed for a
// permanent reason is tried again when nothing else retries it first: a
// fix made outside the spec (credentials, IAM, a raised quota, a connector
// created) is picked up within the hour, at one call per connector per
// hour. Jittered by 10%.
const PermanentRetryInterval = time.Hour

// after is how long a connector that failed for the failures-th time in a
// row, of class c, waits before it is tried again: for a transient error,
// exponential backoff from base, capped at max, jittered by ±20%; for a
// permanent one, PermanentRetryInterval (a new revision, a reload or a
// resume retries it sooner).
func (p retryPolicy) after(c reconcile.ErrorClass, failures int) time.Duration {
	if c == reconcile.ClassPermanent {
		return jitter(PermanentRetryInterval, 0.1)
	}
	d := float64(p.base) * math.Pow(2, float64(min(failures-1, 30)))
	return jitter(time.Duration(min(d, float64(p.max))), 0.2)
}
