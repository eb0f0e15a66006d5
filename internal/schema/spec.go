package schema

import (
	"bytes"
	"encoding/json"

	"github.com/sipops/reconciler/internal/setting"
)

// Spec is the validated, defaulted desired state of every Voice Connector a
// spec directory names. Connectors the spec does not name are not in it and
// are never touched.
type Spec struct {
	// Connectors sorted by Key.
	Connectors []DesiredConnector
	// Warnings found while loading; they do not make the spec invalid.
	Warnings []Diagnostic
}

// DesiredConnector is what the spec asks of one Voice Connector: how to
// find it, and what each setting it names must be.
type DesiredConnector struct {
	// Key is the connector's key under voiceConnectors, the operator's name for it.
	Key string
	// Exactly one of ID and Name is set. Name is resolved by listing the
	// connectors of Region.
	ID   string
	Name string
	// Region is the connector's AWS Region, defaulted from the loader options.
	Region string
	// Settings are the settings the spec names for the connector, in the
	// order of LoadOptions.Kinds; one it does not name is never read or
	// written.
	Settings []setting.Desired
	// Pos is where the connector is declared, as file:line:col.
	Pos string
}

// Ref returns how the connector is identified to the operator: its id, or name@region.
func (c DesiredConnector) Ref() string {
	if c.ID != "" {
		return c.ID
	}
	return c.Name + "@" + c.Region
}

// Setting returns what the spec asks of the setting name, if it names it.
func (c DesiredConnector) Setting(name string) (setting.Desired, bool) {
	for _, d := range c.Settings {
		if d.Kind.Name() == name {
			return d, true
		}
	}
	return setting.Desired{}, false
}

// Same reports whether c and e ask the same of the same connector.
func (c DesiredConnector) Same(e DesiredConnector) bool {
	if c.Key != e.Key || c.ID != e.ID || c.Name != e.Name || c.Region != e.Region || len(c.Settings) != len(e.Settings) {
		return false
	}
	for i := range c.Settings {
		if !c.Settings[i].Same(e.Settings[i]) {
			return false
		}
	}
	return true
}

// MarshalJSON renders the connector as validate --output json does: key,
// id, name, region, then each setting, then pos. Each setting is a member
// named after it holding its desired value ({"absent": true} when the spec
// deletes it), but for setting.Flat (origination), whose members are those
// of format 1: its value as "origination", and "absent": true.
func (c DesiredConnector) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	member := func(name string, v any, omit bool) error {
		if omit {
			return nil
		}
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(name)
		b.Write(key)
		b.WriteByte(':')
		b.Write(data)
		return nil
	}
	if err := member("key", c.Key, false); err != nil {
		return nil, err
	}
	for _, m := range []struct{ name, v string }{{"id", c.ID}, {"name", c.Name}, {"region", c.Region}} {
		if err := member(m.name, m.v, m.v == ""); err != nil {
			return nil, err
		}
	}
	for _, d := range c.Settings {
		name := d.Kind.Name()
		var err error
		switch {
		case name == setting.Flat:
			err = member("absent", true, !d.Absent)
			if err == nil {
				err = member(name, d.Value, d.Absent)
			}
		case d.Absent:
			err = member(name, map[string]bool{"absent": true}, false)
		default:
			err = member(name, d.Value, false)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := member("pos", c.Pos, false); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
