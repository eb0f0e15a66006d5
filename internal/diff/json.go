package diff

import (
	"encoding/json"
	"io"
	"math"

	"github.com/sipops/reconciler/internal/origination"
)

// FormatVersion is the version of the JSON rendering. It changes only when
// a field is removed or changes meaning; new fields may appear within a
// version.
const FormatVersion = "1"

// The JSON documents below are declared with their fields in lexical order,
// so that the output has sorted keys. doc.go documents every field.
type (
	jsonPlan struct {
		Changes       []jsonChange    `json:"changes"`
		FormatVersion string          `json:"format_version"`
		Pending       bool            `json:"pending"`
		Refused       []jsonRefusal   `json:"refused"`
		Revision      string          `json:"revision"`
		Summary       jsonSummary     `json:"summary"`
		Unknown       []string        `json:"unknown"`
		Violations    []jsonViolation `json:"violations"`
	}
	jsonSummary struct {
		Change  int `json:"change"`
		Create  int `json:"create"`
		Delete  int `json:"delete"`
		Noop    int `json:"noop"`
		Refused int `json:"refused"`
		Unknown int `json:"unknown"`
	}
	jsonRefusal struct {
		Action Action `json:"action"`
		ID     string `json:"id"`
		Key    string `json:"key"`
		Name   string `json:"name"`
		Reason string `json:"reason"`
		Region string `json:"region"`
	}
	jsonChange struct {
		Action   Action            `json:"action"`
		After    *jsonOrigination  `json:"after"`
		Before   *jsonOrigination  `json:"before"`
		Disabled *jsonFlag         `json:"disabled"`
		ID       string            `json:"id"`
		Key      string            `json:"key"`
		Name     string            `json:"name"`
		Region   string            `json:"region"`
		Routes   []jsonRouteChange `json:"routes"`
		Traffic  []jsonTier        `json:"traffic"`
	}
	jsonOrigination struct {
		Disabled bool        `json:"disabled"`
		Routes   []jsonRoute `json:"routes"`
	}
	jsonRoute struct {
		Host     string `json:"host"`
		Port     int    `json:"port"`
		Priority int    `json:"priority"`
		Protocol string `json:"protocol"`
		Weight   int    `json:"weight"`
	}
	jsonFlag struct {
		After  bool `json:"after"`
		Before bool `json:"before"`
	}
	jsonRouteChange struct {
		After     *jsonRoute     `json:"after"`
		Before    *jsonRoute     `json:"before"`
		Op        Op             `json:"op"`
		Preflight *jsonPreflight `json:"preflight,omitempty"`
		Route     string         `json:"route"`
	}
	jsonPreflight struct {
		Detail string `json:"detail"`
		OK     bool   `json:"ok"`
	}
	jsonTier struct {
		Priority int         `json:"priority"`
		Shares   []jsonShare `json:"shares"`
	}
	jsonShare struct {
		AfterPercent  float64 `json:"after_percent"`
		AfterWeight   int     `json:"after_weight"`
		BeforePercent float64 `json:"before_percent"`
		BeforeWeight  int     `json:"before_weight"`
		Route         string  `json:"route"`
	}
	jsonViolation struct {
		Keys    []string `json:"keys"`
		Kind    Kind     `json:"kind"`
		Message string   `json:"message"`
	}
)

// WriteJSON renders p as one indented JSON object, documented in the
// package documentation. Noop connectors are included, with action "noop".
// RenderOptions.Color is ignored.
func (p *Plan) WriteJSON(w io.Writer, o RenderOptions) error {
	s := p.Summary()
	doc := jsonPlan{
		Changes:       []jsonChange{},
		FormatVersion: FormatVersion,
		Pending:       p.Pending(),
		Refused:       []jsonRefusal{},
		Revision:      o.Revision,
		Summary:       jsonSummary{Change: s.Change, Create: s.Create, Delete: s.Delete, Noop: s.Noop, Refused: s.Refused, Unknown: s.Unknown},
		Unknown:       append([]string{}, p.Unknown...),
		Violations:    []jsonViolation{},
	}
	for _, c := range p.Changes {
		doc.Changes = append(doc.Changes, toJSONChange(c, o.Preflight))
	}
	for _, r := range p.Refused {
		doc.Refused = append(doc.Refused, jsonRefusal{Action: r.Action, ID: r.ID, Key: r.Key, Name: r.Name, Reason: r.Reason, Region: r.Region})
	}
	for _, v := range p.Check(o.Gates) {
		doc.Violations = append(doc.Violations, jsonViolation{Keys: v.Keys, Kind: v.Kind, Message: v.Message})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

func toJSONChange(c Change, pf map[origination.Key]Preflight) jsonChange {
	jc := jsonChange{
		Action: c.Action, After: toJSONOrigination(c.After), Before: toJSONOrigination(c.Before),
		ID: c.ID, Key: c.Key, Name: c.Name, Region: c.Region,
		Routes: []jsonRouteChange{}, Traffic: []jsonTier{},
	}
	if before, after, changed := c.DisabledChange(); changed {
		jc.Disabled = &jsonFlag{After: after, Before: before}
	}
	for _, rc := range c.Routes() {
		jrc := jsonRouteChange{
			After: toJSONRoute(rc.After), Before: toJSONRoute(rc.Before), Op: rc.Op, Route: rc.Key.String(),
		}
		if r, ok := preflightOf(pf, rc); ok {
			jrc.Preflight = &jsonPreflight{Detail: r.Detail, OK: r.OK}
		}
		jc.Routes = append(jc.Routes, jrc)
	}
	for _, t := range c.Traffic() {
		jc.Traffic = append(jc.Traffic, toJSONTier(t))
	}
	return jc
}

func toJSONOrigination(o *origination.Origination) *jsonOrigination {
	if o == nil {
		return nil
	}
	jo := &jsonOrigination{Disabled: o.Disabled, Routes: []jsonRoute{}}
	for _, r := range o.Clone().Normalize().Routes {
		jo.Routes = append(jo.Routes, *toJSONRoute(&r))
	}
	return jo
}

func toJSONRoute(r *origination.Route) *jsonRoute {
	if r == nil {
		return nil
	}
	return &jsonRoute{Host: r.Host, Port: r.Port, Priority: r.Priority, Protocol: r.Protocol, Weight: r.Weight}
}

func toJSONTier(t Tier) jsonTier {
	jt := jsonTier{Priority: t.Priority, Shares: []jsonShare{}}
	for _, s := range t.Shares {
		jt.Shares = append(jt.Shares, jsonShare{
			AfterPercent: tenth(s.After.Percent()), AfterWeight: s.After.Weight,
			BeforePercent: tenth(s.Before.Percent()), BeforeWeight: s.Before.Weight,
			Route: s.Key.String(),
		})
	}
	return jt
}

// tenth rounds a percentage to one decimal, so that output is stable.
func tenth(v float64) float64 { return math.Round(v*10) / 10 }
