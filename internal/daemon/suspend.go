package daemon

import (
	"slices"
	"time"

	"github.com/sipops/reconciler/internal/suspension"
)

// This file holds the operators' requests to the running daemon, from
// package control: suspend and resume. The suspensions themselves, their
// rules and their file are package suspension's; what the loop does here
// is check the keys against the connectors it manages, and keep its own
// account: the connectors' states, the change log, the metrics.

// Suspend suspends the connectors named by keys, or every managed one
// when all is set, for reason, at the request of by. A key must name a
// managed connector (with leader election, on a standby: one of the
// newest valid revision). Connectors suspended already stay as they were.
// The suspensions are saved before they take effect; then Suspend waits
// for the writes of those connectors that were in flight: when it returns,
// no write of theirs starts or is under way, so a change made by hand
// after it stays. On an error nothing changed. Safe from any goroutine.
func (l *Loop) Suspend(keys []string, all bool, reason string, by suspension.Operator) (suspension.Result, error) {
	l.operators.Lock()
	made, already, err := l.mutes.Suspend(keys, all, reason, by, l.managed())
	if err != nil {
		l.operators.Unlock()
		return suspension.Result{}, err
	}
	l.mu.Lock()
	revision := l.revisionLocked()
	for _, s := range made {
		l.track.suspended(s.Key)
		c := l.track.operator(TriggerSuspend, s.Key, s.By, s.Reason, revision, s.Since)
		l.log.Warn("connector suspended: no write until it is resumed", attrKey, s.Key, attrID, c.ID, attrBy, by.String(),
			attrUID, by.UID, attrReason, reason, attrRevision, revision)
	}
	l.mu.Unlock()
	l.operators.Unlock()
	l.suspensionsChanged()
	r := suspension.Result{Made: made, Already: already}
	var suspended []string
	for _, s := range made {
		suspended = append(suspended, s.Key)
	}
	r.InFlight = l.mutes.AwaitWrites(suspended, suspension.Wait)
	return r, nil
}

// Resume lifts the suspensions of keys, or every suspension when all is
// set, and has the loop reconcile those connectors at once, in a pass of
// their own. A key must name a managed or a suspended connector; one that
// is not suspended is returned in notSuspended. Safe from any goroutine.
func (l *Loop) Resume(keys []string, all bool, by suspension.Operator) (resumed []suspension.Suspension, notSuspended []string, err error) {
	l.operators.Lock()
	defer l.operators.Unlock()
	resumed, notSuspended, err = l.mutes.Resume(keys, all, l.managed())
	if err != nil || len(resumed) == 0 {
		return nil, notSuspended, err
	}
	now := time.Now()
	l.mu.Lock()
	revision := l.revisionLocked()
	for _, s := range resumed {
		l.track.resumed(s.Key)
		c := l.track.operator(TriggerResume, s.Key, by, "", revision, now)
		l.resumed[s.Key] = true
		l.log.Info("connector resumed: reconciling it now", attrKey, s.Key, attrID, c.ID, attrBy, by.String(), attrUID, by.UID,
			attrRevision, revision)
	}
	l.mu.Unlock()
	l.suspensionsChanged()
	select {
	case l.wake <- struct{}{}:
	default: // a targeted pass is due already; it takes every resumed key
	}
	return resumed, notSuspended, nil
}

// managed returns the keys an operator may name: the connectors managed,
// and with leader election those of the newest valid revision, which a
// standby would manage once it leads.
func (l *Loop) managed() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	keys := l.track.keys()
	for k := range l.validKeys {
		keys = append(keys, k)
	}
	return slices.Compact(slices.Sorted(slices.Values(keys)))
}

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
func (l *Loop) Suspended(key string) bool { return l.mutes.Mutes(key) }
