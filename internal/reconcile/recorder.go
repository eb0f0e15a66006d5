package reconcile

import (
	"time"

	"github.com/sipops/reconciler/internal/diff"
)

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

// Trigger is what started a reconcile pass, as in
// chime_origination_reconcile_total{trigger}.
type Trigger string

// Triggers.
const (
	TriggerRevision Trigger = "revision" // a new revision, polled or fetched on a webhook
	TriggerDrift    Trigger = "drift"    // the drift timer
	TriggerReload   Trigger = "reload"   // SIGHUP
	TriggerRetry    Trigger = "retry"    // the backoff of a failed connector ended
)

// Triggers lists every trigger the loop reports, so that metrics can start
// each series at zero.
func Triggers() []Trigger {
	return []Trigger{TriggerRevision, TriggerDrift, TriggerReload, TriggerRetry}
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
