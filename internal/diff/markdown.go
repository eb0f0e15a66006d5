package diff

import (
	"cmp"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/sipops/reconciler/internal/markdown"
	"github.com/sipops/reconciler/internal/setting"
)

// MarkdownLimit bounds the Markdown rendering, in bytes. GitHub refuses a
// comment over 65,536 characters, and a character is at least one byte.
const MarkdownLimit = 65_000

// noteRoom is kept free under MarkdownLimit for the truncation note, which
// is a few hundred bytes at most.
const noteRoom = 1_000

// WriteMarkdown renders p as a pull-request comment, in GitHub- and
// GitLab-flavoured Markdown: a heading with the revision, the summary, the
// refused gates, the refused changes with their reasons, the connectors
// that could not be planned (with their errors from RenderOptions.Errors),
// a table of the connectors that change, the preflight results, then each
// connector's route changes and traffic effect, as in the text rendering,
// in a collapsed <details> section. Noop connectors are only counted.
// RenderOptions.Color is ignored.
//
// The output stays within MarkdownLimit: once an entry (a list item, a table
// row, a connector's details) does not fit, it and every later one are left
// out, and a closing note counts them.
func (p *Plan) WriteMarkdown(w io.Writer, o RenderOptions) error {
	var changed []Change
	for _, c := range p.Changes {
		if c.Pending() {
			changed = append(changed, c)
		}
	}
	md := &mdDoc{}
	md.add(mdHead(p, o.Revision))
	md.left.add("refused gate", "refused gates", md.section("\n### Refused by safety gates\n\n", mdViolations(p.Check(o.Gates))))
	md.left.add("refused connector", "refused connectors", md.section("\n### Refused: not applied\n\n", mdRefused(p.Refused)))
	md.left.add("unplanned connector", "unplanned connectors", md.section("\n### Not planned: live state unknown\n\n", mdUnknown(p.Unknown, o.Errors)))
	md.left.add("row of the changes table", "rows of the changes table",
		md.section("\n### Changes\n\n| Connector | ID | Region | Change |\n| --- | --- | --- | --- |\n", mdRows(changed)))
	for _, s := range kindSections(changed) {
		md.left.add(s.One, s.Many, md.section(s.Heading, s.Entries))
	}
	md.left.add("connector's details", "connectors' details", md.section("", mdDetails(changed)))
	md.b.WriteString(md.left.note())
	_, err := io.WriteString(w, md.b.String())
	return err
}

// kindSections are the sections the kinds of the changed connectors add,
// each over its own changes, in the order of kinds.
func kindSections(changed []Change) []setting.Section {
	var kinds []setting.Kind
	byKind := map[setting.Kind][]setting.Change{}
	for _, c := range changed {
		for _, ch := range c.pending() {
			if _, ok := byKind[ch.Kind]; !ok {
				kinds = append(kinds, ch.Kind)
			}
			byKind[ch.Kind] = append(byKind[ch.Kind], ch)
		}
	}
	var out []setting.Section
	for _, k := range kinds {
		out = append(out, k.Sections(byKind[k])...)
	}
	return out
}

// mdDoc builds the Markdown rendering within MarkdownLimit.
type mdDoc struct {
	b    strings.Builder
	full bool // an entry did not fit: every later one is left out too
	left mdLeftOut
}

// add appends entry if it fits, keeping room for the note, and reports
// whether it did. Once one entry does not fit, no later one is added, so the
// output is the whole rendering cut between two entries.
func (md *mdDoc) add(entry string) bool {
	if md.full || md.b.Len()+len(entry) > MarkdownLimit-noteRoom {
		md.full = true
		return false
	}
	md.b.WriteString(entry)
	return true
}

// section adds entries under heading, which goes with the first entry so
// that a section is never shown empty. It returns how many entries were
// left out.
func (md *mdDoc) section(heading string, entries []string) int {
	for i, e := range entries {
		if i == 0 {
			e = heading + e
		}
		if !md.add(e) {
			return len(entries) - i
		}
	}
	return 0
}

// mdLeftOut counts the entries of each section left out of the rendering,
// in the order of the sections.
type mdLeftOut []leftOut

type leftOut struct {
	count       int
	one, plural string
}

// add records that count entries of a section, of things called one (or
// plural), were left out.
func (l *mdLeftOut) add(one, plural string, count int) {
	*l = append(*l, leftOut{count: count, one: one, plural: plural})
}

// note is the closing note saying what was left out, or "".
func (l mdLeftOut) note() string {
	var parts []string
	for _, n := range l {
		switch {
		case n.count == 1:
			parts = append(parts, "1 "+n.one)
		case n.count > 1:
			parts = append(parts, fmt.Sprintf("%d %s", n.count, n.plural))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("\n> **Truncated** to stay under %d characters, the size limit of a pull-request comment. Left out: %s. The text or JSON rendering of the plan has all of it.\n",
		MarkdownLimit, strings.Join(parts, ", "))
}

func mdHead(p *Plan, rev string) string {
	var b strings.Builder
	b.WriteString("## Voice Connector " + settingsOf(p) + " plan")
	if rev != "" {
		b.WriteString(" (revision " + markdown.Code(rev) + ")")
	}
	b.WriteString("\n\n**" + summaryLine(p.Summary()) + "**\n")
	if !p.Pending() {
		b.WriteString("\n" + noChanges(p) + "\n")
	}
	return b.String()
}

func mdViolations(vs []Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, fmt.Sprintf("- **%s**: %s\n", v.Kind, markdown.Text(v.Message)))
	}
	return out
}

func mdRefused(rs []Refusal) []string {
	var out []string
	for _, r := range rs {
		ch := r.refused()
		out = append(out, "- "+markdown.Code(r.Key)+": "+ch.Kind.Summary(ch).Refused+" refused: "+markdown.Text(r.Reason)+"\n")
	}
	return out
}

func mdUnknown(keys []string, errs map[string]error) []string {
	var out []string
	for _, k := range keys {
		why := "live state unknown"
		if err := errs[k]; err != nil {
			why = markdown.Text(err.Error())
		}
		out = append(out, "- "+markdown.Code(k)+": "+why+"\n")
	}
	return out
}

func mdRows(changed []Change) []string {
	var out []string
	for _, c := range changed {
		out = append(out, fmt.Sprintf("| %s | %s | %s | %s |\n",
			markdown.Cell(c.Key), markdown.Cell(cmp.Or(c.ID, c.Name)), markdown.Text(c.Region), headline(c)))
	}
	return out
}

// mdDetails renders each connector's details as the text rendering does, in
// a collapsed section. A connector with none (origination created disabled
// and without routes) has no section.
func mdDetails(changed []Change) []string {
	var out []string
	for _, c := range changed {
		var body strings.Builder
		writeDetails(setting.NewPrinter(&body, false), "", c)
		if body.Len() == 0 {
			continue
		}
		fence := strings.Repeat("`", max(3, markdown.LongestRun(body.String(), '`')+1))
		out = append(out, fmt.Sprintf("\n<details><summary>%s <code>%s</code>: %s</summary>\n\n%s\n%s%s\n\n</details>\n",
			headerOp(c), html.EscapeString(markdown.Printable(c.Key)), headline(c), fence, body.String(), fence))
	}
	return out
}
