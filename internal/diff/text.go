package diff

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/sipops/reconciler/internal/setting"
)

// RenderOptions control the renderings of a plan.
type RenderOptions struct {
	// Revision is the spec revision the plan was computed from.
	Revision string
	// Color asks for ANSI colours in the text rendering (green +, yellow ~,
	// red -). The caller decides, from isatty and NO_COLOR.
	Color bool
	// Gates are the overrides the violations are checked with.
	Gates Gates
	// Errors holds, by connector key, why a connector of Plan.Unknown could
	// not be planned; it may be nil. Only the Markdown rendering shows
	// them: a pull-request comment has no stderr to print them to.
	Errors map[string]error
}

// WriteText renders p for operators, like a Terraform plan: changed
// connectors with the changes of their settings, a summary line, then the
// violations of the safety gates. Noop connectors are only counted.
func (p *Plan) WriteText(w io.Writer, o RenderOptions) error {
	pr := setting.NewPrinter(w, o.Color)
	pr.Line("Voice Connector %s plan%s:", settingsOf(p), revision(o.Revision))
	pr.Line("")
	if !p.Pending() {
		pr.Line("  %s", noChanges(p))
		pr.Line("")
	}
	for _, c := range p.Changes {
		if c.Pending() {
			writeChange(pr, c)
			pr.Line("")
		}
	}
	for _, r := range p.Refused {
		ch := r.refused()
		pr.Line("  %s %s: %s refused: %s", pr.Paint("!", setting.Red), ident(r.Connector), ch.Kind.Summary(ch).Refused, r.Reason)
	}
	for _, k := range p.Unknown {
		pr.Line("  %s %s: not planned, live state unknown", pr.Paint("?", setting.Yellow), k)
	}
	if len(p.Unknown)+len(p.Refused) > 0 {
		pr.Line("")
	}
	pr.Line("%s", summaryLine(p.Summary()))
	writeViolations(pr, p.Check(o.Gates))
	return pr.Err()
}

// settingsOf names the settings p plans, for its title: "origination",
// or "origination and termination".
func settingsOf(p *Plan) string {
	var names []string
	add := func(c Change) {
		for _, ch := range c.Settings {
			if n := ch.Kind.Name(); !contains(names, n) {
				names = append(names, n)
			}
		}
	}
	for _, c := range p.Changes {
		add(c)
	}
	for _, r := range p.Refused {
		add(r.Change)
	}
	switch len(names) {
	case 0:
		return setting.Flat
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func contains(names []string, n string) bool {
	for _, m := range names {
		if m == n {
			return true
		}
	}
	return false
}

// writeChange renders one connector that changes: a header line, then the
// details of each setting that changes, under the setting's name when
// several do.
func writeChange(pr *setting.Printer, c Change) {
	pr.Line("  %s %s: %s", pr.Op(headerOp(c)), ident(c.Connector), headline(c))
	writeDetails(pr, "      ", c)
}

// writeDetails writes the lines of each setting of c that changes, each
// starting with indent. The Markdown rendering shows the same lines in a
// code block.
func writeDetails(pr *setting.Printer, indent string, c Change) {
	w := c.pending()
	for _, ch := range w {
		if len(w) == 1 {
			ch.Kind.Details(pr, indent, ch)
			continue
		}
		pr.Line("%s%s:", indent, ch.Kind.Name())
		ch.Kind.Details(pr, indent+"  ", ch)
	}
}

// headerOp marks a connector that changes: + when each of its writes
// creates a setting, - when each deletes one, ~ otherwise.
func headerOp(c Change) setting.Op {
	w := c.pending()
	op := w[0].Kind.Summary(w[0]).Op
	for _, ch := range w[1:] {
		if ch.Kind.Summary(ch).Op != op {
			return setting.Modify
		}
	}
	return op
}

// headline says what the connector's change does, setting by setting.
func headline(c Change) string {
	var parts []string
	for _, ch := range c.pending() {
		parts = append(parts, ch.Kind.Summary(ch).Headline)
	}
	return strings.Join(parts, ", ")
}

// noChanges is the note of a plan that writes nothing.
func noChanges(p *Plan) string {
	if len(p.Refused) > 0 {
		return "No changes to apply: the changes planned are refused."
	}
	verb := "matches"
	if strings.Contains(settingsOf(p), " and ") {
		verb = "match"
	}
	return fmt.Sprintf("No changes: live %s %s the spec.", settingsOf(p), verb)
}

func revision(r string) string {
	if r == "" {
		return ""
	}
	return " (revision " + r + ")"
}

// summaryLine is the summary of the text and Markdown renderings.
func summaryLine(s Summary) string {
	more := ""
	if s.Refused > 0 {
		more += fmt.Sprintf(", %d refused", s.Refused)
	}
	if s.Unknown > 0 {
		more += fmt.Sprintf(", %d unknown", s.Unknown)
	}
	return fmt.Sprintf("Plan: %d to create, %d to change, %d to delete, %d unchanged%s.",
		s.Create, s.Change, s.Delete, s.Noop, more)
}

func writeViolations(pr *setting.Printer, vs []Violation) {
	if len(vs) == 0 {
		return
	}
	pr.Line("")
	pr.Line("Refused by safety gates:")
	for _, v := range vs {
		pr.Line("  %s [%s] %s", pr.Paint("!", setting.Red), v.Kind, v.Message)
	}
}

// ident is how a connector is shown: key (id or name, region).
func ident(c setting.Connector) string {
	var parts []string
	for _, s := range []string{cmp.Or(c.ID, c.Name), c.Region} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return c.Key
	}
	return c.Key + " (" + strings.Join(parts, ", ") + ")"
}
