package reconcile

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
)

// This file holds suspensions, the break glass of an incident: an operator
// who must change a connector by hand (send calls to the DR site) suspends
// it, and the loop stops writing it, whatever the trigger, until it is
// resumed. Its drift is still read and shown. Package control takes the
// operator's requests on a Unix socket and keeps the suspensions in the
// state directory.

// Operator is who asked for a suspension or a resume, as the control
// socket's peer credentials say.
type Operator struct {
	// User is the name of the peer's uid, or the uid in decimal when it
	// has none (a dynamic user, or a uid outside the daemon's user
	// namespace).
	User string `json:"user"`
	UID  uint32 `json:"uid"`
	// SudoUser is $SUDO_USER of the command, when it ran under sudo as
	// root: what the command says, trusted only as far as root is.
	SudoUser string `json:"sudo_user,omitempty"`
}

func (o Operator) String() string {
	if o.SudoUser != "" && o.SudoUser != o.User {
		return o.User + " (sudo by " + o.SudoUser + ")"
	}
	return o.User
}

// Suspension stops the loop from writing one connector.
type Suspension struct {
	Key    string    `json:"key"`
	Reason string    `json:"reason,omitempty"`
	By     Operator  `json:"by"`
	Since  time.Time `json:"since"`
	// Age is how long it has been in force, in the Overview only.
	Age string `json:"age,omitempty"`
}

// SuspensionStore keeps the suspensions across restarts. Save replaces
// what it holds with all the suspensions in force; the loop acts on a
// change only once it is saved.
type SuspensionStore interface {
	Save([]Suspension) error
}

// TriggerSuspend and TriggerResume mark, in the change log, an operator
// suspending or resuming a connector; TriggerResume also starts the pass
// that reconciles the resumed connectors at once.
const (
	TriggerSuspend Trigger = "suspend"
	TriggerResume  Trigger = "resume"
)

// statusSuspended marks a connector a pass did not write because it is
// suspended.
const statusSuspended OutcomeStatus = "suspended"

// UnknownError is a request that names connectors this daemon does not
// manage; nothing of the request was done.
type UnknownError struct {
	Keys    []string // the unknown keys, sorted
	Managed []string // the keys the daemon knows, sorted
}

func (e *UnknownError) Error() string {
	what := "unknown connector"
	if len(e.Keys) > 1 {
		what += "s"
	}
	msg := fmt.Sprintf("%s %s: not in the spec this daemon manages", what, quoteAll(e.Keys))
	switch n := len(e.Managed); {
	case n == 0:
		return msg + " (no revision accepted yet)"
	case n <= 20:
		return msg + " (managed: " + strings.Join(e.Managed, ", ") + ")"
	default:
		return fmt.Sprintf("%s (%d managed, e.g. %s)", msg, n, strings.Join(e.Managed[:20], ", "))
	}
}

func quoteAll(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = fmt.Sprintf("%q", k)
	}
	return strings.Join(q, ", ")
}

// ErrNothingManaged is Suspend of every connector before a revision was
// accepted.
var ErrNothingManaged = errors.New("no connector is managed yet: no revision has been accepted")

// SuspendResult is what Suspend did.
type SuspendResult struct {
	Made    []Suspension // the suspensions it made
	Already []Suspension // those in force before it, left as they were
	// InFlight names connectors whose write, begun before the suspension,
	// had not ended after SuspendWait: it may still land.
	InFlight []string
}

// SuspendWait bounds how long Suspend waits for the writes in flight of
// the connectors it suspends.
const SuspendWait = time.Minute

// Suspend suspends the connectors named by keys, or every managed one
// when all is set, for reason, at the request of by. A key must name a
// managed connector (with leader election, on a standby: one of the
// newest valid revision). Connectors suspended already stay as they were.
// It saves the suspensions, then waits for the writes of those connectors
// that were in flight: when it returns, no write of theirs starts or is
// under way, so a change made by hand after it stays. On an error nothing
// changed. Safe from any goroutine.
func (l *Loop) Suspend(keys []string, all bool, reason string, by Operator) (SuspendResult, error) {
	made, already, err := l.suspend(keys, all, reason, by)
	if err != nil {
		return SuspendResult{}, err
	}
	r := SuspendResult{Made: made, Already: already}
	var suspended []string
	for _, s := range made {
		suspended = append(suspended, s.Key)
	}
	r.InFlight = l.awaitWrites(suspended, SuspendWait)
	return r, nil
}

