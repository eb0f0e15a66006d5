package reconcile

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/sipops/reconciler/internal/setting"
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
	Key    string
	ID     string
	Region string
	Status OutcomeStatus
	// Settings say what happened to each setting the spec names, in the
	// order of kinds; none for a connector that could not be read.
	Settings []SettingOutcome
	Err      error
	Error    string
}

// SettingOutcome is what happened to one setting of a connector.
type SettingOutcome struct {
	Kind setting.Kind
	// Action is what was, or would have been, written; "" for a setting
	// of a connector that failed before it was planned.
	Action setting.Action
	// Before is what the setting held, After what it holds if the write
	// succeeded.
	Before, After setting.Value
	// Replanned: the setting changed between the plan and the write, so
	// it was planned again from what it had become.
	Replanned bool
}

// Setting returns what happened to the setting name, if the spec names it.
func (o Outcome) Setting(name string) (SettingOutcome, bool) {
	for _, s := range o.Settings {
		if s.Kind.Name() == name {
			return s, true
		}
	}
	return SettingOutcome{}, false
}

// Writes returns the settings of o that were, or were to be, written.
func (o Outcome) Writes() []SettingOutcome {
	var out []SettingOutcome
	for _, s := range o.Settings {
		if s.Action != "" && s.Action != setting.Noop {
			out = append(out, s)
		}
	}
	return out
}

// Fail returns o failed with err.
func (o Outcome) Fail(err error) Outcome {
	o.Status, o.Err, o.Error = StatusFailed, err, err.Error()
	return o
}

// MarshalJSON renders o as apply --output json does: key, id, region,
// the members of setting.Flat (origination: action, status, replanned,
// before, after, where format 1 has them), each other setting in a member
// named after it, and error.
func (o Outcome) MarshalJSON() ([]byte, error) {
	type flat struct {
		Key       string         `json:"key"`
		ID        string         `json:"id,omitempty"`
		Region    string         `json:"region,omitempty"`
		Action    setting.Action `json:"action,omitempty"`
		Status    OutcomeStatus  `json:"status"`
		Replanned bool           `json:"replanned,omitempty"`
		Before    setting.Value  `json:"before"`
		After     setting.Value  `json:"after"`
	}
	f := flat{Key: o.Key, ID: o.ID, Region: o.Region, Status: o.Status}
	if s, ok := o.Setting(setting.Flat); ok {
		f.Action, f.Replanned, f.Before, f.After = s.Action, s.Replanned, s.Before, s.After
	}
	b, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	rest := map[string]any{}
	for _, s := range o.Settings {
		if s.Kind.Name() != setting.Flat {
			rest[s.Kind.Name()] = map[string]any{"action": s.Action, "replanned": s.Replanned, "before": s.Before, "after": s.After}
		}
	}
	if o.Error != "" {
		rest["error"] = o.Error
	}
	if len(rest) == 0 {
		return b, nil
	}
	more, err := json.Marshal(rest)
	if err != nil {
		return nil, err
	}
	return append(append(b[:len(b)-1], ','), more[1:]...), nil
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
			_, err = fmt.Fprintf(w, "  applied   %s (%s): %s\n", o.Key, o.ID, actions(o))
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

// actions says what an apply wrote to a connector: the action alone when
// it wrote one setting ("put"), each setting's when it wrote several
// ("origination put, termination delete").
func actions(o Outcome) string {
	w := o.Writes()
	if len(w) == 1 {
		return string(w[0].Action)
	}
	parts := make([]string, len(w))
	for i, s := range w {
		parts[i] = s.Kind.Name() + " " + string(s.Action)
	}
	return strings.Join(parts, ", ")
}

// WriteJSON renders the result as one JSON object.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
