package diff

import (
	"encoding/json"
	"io"

	"github.com/sipops/reconciler/internal/setting"
)

// FormatVersion is the version of the JSON rendering. It changes only when
// a field is removed or changes meaning; new fields may appear within a
// version.
const FormatVersion = "1"

// The JSON documents below are declared with their fields in lexical order,
// so that the output has sorted keys. doc.go documents every field.
type (
	jsonPlan struct {
		Changes       []map[string]any `json:"changes"`
		FormatVersion string           `json:"format_version"`
		Pending       bool             `json:"pending"`
		Refused       []map[string]any `json:"refused"`
		Revision      string           `json:"revision"`
		Summary       jsonSummary      `json:"summary"`
		Unknown       []string         `json:"unknown"`
		Violations    []jsonViolation  `json:"violations"`
	}
	jsonSummary struct {
		Change  int `json:"change"`
		Create  int `json:"create"`
		Delete  int `json:"delete"`
		Noop    int `json:"noop"`
		Refused int `json:"refused"`
		Unknown int `json:"unknown"`
	}
	jsonViolation struct {
		Keys    []string     `json:"keys"`
		Kind    setting.Gate `json:"kind"`
		Message string       `json:"message"`
	}
)

// WriteJSON renders p as one indented JSON object, documented in the
// package documentation. Noop connectors are included, with action "noop".
// RenderOptions.Color is ignored.
func (p *Plan) WriteJSON(w io.Writer, o RenderOptions) error {
	s := p.Summary()
	doc := jsonPlan{
		Changes:       []map[string]any{},
		FormatVersion: FormatVersion,
		Pending:       p.Pending(),
		Refused:       []map[string]any{},
		Revision:      o.Revision,
		Summary:       jsonSummary{Change: s.Change, Create: s.Create, Delete: s.Delete, Noop: s.Noop, Refused: s.Refused, Unknown: s.Unknown},
		Unknown:       append([]string{}, p.Unknown...),
		Violations:    []jsonViolation{},
	}
	for _, c := range p.Changes {
		m := connectorJSON(c.Connector)
		for _, ch := range c.Settings {
			members(m, ch.Kind.Name(), ch.Kind.JSON(ch))
		}
		doc.Changes = append(doc.Changes, m)
	}
	for _, r := range p.Refused {
		m := connectorJSON(r.Connector)
		ch := r.refused()
		members(m, ch.Kind.Name(), map[string]any{"action": ch.Action})
		m["reason"] = r.Reason
		doc.Refused = append(doc.Refused, m)
	}
	for _, v := range p.Check(o.Gates) {
		doc.Violations = append(doc.Violations, jsonViolation{Keys: v.Keys, Kind: v.Kind, Message: v.Message})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// connectorJSON is the members of a connector's object every setting's
// join: the maps marshal with their keys sorted.
func connectorJSON(c setting.Connector) map[string]any {
	return map[string]any{"id": c.ID, "key": c.Key, "name": c.Name, "region": c.Region}
}

// members adds a setting's members to its connector's object m: at the
// top for setting.Flat (origination), as format 1 has them; in a member
// named after the setting for any other.
func members(m map[string]any, name string, ms map[string]any) {
	if name != setting.Flat {
		m[name] = ms
		return
	}
	for k, v := range ms {
		m[k] = v
	}
}
