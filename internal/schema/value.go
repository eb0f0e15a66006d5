package schema

import (
	"bytes"
	"encoding/json"

	"cuelang.org/go/cue"

	"github.com/sipops/reconciler/internal/specdata"
)

// decoder walks an evaluated spec, collecting diagnostics and connectors.
//
// Each connector is exported from CUE once, as JSON, and walked as plain Go
// data (package specdata): every cue.Value method call builds an
// evaluation context, and calling a dozen of them per route made decoding
// cost more than evaluating. Positions are looked up in the CUE value only
// for the few nodes that get a diagnostic.
type decoder struct {
	opts  LoadOptions
	errs  []Diagnostic
	warns []Diagnostic
	out   []DesiredConnector
}

// source is the evaluated CUE value of one connector: the Reporter of its
// nodes, which finds where each node is in the operator's files.
type source struct {
	d   *decoder
	src cue.Value
}

var _ specdata.Reporter = source{}

// Report implements specdata.Reporter.
func (s source) Report(at specdata.Node, msg string, warning bool) {
	diag := diagAt(s.pos(at).Pos(), msg)
	if warning {
		s.d.warns = append(s.d.warns, diag)
		return
	}
	s.d.errs = append(s.d.errs, diag)
}

// Errors implements specdata.Reporter.
func (s source) Errors() int { return len(s.d.errs) }

// pos is where node at is in the operator's files.
func (s source) pos(at specdata.Node) cue.Value {
	path := at.Path()
	sels := make([]cue.Selector, len(path))
	for i, step := range path {
		if step.Field == "" {
			sels[i] = cue.Index(step.Index)
		} else {
			sels[i] = cue.Str(step.Field)
		}
	}
	return s.src.LookupPath(cue.MakePath(sels...))
}

// decodeJSON exports v, which must be concrete, as Go data.
func decodeJSON(v cue.Value) (any, error) {
	b, err := v.MarshalJSON()
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	return out, dec.Decode(&out)
}
