package daemon

import (
	"time"

	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/suspension"
)

// Recorder receives the loop's metrics. metrics.Metrics implements it; nil
// in Options records nothing.
type Recorder interface {
	ReconcileDone(trigger Trigger, result PassResult, d time.Duration)
	LastSuccess(t time.Time)
	SetRevision(source, revision string)
	SetSpecValid(bool)
	SetConnectors(counts map[ConnectorState]int)
	DriftDetected(n int)
	Change(action diff.Action, ok bool)
	SetHeld(bool)
	// SetSuspensions reports every suspension in force, on every change.
	SetSuspensions([]suspension.Suspension)
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
func (nopRecorder) SetSuspensions([]suspension.Suspension)           {}
