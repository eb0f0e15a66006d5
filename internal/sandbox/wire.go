package sandbox

import (
	"encoding/json"
	"fmt"

	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
)

// This file is the private format between a Loader and its child: a
// request of files, and a spec whose settings' values travel as each
// kind's JSON, decoded in the parent by the kind of the same name
// (setting.Kind.Unmarshal). Parent and child are the same binary.

type request struct {
	Files         []schema.File `json:"files"`
	DefaultRegion string        `json:"default_region,omitempty"`
	MemoryBytes   uint64        `json:"memory_bytes"`
}

type response struct {
	Spec     *wireSpec           `json:"spec,omitempty"`
	Errors   []schema.Diagnostic `json:"errors,omitempty"`
	Warnings []schema.Diagnostic `json:"warnings,omitempty"`
	Err      string              `json:"err,omitempty"`
}

type wireSpec struct {
	Connectors []wireConnector     `json:"connectors"`
	Warnings   []schema.Diagnostic `json:"warnings,omitempty"`
}

type wireConnector struct {
	Key      string        `json:"key"`
	ID       string        `json:"id,omitempty"`
	Name     string        `json:"name,omitempty"`
	Region   string        `json:"region,omitempty"`
	Settings []wireSetting `json:"settings"`
	Pos      string        `json:"pos"`
}

type wireSetting struct {
	Kind   string          `json:"kind"`
	Absent bool            `json:"absent,omitempty"`
	Value  json.RawMessage `json:"value,omitempty"`
}

// toWire is the spec the child answers.
func toWire(s *schema.Spec) (*wireSpec, error) {
	w := &wireSpec{Connectors: make([]wireConnector, len(s.Connectors)), Warnings: s.Warnings}
	for i, c := range s.Connectors {
		wc := wireConnector{Key: c.Key, ID: c.ID, Name: c.Name, Region: c.Region, Pos: c.Pos}
		for _, d := range c.Settings {
			ws := wireSetting{Kind: d.Kind.Name(), Absent: d.Absent}
			if d.Value != nil {
				v, err := json.Marshal(d.Value)
				if err != nil {
					return nil, fmt.Errorf("%s: %s: %w", c.Key, ws.Kind, err)
				}
				ws.Value = v
			}
			wc.Settings = append(wc.Settings, ws)
		}
		w.Connectors[i] = wc
	}
	return w, nil
}

// fromWire is the spec the child answered, its values decoded by kinds.
func fromWire(w *wireSpec, kinds []setting.Kind) (*schema.Spec, error) {
	s := &schema.Spec{Connectors: make([]schema.DesiredConnector, len(w.Connectors)), Warnings: w.Warnings}
	for i, wc := range w.Connectors {
		c := schema.DesiredConnector{Key: wc.Key, ID: wc.ID, Name: wc.Name, Region: wc.Region, Pos: wc.Pos}
		for _, ws := range wc.Settings {
			k := setting.Named(kinds, ws.Kind)
			if k == nil {
				return nil, fmt.Errorf("%s: the spec evaluation answered setting %q, which the daemon does not manage", wc.Key, ws.Kind)
			}
			d := setting.Desired{Kind: k, Absent: ws.Absent}
			if len(ws.Value) > 0 {
				v, err := k.Unmarshal(ws.Value)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", wc.Key, err)
				}
				d.Value = v
			}
			c.Settings = append(c.Settings, d)
		}
		s.Connectors[i] = c
	}
	return s, nil
}
