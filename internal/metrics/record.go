package metrics

import (
	"time"

	"github.com/sipops/reconciler/internal/daemon"
	"github.com/sipops/reconciler/internal/setting"
)

// ReconcileDone counts a finished pass and observes its duration.
func (m *Metrics) ReconcileDone(trigger daemon.Trigger, result daemon.PassResult, d time.Duration) {
	m.reconciles.WithLabelValues(string(trigger), string(result)).Inc()
	m.reconcileTime.Observe(d.Seconds())
}

// LastSuccess records the time of a pass that converged.
func (m *Metrics) LastSuccess(t time.Time) { m.lastSuccess.Set(unixSeconds(t)) }

// SetRevision makes revision, from source, the one revision_info reports.
func (m *Metrics) SetRevision(source, revision string) { m.revision.update(source, revision) }

// SetSpecValid records whether the latest revision passed validation.
func (m *Metrics) SetSpecValid(ok bool) { m.specValid.WithLabelValues().Set(boolValue(ok)) }

// SetHeld records whether a new revision is held back by a safety gate.
func (m *Metrics) SetHeld(held bool) { m.held.Set(boolValue(held)) }

// SetReloadSuccessful records whether the last configuration reload worked.
func (m *Metrics) SetReloadSuccessful(ok bool) { m.reloadOK.Set(boolValue(ok)) }

// SetConnectors sets the count of managed connectors in each state; a
// state counts has no entry for is set to 0, so every series stays.
func (m *Metrics) SetConnectors(counts map[daemon.ConnectorState]int) {
	for _, s := range daemon.ConnectorStates() {
		m.connectors.WithLabelValues(string(s)).Set(float64(counts[s]))
	}
}

// DriftDetected adds n connectors whose setting a check found drifted.
func (m *Metrics) DriftDetected(setting string, n int) {
	if n > 0 {
		m.drift.WithLabelValues(setting).Add(float64(n))
	}
}

// Change counts one write of a setting (a put or a delete) and whether it
// succeeded.
func (m *Metrics) Change(setting string, action setting.Action, ok bool) {
	m.changes.WithLabelValues(setting, string(action), outcome(ok)).Inc()
}

// SourceFetched counts a fetch of the spec source; a successful one at time
// at also sets the last-fetch timestamp.
func (m *Metrics) SourceFetched(err error, at time.Time) {
	m.fetches.WithLabelValues(outcome(err == nil)).Inc()
	if err != nil {
		return
	}
	m.lastFetch.Set(unixSeconds(at))
}

// Request implements chime.Observer. The region is not a label: one daemon
// rarely spans many regions, and the operation is what an operator acts on.
func (m *Metrics) Request(_, operation, code string, d time.Duration) {
	m.apiRequests.WithLabelValues(operation, code).Inc()
	m.apiTime.WithLabelValues(operation).Observe(d.Seconds())
}

// Retry implements chime.Observer.
func (m *Metrics) Retry(_, operation string) { m.apiRetries.WithLabelValues(operation).Inc() }

// RateLimit implements chime.RateObserver: the client-side rate of a
// region, set when its limiter starts and at every adaptive change. Unlike
// the request counters it is by region: each region finds its own rate.
func (m *Metrics) RateLimit(region string, perSecond float64) {
	m.apiRate.WithLabelValues(region).Set(perSecond)
}

// Throttle implements chime.Observer.
func (m *Metrics) Throttle(_, operation string) { m.apiThrottled.WithLabelValues(operation).Inc() }

func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// outcome is the result label of writes and fetches.
func outcome(ok bool) string {
	if ok {
		return resultSuccess
	}
	return resultFailure
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// PreflightDone counts one preflight check of a route.
func (m *Metrics) PreflightDone(ok bool) {
	r := preflightFail
	if ok {
		r = preflightOK
	}
	m.preflight.WithLabelValues(r).Inc()
}

// SetElection says that this daemon runs the leader election of key: its
// leader gauge, labelled with the key, starts at 0 (standby). Call it once,
// before the election starts and before the first scrape.
func (m *Metrics) SetElection(key string) {
	m.leader.DeleteLabelValues("")
	m.leaderNow = m.leader.WithLabelValues(key)
	m.leaderNow.Set(0)
}

// LeaderChanged implements leader.Observer: this daemon became leader, or
// stopped being it.
func (m *Metrics) LeaderChanged(leading bool) {
	m.leaderNow.Set(boolValue(leading))
	m.leaderChanges.Inc()
}
