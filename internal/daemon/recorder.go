package daemon

import (
	"time"

	"github.com/sipops/reconciler/internal/setting"
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
	// DriftDetected counts n connectors found with setting drifted.
	DriftDetected(setting string, n int)
	// Change counts one write of setting, and whether it succeeded.
	Change(setting string, action setting.Action, ok bool)
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
func (nopRecorder) DriftDetected(string, int)                        {}
func (nopRecorder) Change(string, setting.Action, bool)              {}
func (nopRecorder) SetHeld(bool)                                     {}
func (nopRecorder) SetSuspensions([]suspension.Suspension)           {}