func (l *Loop) suspend(keys []string, all bool, reason string, by Operator) (made, already []Suspension, err error) {
	l.smu.Lock()
	defer l.smu.Unlock()
	now := time.Now()
	l.mu.Lock()
	keys, err = l.resolveLocked(keys, all, false)
	next := maps.Clone(l.suspensions)
	for _, k := range keys {
		if s, ok := next[k]; ok {
			already = append(already, s)
			continue
		}
		next[k] = Suspension{Key: k, Reason: reason, By: by, Since: now}
		made = append(made, next[k])
	}
	l.mu.Unlock()
	if err != nil || len(made) == 0 {
		return nil, already, err
	}
	if err := l.saveSuspensions(next); err != nil {
		return nil, nil, err
	}
	l.mu.Lock()
	l.suspensions = next
	for _, s := range made {
		l.logSuspension(TriggerSuspend, s.Key, s.By, s.Reason, now)
		if cs, ok := l.conns[s.Key]; ok {
			cs.State, cs.Error, cs.ErrorClass, cs.NextRetry, cs.Failures = StateSuspended, "", "", nil, 0
		}
	}
	l.mu.Unlock()
	l.suspensionsChanged()
	return made, already, nil
}

// Resume lifts the suspensions of keys, or every suspension when all is
// set, and has the loop reconcile those connectors at once, in a pass of
// their own. A key must name a managed or a suspended connector; one that
// is not suspended is returned in notSuspended. Safe from any goroutine.
func (l *Loop) Resume(keys []string, all bool, by Operator) (resumed []Suspension, notSuspended []string, err error) {
	l.smu.Lock()
	defer l.smu.Unlock()
	now := time.Now()
	l.mu.Lock()
	keys, err = l.resolveLocked(keys, all, true)
	next := maps.Clone(l.suspensions)
	for _, k := range keys {
		s, ok := next[k]
		if !ok {
			notSuspended = append(notSuspended, k)
			continue
		}
		delete(next, k)
		resumed = append(resumed, s)
	}
	l.mu.Unlock()
	if err != nil || len(resumed) == 0 {
		return nil, notSuspended, err
	}
	if err := l.saveSuspensions(next); err != nil {
		return nil, nil, err
	}
	l.mu.Lock()
	l.suspensions = next
	for _, s := range resumed {
		l.logSuspension(TriggerResume, s.Key, by, "", now)
		if cs, ok := l.conns[s.Key]; ok {
			cs.State, cs.Differs = StatePending, false
		}
		l.resumed[s.Key] = true
	}
	l.mu.Unlock()
	l.suspensionsChanged()
	select {
	case l.wake <- struct{}{}:
	default: // a targeted pass is due already; it takes every resumed key
	}
	return resumed, notSuspended, nil
}

// resolveLocked checks keys against the connectors the daemon knows, or
// returns them all for all: the managed ones, and with suspended those
// suspended too. Keys come back sorted, without duplicates.
func (l *Loop) resolveLocked(keys []string, all, suspended bool) ([]string, error) {
	known := map[string]bool{}
	for k := range l.conns {
		known[k] = true
	}
	for k := range l.validKeys {
		known[k] = true
	}
	if suspended {
		for k := range l.suspensions {
			known[k] = true
		}
	}
	if all {
		if len(known) == 0 && !suspended {
			return nil, ErrNothingManaged
		}
		if suspended {
			return slices.Sorted(maps.Keys(l.suspensions)), nil
		}
		return slices.Sorted(maps.Keys(known)), nil
	}
	keys = slices.Compact(slices.Sorted(slices.Values(keys)))
	var unknown []string
	for _, k := range keys {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		managed := map[string]bool{}
		maps.Copy(managed, l.validKeys)
		for k := range l.conns {
			managed[k] = true
		}
		return nil, &UnknownError{Keys: unknown, Managed: slices.Sorted(maps.Keys(managed))}
	}
	return keys, nil
}

