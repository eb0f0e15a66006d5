package reconcile

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
)

// OutcomeStatus is the outcome of one connector in an apply.
type OutcomeStatus string

// Statuses.
const (
	StatusUnchanged OutcomeStatus = "unchanged" // already as desired
	StatusApplied   OutcomeStatus = "applied"   // written and confirmed
	StatusConverged OutcomeStatus = "converged" // changed by someone else to the desired state since the plan
	StatusFailed    OutcomeStatus = "failed"
	StatusSkipped   OutcomeStatus = "skipped" // not written: ApplyOptions.Begin refused it
)

// Outcome is what happened to one connector.
type Outcome struct {
	Key    string        `json:"key"`
	ID     string        `json:"id,omitempty"`
	Region string        `json:"region,omitempty"`
	Action diff.Action   `json:"action,omitempty"`
	Status OutcomeStatus `json:"status"`
	// Replanned: the origination changed between the plan and the write,
	// so the connector was planned again from what it had become.
	Replanned bool                     `json:"replanned,omitempty"`
	Before    *origination.Origination `json:"before"`
	After     *origination.Origination `json:"after"`
	Err       error                    `json:"-"`
	Error     string                   `json:"error,omitempty"`
}

// Fail returns o failed with err.
func (o Outcome) Fail(err error) Outcome {
	o.Status, o.Err, o.Error = StatusFailed, err, err.Error()
	return o
}

// Result lists the outcome of every connector of an apply, sorted by key.
type Result struct {
	Revision string    `json:"revision"`
	Outcomes []Outcome `json:"outcomes"`
}

// Converged reports whether every connector is now as desired.
func (r *Result) Converged() bool { return r.Count(StatusFailed) == 0 }

// Count returns how many connectors ended with status s.
func (r *Result) Count(s OutcomeStatus) int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Status == s {
			n++
		}
	}
	return n
}

// WriteText renders the outcomes that are not "unchanged", then a summary.
func (r *Result) WriteText(w io.Writer) error {
	for _, o := range r.Outcomes {
		var err error
		switch o.Status {
		case StatusApplied:
			_, err = fmt.Fprintf(w, "  applied   %s (%s): %s\n", o.Key, o.ID, o.Action)
		case StatusConverged:
			_, err = fmt.Fprintf(w, "  converged %s (%s): already changed to the desired state by someone else\n", o.Key, o.ID)
		case StatusFailed:
			_, err = fmt.Fprintf(w, "  FAILED    %s: %v\n", o.Key, o.Err)
		}
		if err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "\nApply: %d applied, %d converged, %d unchanged, %d failed.\n",
		r.Count(StatusApplied), r.Count(StatusConverged), r.Count(StatusUnchanged), r.Count(StatusFailed))
	return err
}

// WriteJSON renders the result as one JSON object.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
