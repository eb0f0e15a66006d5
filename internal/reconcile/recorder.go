package reconcile

import "time"

// Recorder receives the loop's metrics. metrics.Metrics implements it; tests
// may pass nil.
type Recorder interface {
	ReconcileDone(trigger, result string, d time.Duration)
	LastSuccess(t time.Time)
	SetRevision(source, revision string)
	SetSpecValid(bool)
	SetConnectors(inSync, drifted, failed, pending int)
	DriftDetected(n int)
	Change(action, result string)
	SetHeld(bool)
}

type nopRecorder struct{}

func (nopRecorder) ReconcileDone(string, string, time.Duration) {}
func (nopRecorder) LastSuccess(time.Time)                       {}
func (nopRecorder) SetRevision(string, string)                  {}
func (nopRecorder) SetSpecValid(bool)                           {}
func (nopRecorder) SetConnectors(int, int, int, int)            {}
func (nopRecorder) DriftDetected(int)                           {}
func (nopRecorder) Change(string, string)                       {}
func (nopRecorder) SetHeld(bool)                                {}

// Triggers of a reconcile pass, as in chime_origination_reconcile_total.
const (
	TriggerRevision = "revision"
	TriggerDrift    = "drift"
	TriggerReload   = "reload"
	TriggerRetry    = "retry"
)

// Results of a pass.
const (
	ResultSuccess = "success"
	ResultFailure = "failure"
	ResultHeld    = "held"
	ResultInvalid = "invalid"
)