func (l *Loop) saveSuspensions(m map[string]Suspension) error {
	if l.opts.Suspensions == nil {
		return nil
	}
	if err := l.opts.Suspensions.Save(sortedSuspensions(m)); err != nil {
		return fmt.Errorf("save suspensions: %w", err)
	}
	return nil
}

// logSuspension logs a suspend or a resume as a change is logged, and
// adds it to the change log. l.mu is held.
func (l *Loop) logSuspension(trigger Trigger, key string, by Operator, reason string, now time.Time) {
	c := AppliedChange{Time: now, Revision: l.revisionLocked(&l.status), Trigger: trigger, Key: key, Action: diff.Noop,
		By: &by, Reason: reason}
	if cs, ok := l.conns[key]; ok {
		c.ID, c.Before, c.After = cs.ID, cs.Live, cs.Live
	}
	l.status.Changes = append(l.status.Changes, c)
	if len(l.status.Changes) > maxChanges {
		l.status.Changes = l.status.Changes[len(l.status.Changes)-maxChanges:]
	}
	if trigger == TriggerSuspend {
		l.log.Warn("connector suspended: no write until it is resumed", attrKey, key, attrID, c.ID, attrBy, by.String(),
			attrUID, by.UID, attrReason, reason, attrRevision, c.Revision)
		return
	}
	l.log.Info("connector resumed: reconciling it now", attrKey, key, attrID, c.ID, attrBy, by.String(), attrUID, by.UID,
		attrRevision, c.Revision)
}

// Log attribute keys of suspensions.
const (
	attrBy     = "by"
	attrUID    = "uid"
	attrReason = "reason"
)

// suspensionsChanged reports the suspensions to the recorder, and the
// connector counts while this daemon may write (a standby reports none).
func (l *Loop) suspensionsChanged() {
	o := l.Overview()
	l.rec.SetSuspensions(o.Suspensions)
	if o.Election == nil || o.Election.Leading {
		l.rec.SetConnectors(o.Counts)
	}
}

// Suspended reports whether the connector key is suspended. Safe from any
// goroutine.
func (l *Loop) Suspended(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.suspensions[key]
	return ok
}

// beginWrite is ApplyOptions.Begin: the engine asks it right before each
// write. A suspended connector is refused; any other is counted as being
// written until done is called, for Suspend to wait for.
func (l *Loop) beginWrite(key string) (done func(), ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.suspensions[key]; ok {
		return nil, false
	}
	if l.writing == nil {
		l.writing = map[string]int{}
	}
	l.writing[key]++
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.writing[key]--; l.writing[key] == 0 {
			delete(l.writing, key)
		}
	}, true
}

// awaitWrites waits until none of keys is being written, for up to d,
// and returns those still being written then.
func (l *Loop) awaitWrites(keys []string, d time.Duration) []string {
	deadline := time.Now().Add(d)
	for {
		l.mu.Lock()
		busy := slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return l.writing[k] == 0 })
		l.mu.Unlock()
		if len(busy) == 0 || time.Now().After(deadline) {
			return busy
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// apply writes what planned says but for the suspended connectors: they
// are taken out of the plan before its gates are checked, and the engine
// asks again right before each write (beginWrite), for a suspension that
// arrives during the pass. Their outcomes say what the pass read of them.
func (l *Loop) apply(p pass, planned *Planned, gates diff.Gates) (*Result, error) {
	held := l.holdSuspended(planned)
	res, err := l.eng.Apply(p.work, planned, ApplyOptions{Gates: gates, Stop: p.ctx.Done(), Begin: l.beginWrite})
	if err != nil {
		return nil, err
	}
	res.Outcomes = append(res.Outcomes, held...)
	slices.SortFunc(res.Outcomes, func(a, b Outcome) int { return strings.Compare(a.Key, b.Key) })
	return res, nil
}

// holdSuspended takes the suspended connectors out of planned and returns
// their outcomes: suspended, with what the plan read and would write, or
// failed if it could not read them.
func (l *Loop) holdSuspended(planned *Planned) []Outcome {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.suspensions) == 0 {
		return nil
	}
	var held []Outcome
	for key, err := range planned.Errors {
		if _, ok := l.suspensions[key]; ok {
			d := planned.Desired[key]
			held = append(held, Outcome{Key: key, ID: d.ID, Region: d.Region}.fail(err))
			delete(planned.Errors, key)
		}
	}
	rest := *planned.Plan
	rest.Changes = slices.DeleteFunc(slices.Clone(rest.Changes), func(ch diff.Change) bool {
		if _, ok := l.suspensions[ch.Key]; !ok {
			return false
		}
		held = append(held, Outcome{Key: ch.Key, ID: ch.ID, Region: ch.Region, Action: ch.Action, Before: ch.Before, After: ch.After, Status: statusSuspended})
		return true
	})
	planned.Plan = &rest
	return held
}

