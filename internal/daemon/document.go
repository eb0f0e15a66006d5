package daemon

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/sipops/reconciler/internal/reconcile"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/suspension"
)

// This file is the /status document, the Overview as JSON, both ways:
// written by /status and the control socket, read back by "reconciler
// status" and tests, with the kinds of setting that decode its values. The
// Overview's other members marshal by their struct tags.

// connectorDoc is a connector of the document. V holds its setting values,
// C its last change: setting.Value and AppliedChange to write them,
// json.RawMessage and changeDoc to read them. Desired, Absent and Live are
// those of setting.Flat (origination), where format 1 has them; Settings
// has every setting by name.
type connectorDoc[V, C any] struct {
	Key        string                   `json:"key"`
	ID         string                   `json:"id,omitempty"`
	Name       string                   `json:"name,omitempty"`
	Region     string                   `json:"region,omitempty"`
	State      ConnectorState           `json:"state"`
	Error      string                   `json:"error,omitempty"`
	Desired    V                        `json:"desired"`
	Absent     bool                     `json:"absent,omitempty"`
	Live       V                        `json:"live"`
	Settings   map[string]settingDoc[V] `json:"settings"`
	LastChange *C                       `json:"last_change,omitempty"`
	NextRetry  *time.Time               `json:"next_retry,omitempty"`
	Failures   int                      `json:"failures,omitempty"`
	ErrorClass reconcile.ErrorClass     `json:"error_class,omitempty"`
	Suspension *suspension.Suspension   `json:"suspension,omitempty"`
	Differs    bool                     `json:"differs,omitempty"`
}

type settingDoc[V any] struct {
	Desired V    `json:"desired"`
	Absent  bool `json:"absent,omitempty"`
	Live    V    `json:"live"`
	Differs bool `json:"differs,omitempty"`
}

// changeDoc reads an AppliedChange of the document: its values stay raw
// until the kind of its setting decodes them (a change without a Setting,
// a suspension, holds values of setting.Flat). Before and After shadow
// those of AppliedChange for encoding/json, being less deeply nested.
type changeDoc struct {
	AppliedChange
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// MarshalJSON renders the connector as /status shows it.
func (c ConnectorStatus) MarshalJSON() ([]byte, error) {
	d := connectorDoc[setting.Value, AppliedChange]{Key: c.Key, ID: c.ID, Name: c.Name, Region: c.Region, State: c.State, Error: c.Error,
		Settings: map[string]settingDoc[setting.Value]{}, NextRetry: c.NextRetry, Failures: c.Failures,
		ErrorClass: c.ErrorClass, Suspension: c.Suspension, Differs: c.Differs, LastChange: c.LastChange}
	for _, s := range c.Settings {
		d.Settings[s.Kind.Name()] = settingDoc[setting.Value]{Desired: s.Desired, Absent: s.Absent, Live: s.Live, Differs: s.Differs}
	}
	if s, ok := c.Setting(setting.Flat); ok {
		d.Desired, d.Absent, d.Live = s.Desired, s.Absent, s.Live
	}
	return json.Marshal(d)
}

// ParseOverview reads a /status document, or the overview of a control
// socket's status reply; kinds decode the settings' values. A setting no
// kind knows is an error: the daemon manages more than this reconciler
// knows of, its binary is newer.
func ParseOverview(data []byte, kinds []setting.Kind) (Overview, error) {
	var d struct {
		Overview
		Connectors []connectorDoc[json.RawMessage, changeDoc] `json:"connectors"`
		Changes    []changeDoc                                `json:"changes"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return Overview{}, fmt.Errorf("read the status: %w", err)
	}
	r := docReader{kinds: kinds}
	o := d.Overview
	o.Connectors, o.Changes = nil, nil
	for _, c := range d.Connectors {
		o.Connectors = append(o.Connectors, r.connector(c))
	}
	for _, c := range d.Changes {
		o.Changes = append(o.Changes, r.change(c))
	}
	if r.err != nil {
		return Overview{}, fmt.Errorf("read the status: %w", r.err)
	}
	return o, nil
}

// docReader decodes the values of a document, keeping the first error.
type docReader struct {
	kinds []setting.Kind
	err   error
}

func (r *docReader) connector(d connectorDoc[json.RawMessage, changeDoc]) ConnectorStatus {
	c := ConnectorStatus{Key: d.Key, ID: d.ID, Name: d.Name, Region: d.Region, State: d.State, Error: d.Error,
		NextRetry: d.NextRetry, Failures: d.Failures, ErrorClass: d.ErrorClass, Suspension: d.Suspension, Differs: d.Differs}
	for name := range d.Settings {
		if setting.Named(r.kinds, name) == nil && r.err == nil {
			r.err = fmt.Errorf("connector %s: setting %q is not one this reconciler knows: use the daemon's binary", d.Key, name)
		}
	}
	for _, k := range r.kinds { // in the order of kinds, as the loop lists them
		s, ok := d.Settings[k.Name()]
		if !ok {
			continue
		}
		c.Settings = append(c.Settings, SettingStatus{Kind: k, Desired: r.value(k, s.Desired), Absent: s.Absent,
			Live: r.value(k, s.Live), Differs: s.Differs})
	}
	if d.LastChange != nil {
		ch := r.change(*d.LastChange)
		c.LastChange = &ch
	}
	return c
}

func (r *docReader) change(d changeDoc) AppliedChange {
	c := d.AppliedChange
	name := d.Setting
	if name == "" {
		name = setting.Flat
	}
	k := setting.Named(r.kinds, name)
	if k == nil {
		if d.Setting != "" && r.err == nil {
			r.err = fmt.Errorf("change of %s: setting %q is not one this reconciler knows: use the daemon's binary", d.Key, d.Setting)
		}
		return c
	}
	c.Before, c.After = r.value(k, d.Before), r.value(k, d.After)
	return c
}

// value decodes raw with k; JSON null, or nothing, is no value.
func (r *docReader) value(k setting.Kind, raw json.RawMessage) setting.Value {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	v, err := k.Unmarshal(raw)
	if err != nil && r.err == nil {
		r.err = err
	}
	return v
}
