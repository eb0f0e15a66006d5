package reconcile

import (
	"math"
	"time"

	"github.com/sipops/reconciler/internal/diff"
)

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
		l.synced = true
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
	case StatusFailed:
		cs.State, cs.Error = StateFailed, o.Error
		cs.Failures++
		next := now.Add(l.backoff(cs.Failures))
		cs.NextRetry = &next
		if o.Action != "" && o.Action != diff.Noop {
			l.rec.Change(o.Action, false)
		}
		s.LastError = o.Key + ": " + o.Error
		return true
	}
	cs.Error, cs.Failures, cs.NextRetry = "", 0, nil
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

// Ready reports whether the loop has completed a pass recently: not older
// than three drift intervals. A pass in which some connector failed counts:
// one connector that cannot be written (a typo in its name, say) must not
// keep the daemon from being ready, and from being started by systemd; it
// shows as failed in the metrics and /status instead.
func (l *Loop) Ready() error {
	return l.readiness(l.Overview())
}

func (l *Loop) readiness(o Overview) error {
	switch {
	case o.LastSync.IsZero():
		return errNotSynced
	case time.Since(o.LastSync) > 3*l.current().DriftInterval:
		return errStale
	}
	return nil
}