// gateSuspended makes a suspended connector's change, for a revision's
// gates, what the revision changes in its spec (from the desired state in
// force to the new one) rather than what writing it would change now: the
// live state of a suspended connector is the operator's, and the change is
// written, ungated as drift corrections are, when it is resumed. Run's
// goroutine only.
func (l *Loop) gateSuspended(ch diff.Change, spec *schema.Spec) diff.Change {
	i := slices.IndexFunc(spec.Connectors, func(c schema.DesiredConnector) bool { return c.Key == ch.Key })
	if i < 0 {
		return ch
	}
	var before *origination.Origination // a connector new in the spec: additive
	if old, ok := l.desired[ch.Key]; ok && !old.Absent {
		before = old.Origination
	}
	return diff.ComputeOne(spec.Connectors[i], diff.Live{ID: ch.ID, RequireEncryption: ch.RequireEncryption, Origination: before})
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
	start := time.Now()
	var due []schema.DesiredConnector
	for _, k := range keys {
		if c, ok := l.desired[k]; ok && !l.Suspended(k) {
			due = append(due, c)
		}
	}
	if len(due) == 0 {
		return
	}
	planned, err := l.eng.Plan(p.ctx, l.revision(), due)
	if err != nil {
		return // stopping
	}
	res, err := l.apply(p, planned, ungated)
	if err != nil {
		l.log.Error("resume refused", attrErr, err)
		return
	}
	l.finish(TriggerResume, p.outcome(res), start)
}

// recordSuspended updates a suspended connector's state from what a pass
// read of it: it stays suspended, shows its live origination and whether
// it differs from the spec, and is never retried. A write that began
// before the suspension arrived is recorded as any write is. l.mu is held.
func (l *Loop) recordSuspended(s *Overview, cs *ConnectorStatus, o Outcome, trigger Trigger, now time.Time) {
	switch o.Status {
	case StatusApplied:
		l.recordOutcome(s, cs, o, trigger, now)
		cs.Differs = false
	case StatusFailed, statusInterrupted:
		cs.Error = o.Error
	case StatusConverged:
		cs.Live, cs.Error, cs.Differs = o.After, "", false
	default: // unchanged, suspended, or drifted in a report-only sweep
		cs.Live, cs.Error, cs.Differs = o.Before, "", o.Action != "" && o.Action != diff.Noop
	}
	cs.State, cs.ErrorClass, cs.NextRetry, cs.Failures = StateSuspended, "", nil, 0
}

func sortedSuspensions(m map[string]Suspension) []Suspension {
	out := slices.Collect(maps.Values(m))
	slices.SortFunc(out, func(a, b Suspension) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// suspensionsLocked lists the suspensions, each with its age, for the
// Overview; it fills in the suspension of each suspended connector.
func (l *Loop) suspensionsLocked(o *Overview, now time.Time) {
	o.Suspensions = append([]Suspension{}, sortedSuspensions(l.suspensions)...)
	for i := range o.Suspensions {
		o.Suspensions[i].Age = now.Sub(o.Suspensions[i].Since).Round(time.Second).String()
	}
	for i := range o.Connectors {
		if j, ok := slices.BinarySearchFunc(o.Suspensions, o.Connectors[i].Key, func(s Suspension, k string) int {
			return cmp.Compare(s.Key, k)
		}); ok {
			s := o.Suspensions[j]
			o.Connectors[i].Suspension = &s
		}
	}
}
