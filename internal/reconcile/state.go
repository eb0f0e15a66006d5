package reconcile

import (
	"maps"
	"slices"
	"time"

	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
)

// ConnectorState is what the loop knows of one managed connector.
type ConnectorState string

// Connector states, as in chime_origination_connectors{state}.
const (
	StateInSync  ConnectorState = "in_sync"
	StateDrifted ConnectorState = "drifted" // live differs from the spec and is not being corrected (--drift=report)
	StateFailed  ConnectorState = "failed"  // the last attempt failed; retried with backoff
	StatePending ConnectorState = "pending" // not reconciled yet
)

// ConnectorStates lists every state, in the order operators read them.
func ConnectorStates() []ConnectorState {
	return []ConnectorState{StateInSync, StateDrifted, StateFailed, StatePending}
}

// AppliedChange is one write made by the loop, for the change log.
type AppliedChange struct {
	Time     time.Time                `json:"time"`
	Revision string                   `json:"revision"`
	Trigger  Trigger                  `json:"trigger"`
	Key      string                   `json:"key"`
	ID       string                   `json:"id"`
	Action   diff.Action              `json:"action"`
	Before   *origination.Origination `json:"before"`
	After    *origination.Origination `json:"after"`
}

// ConnectorStatus is what the loop knows of one managed connector, for
// /status and the status page.
type ConnectorStatus struct {
	Key     string                   `json:"key"`
	ID      string                   `json:"id,omitempty"`
	Name    string                   `json:"name,omitempty"`
	Region  string                   `json:"region,omitempty"`
	State   ConnectorState           `json:"state"`
	Error   string                   `json:"error,omitempty"`
	Desired *origination.Origination `json:"desired"`
	Absent  bool                     `json:"absent,omitempty"`
	// Live is the origination last read or written; nil when none or unknown.
	Live       *origination.Origination `json:"live"`
	LastChange *AppliedChange           `json:"last_change,omitempty"`
	NextRetry  *time.Time               `json:"next_retry,omitempty"`
	Failures   int                      `json:"failures,omitempty"`
}

// Revision describes a revision of the spec the loop has seen.
type Revision struct {
	ID       string    `json:"id"`
	Time     time.Time `json:"time,omitzero"`
	Accepted time.Time `json:"accepted,omitzero"`
}

// Overview is the loop's state for /status and the status page.
type Overview struct {
	Source string `json:"source"`
	// LastGood is the revision in force: the last valid, accepted one.
	LastGood *Revision `json:"last_good"`
	// Current is the newest revision seen; it differs from LastGood when it
	// is invalid or held.
	Current *Revision `json:"current"`
	// Invalid is the validation error of Current, if any.
	Invalid []schema.Diagnostic `json:"invalid,omitempty"`
	// Held says why Current is held by a safety gate, if it is.
	Held        []diff.Violation `json:"held,omitempty"`
	Ready       bool             `json:"ready"`
	LastSync    time.Time        `json:"last_sync,omitzero"`
	LastSuccess time.Time        `json:"last_success,omitzero"`
	LastError   string           `json:"last_error,omitempty"`
	// SourceError is why the last fetch of the source failed, if it did:
	// the revision in force stays, but it may no longer be the newest.
	SourceError string            `json:"source_error,omitempty"`
	Drift       DriftMode         `json:"drift"`
	Connectors  []ConnectorStatus `json:"connectors"`
	Changes     []AppliedChange   `json:"changes"`
	// Counts has every state, zero or not.
	Counts map[ConnectorState]int `json:"counts"`
}

// maxChanges bounds the change log kept for the status page.
const maxChanges = 50

// snapshot returns a deep enough copy of s for readers in other goroutines.
func (s *Overview) snapshot(conns map[string]*ConnectorStatus) Overview {
	out := *s
	out.Connectors = make([]ConnectorStatus, 0, len(conns))
	for _, k := range slices.Sorted(maps.Keys(conns)) {
		out.Connectors = append(out.Connectors, *conns[k])
	}
	out.Changes = slices.Clone(s.Changes)
	out.Counts = counts(conns)
	return out
}

func counts(conns map[string]*ConnectorStatus) map[ConnectorState]int {
	c := map[ConnectorState]int{}
	for _, s := range ConnectorStates() {
		c[s] = 0
	}
	for _, cs := range conns {
		c[cs.State]++
	}
	return c
}
