package diff

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/sipops/reconciler/internal/origination"
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
	// Preflight holds the preflight result of routes that were checked;
	// each added or changed route found here shows its result.
	Preflight map[origination.Key]Preflight
	// Errors holds, by connector key, why a connector of Plan.Unknown could
	// not be planned; it may be nil. Only the Markdown rendering shows
	// them: a pull-request comment has no stderr to print them to.
	Errors map[string]error
}

// Preflight is a route's preflight result, as computed by package
// preflight: diff only renders it.
type Preflight struct {
	OK     bool
	Detail string // "SIP/2.0 200 OK in 3ms", or why it failed
}

// String is the bracketed note shown after the route.
func (p Preflight) String() string {
	if p.OK {
		return "[preflight: " + p.Detail + "]"
	}
	return "[preflight FAILED: " + p.Detail + "]"
}

const (
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiRed    = "\x1b[31m"
	ansiReset  = "\x1b[0m"
)

// WriteText renders p for operators, like a Terraform plan: changed
// connectors with their route-level changes and traffic effect, a summary
// line, then the violations of the safety gates. Noop connectors are only
// counted.
func (p *Plan) WriteText(w io.Writer, o RenderOptions) error {
	pr := &printer{w: w, color: o.Color}
	pr.line("Voice Connector origination plan%s:", revision(o.Revision))
	pr.line("")
	if !p.Pending() {
		pr.line("  %s", noChanges(p))
		pr.line("")
	}
	for _, c := range p.Changes {
		if c.Action != Noop {
			writeChange(pr, c, o.Preflight)
			pr.line("")
		}
	}
	for _, r := range p.Refused {
		pr.line("  %s %s: %s refused: %s", pr.paint("!", ansiRed), ident(r.Change), refusedHeadline(r.Change), r.Reason)
	}
	for _, k := range p.Unknown {
		pr.line("  %s %s: not planned, live state unknown", pr.paint("?", ansiYellow), k)
	}
	if len(p.Unknown)+len(p.Refused) > 0 {
		pr.line("")
	}
	writeSummary(pr, p.Summary())
	writeViolations(pr, p.Check(o.Gates))
	return pr.err
}

// refusedHeadline says what a refused change would have done.
func refusedHeadline(c Change) string {
	if before, after, changed := c.DisabledChange(); changed && after && !before {
		return "disable origination"
	}
	return headline(c)
}

// noChanges is the note of a plan that writes nothing.
func noChanges(p *Plan) string {
	if len(p.Refused) > 0 {
		return "No changes to apply: the changes planned are refused."
	}
	return "No changes: live origination matches the spec."
}

func revision(r string) string {
	if r == "" {
		return ""
	}
	return " (revision " + r + ")"
}

func writeSummary(pr *printer, s Summary) {
	pr.line("%s", summaryLine(s))
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

func writeViolations(pr *printer, vs []Violation) {
	if len(vs) == 0 {
		return
	}
	pr.line("")
	pr.line("Refused by safety gates:")
	for _, v := range vs {
		pr.line("  %s [%s] %s", pr.paint("!", ansiRed), v.Kind, v.Message)
	}
}

// printer writes lines and keeps the first write error.
type printer struct {
	w     io.Writer
	color bool
	err   error
}

func (pr *printer) line(format string, args ...any) {
	if pr.err != nil {
		return
	}
	_, pr.err = fmt.Fprintf(pr.w, format+"\n", args...)
}

func (pr *printer) paint(s, color string) string {
	if !pr.color {
		return s
	}
	return color + s + ansiReset
}

// op paints a +, ~ or - marker in its colour.
func (pr *printer) op(op Op) string {
	switch op {
	case Add:
		return pr.paint(string(op), ansiGreen)
	case Remove:
		return pr.paint(string(op), ansiRed)
	}
	return pr.paint(string(op), ansiYellow)
}

// ident is how a connector is shown: key (id or name, region).
func ident(c Change) string {
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
