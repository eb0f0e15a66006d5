package origination

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/sipops/reconciler/internal/markdown"
	"github.com/sipops/reconciler/internal/setting"
)

// This file holds origination's part of the renderings of a plan: the
// headline of a change, its route changes and traffic effect as text, its
// JSON members, and the preflight section of a pull-request comment.

// Summary implements setting.Kind.
func (k *Kind) Summary(ch setting.Change) setting.Summary {
	s := setting.Summary{Op: setting.Modify, Headline: "change origination"}
	before, after := changeOf(ch)
	switch {
	case ch.Action == setting.Delete:
		s.Op, s.Headline = setting.Remove, "delete origination ("+countRoutes(before)+")"
	case ch.Creates():
		s.Op, s.Headline = setting.Add, "create origination ("+countRoutes(after)+")"
	}
	s.Refused = s.Headline
	if b, a, changed := DisabledChange(before, after); changed && a && !b {
		s.Refused = "disable origination"
	}
	return s
}

func countRoutes(o *Origination) string {
	s := fmt.Sprintf("%d routes", len(o.Routes))
	if len(o.Routes) == 1 {
		s = "1 route"
	}
	if o.Disabled {
		s += ", disabled"
	}
	return s
}

// Details implements setting.Kind: the disabled flag and the route
// changes, each added or changed route with its preflight result, then the
// traffic effect per tier.
func (k *Kind) Details(p *setting.Printer, indent string, ch setting.Change) {
	before, after := changeOf(ch)
	routes, tiers := Routes(before, after), Traffic(before, after)
	pf := preflightOf(ch)
	width := keyWidth(routes, tiers)
	if b, a, changed := DisabledChange(before, after); changed {
		p.Line("%s%s disabled %t → %t", indent, p.Op(setting.Modify), b, a)
	}
	for _, rc := range routes {
		if r, ok := probeOf(pf, rc); ok {
			p.Line("%s%s %-*s  %s   %s", indent, p.Op(rc.Op), width, rc.Key, routeDetail(rc), r)
			continue
		}
		p.Line("%s%s %-*s  %s", indent, p.Op(rc.Op), width, rc.Key, routeDetail(rc))
	}
	for _, t := range tiers {
		p.Line("%straffic, priority %d:", indent, t.Priority)
		for _, s := range t.Shares {
			p.Line("%s  %-*s  %4s → %4s", indent, width, s.Key, percent(s.Before), percent(s.After))
		}
	}
}

// probeOf returns the preflight result of an added or changed route.
func probeOf(pf map[Key]Probe, rc RouteChange) (Probe, bool) {
	if rc.Op == setting.Remove {
		return Probe{}, false
	}
	r, ok := pf[rc.Key]
	return r, ok
}

// routeDetail is "priority 2 weight 50" for an added or removed route, and
// only what changed, old → new, for a modified one.
func routeDetail(rc RouteChange) string {
	if rc.Op != setting.Modify {
		r := rc.After
		if r == nil {
			r = rc.Before
		}
		return fmt.Sprintf("priority %d weight %d", r.Priority, r.Weight)
	}
	var parts []string
	if rc.Before.Priority != rc.After.Priority {
		parts = append(parts, fmt.Sprintf("priority %d → %d", rc.Before.Priority, rc.After.Priority))
	}
	if rc.Before.Weight != rc.After.Weight {
		parts = append(parts, fmt.Sprintf("weight %d → %d", rc.Before.Weight, rc.After.Weight))
	}
	return strings.Join(parts, " ")
}

// percent shows a share rounded to a whole percent, but never rounds a
// share that is not 0% or 100% to one that is.
func percent(p Portion) string {
	v := p.Percent()
	switch {
	case v > 0 && v < 1:
		return "<1%"
	case v > 99 && v < 100:
		return ">99%"
	}
	return fmt.Sprintf("%.0f%%", v)
}

func keyWidth(routes []RouteChange, tiers []Tier) int {
	w := 0
	for _, rc := range routes {
		w = max(w, len(rc.Key.String()))
	}
	for _, t := range tiers {
		for _, s := range t.Shares {
			w = max(w, len(s.Key.String()))
		}
	}
	return w
}

// The members of a change in plan --output json, declared with their
// fields in lexical order, so that the output has sorted keys. Package
// diff's doc documents every one.
type (
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
		Op        setting.Op     `json:"op"`
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
)

// JSON implements setting.Kind: action, before, after, disabled, routes
// and traffic, which format 1 of the plan keeps at the top of the
// connector's object.
func (k *Kind) JSON(ch setting.Change) map[string]any {
	before, after := changeOf(ch)
	m := map[string]any{
		"action": ch.Action, "after": toJSONOrigination(after), "before": toJSONOrigination(before),
		"disabled": (*jsonFlag)(nil), "routes": []jsonRouteChange{}, "traffic": []jsonTier{},
	}
	if b, a, changed := DisabledChange(before, after); changed {
		m["disabled"] = &jsonFlag{After: a, Before: b}
	}
	pf := preflightOf(ch)
	var routes []jsonRouteChange
	for _, rc := range Routes(before, after) {
		jrc := jsonRouteChange{After: toJSONRoute(rc.After), Before: toJSONRoute(rc.Before), Op: rc.Op, Route: rc.Key.String()}
		if r, ok := probeOf(pf, rc); ok {
			jrc.Preflight = &jsonPreflight{Detail: r.Detail, OK: r.OK}
		}
		routes = append(routes, jrc)
	}
	if routes != nil {
		m["routes"] = routes
	}
	var tiers []jsonTier
	for _, t := range Traffic(before, after) {
		tiers = append(tiers, toJSONTier(t))
	}
	if tiers != nil {
		m["traffic"] = tiers
	}
	return m
}

func toJSONOrigination(o *Origination) *jsonOrigination {
	if o == nil {
		return nil
	}
	jo := &jsonOrigination{Disabled: o.Disabled, Routes: []jsonRoute{}}
	for _, r := range o.Clone().Normalize().Routes {
		jo.Routes = append(jo.Routes, *toJSONRoute(&r))
	}
	return jo
}

func toJSONRoute(r *Route) *jsonRoute {
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

// Sections implements setting.Kind: the preflight results of the routes
// the changes show, once per route.
func (k *Kind) Sections(changes []setting.Change) []setting.Section {
	results := map[Key]Probe{}
	for _, ch := range changes {
		pf := preflightOf(ch)
		for _, rc := range Routes(changeOf(ch)) {
			if r, ok := probeOf(pf, rc); ok {
				results[rc.Key] = r
			}
		}
	}
	if len(results) == 0 {
		return nil
	}
	keys := make([]Key, 0, len(results))
	for k := range results {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareKeys)
	s := setting.Section{Heading: "\n### Preflight\n\n| Route | Result |\n| --- | --- |\n", One: "preflight result", Many: "preflight results"}
	for _, key := range keys {
		result := "**FAILED**: "
		if results[key].OK {
			result = "ok: "
		}
		s.Entries = append(s.Entries, fmt.Sprintf("| %s | %s%s |\n", markdown.Cell(key.String()), result, markdown.Text(results[key].Detail)))
	}
	return []setting.Section{s}
}
