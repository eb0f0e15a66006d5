package schema

import "github.com/sipops/reconciler/internal/origination"

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
// find it and the origination it must have.
type DesiredConnector struct {
	// Key is the connector's key under voiceConnectors, the operator's name for it.
	Key string `json:"key"`
	// Exactly one of ID and Name is set. Name is resolved by listing the
	// connectors of Region.
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
	// Region is the connector's AWS Region, defaulted from the loader options.
	Region string `json:"region,omitempty"`
	// Absent asks for the origination to be deleted. Origination is nil then.
	Absent      bool                     `json:"absent,omitempty"`
	Origination *origination.Origination `json:"origination,omitempty"`
	// Pos is where the connector is declared, as file:line:col.
	Pos string `json:"pos"`
}

// Ref returns how the connector is identified to the operator: its id, or name@region.
func (c DesiredConnector) Ref() string {
	if c.ID != "" {
		return c.ID
	}
	return c.Name + "@" + c.Region
}
