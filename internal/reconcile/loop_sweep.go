package reconcile

import (
	"time"

	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/schema"
)

// ungated allows drift correction and retries: they restore a revision that
// was reviewed and passed the gates when it was accepted.
var ungated = diff.Gates{AllowMassChange: true, AllowTrafficLoss: true}

// sweep reads every managed connector and, with --drift=correct, writes back
// those that drifted.
func (l *Loop) sweep(p pass, trigger Trigger) {
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
	res, err := l.eng.Apply(p.work, planned, ApplyOptions{Gates: ungated, Stop: p.ctx.Done()})
	if err != nil {
		l.log.Error("drift correction refused", attrErr, err)
		return
	}
	l.finish(trigger, res, start)
}

// retry reconciles the failed connectors whose backoff has ended.
func (l *Loop) retry(p pass) {
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
	res, err := l.eng.Apply(p.work, planned, ApplyOptions{Gates: ungated, Stop: p.ctx.Done()})
	if err == nil {
		l.finish(TriggerRetry, res, now)
	}
}

// nextRetry is how long until the earliest failed connector is due.
func (l *Loop) nextRetry() time.Duration {
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

func (l *Loop) revision() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.status.LastGood == nil {
		return ""
	}
	return l.status.LastGood.ID
}
