package diff

import (
	"fmt"
	"strings"

	"github.com/sipops/reconciler/internal/origination"
)

// writeChange renders one non-noop connector: a header line, then its
// details.
func writeChange(pr *printer, c Change, pf map[origination.Key]Preflight) {
	pr.line("  %s %s: %s", pr.op(headerOp(c)), ident(c), headline(c))
	writeDetails(pr, "      ", c, pf)
}

// writeDetails renders the disabled flag and route changes of c, then the
// traffic effect per tier, each line starting with indent. The Markdown
// rendering shows the same lines in a code block.
func writeDetails(pr *printer, indent string, c Change, pf map[origination.Key]Preflight) {
	routes, tiers := c.Routes(), c.Traffic()
	width := keyWidth(routes, tiers)
	if before, after, changed := c.DisabledChange(); changed {
		pr.line("%s%s disabled %t → %t", indent, pr.op(Modify), before, after)
	}
	for _, rc := range routes {
		if r, ok := preflightOf(pf, rc); ok {
			pr.line("%s%s %-*s  %s   %s", indent, pr.op(rc.Op), width, rc.Key, routeDetail(rc), r)
			continue
		}
		pr.line("%s%s %-*s  %s", indent, pr.op(rc.Op), width, rc.Key, routeDetail(rc))
	}
	for _, t := range tiers {
		pr.line("%straffic, priority %d:", indent, t.Priority)
		for _, s := range t.Shares {
			pr.line("%s  %-*s  %4s → %4s", indent, width, s.Key, percent(s.Before), percent(s.After))
		}
	}
}

// preflightOf returns the preflight result of an added or changed route.
func preflightOf(pf map[origination.Key]Preflight, rc RouteChange) (Preflight, bool) {
	if rc.Op == Remove {
		return Preflight{}, false
	}
	r, ok := pf[rc.Key]
	return r, ok
}

func headerOp(c Change) Op {
	switch {
	case c.Action == Delete:
		return Remove
	case c.Creates():
		return Add
	}
	return Modify
}

func headline(c Change) string {
	switch {
	case c.Action == Delete:
		return "delete origination (" + countRoutes(c.Before) + ")"
	case c.Creates():
		return "create origination (" + countRoutes(c.After) + ")"
	}
	return "change origination"
}

func countRoutes(o *origination.Origination) string {
	s := fmt.Sprintf("%d routes", len(o.Routes))
	if len(o.Routes) == 1 {
		s = "1 route"
	}
	if o.Disabled {
		s += ", disabled"
	}
	return s
}

// routeDetail is "priority 2 weight 50" for an added or removed route, and
// only what changed, old → new, for a modified one.
func routeDetail(rc RouteChange) string {
	if rc.Op != Modify {
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
