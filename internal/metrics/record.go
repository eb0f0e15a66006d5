package metrics

import (
	"time"
)

// ReconcileDone counts a finished pass and observes its duration.
func (m *Metrics) ReconcileDone(trigger, result string, d time.Duration) {
	m.reconciles.WithLabelValues(trigger, result).Inc()
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

// SetConnectors sets the count of managed connectors in each state.
func (m *Metrics) SetConnectors(inSync, drifted, failed, pending int) {
	m.connectors.WithLabelValues(stateInSync).Set(float64(inSync))
	m.connectors.WithLabelValues(stateDrifted).Set(float64(drifted))
	m.connectors.WithLabelValues(stateFailed).Set(float64(failed))
	m.connectors.WithLabelValues(statePending).Set(float64(pending))
}

// DriftDetected adds n connectors found drifted by a check.
func (m *Metrics) DriftDetected(n int) {
	if n > 0 {
		m.drift.Add(float64(n))
	}
}

// Change counts one write: action is "put" or "delete", result "success" or
// "failure".
func (m *Metrics) Change(action, result string) { m.changes.WithLabelValues(action, result).Inc() }

// SourceFetched counts a fetch of the spec source; a successful one at time
// at also sets the last-fetch timestamp.
func (m *Metrics) SourceFetched(err error, at time.Time) {
	if err != nil {
		m.fetches.WithLabelValues(resultFailure).Inc()
		return
	}
	m.fetches.WithLabelValues(resultSuccess).Inc()
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

// Throttle implements chime.Observer.
func (m *Metrics) Throttle(_, operation string) { m.apiThrottled.WithLabelValues(operation).Inc() }

func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

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
