package diff

import (
	"cmp"
	"fmt"
	"html"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/sipops/reconciler/internal/origination"
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
		if c.Action != Noop {
			changed = append(changed, c)
		}
	}
	md := &mdDoc{}
	md.add(mdHead(p, o.Revision))
	md.left.violations = md.section("\n### Refused by safety gates\n\n", mdViolations(p.Check(o.Gates)))
	md.left.refused = md.section("\n### Refused: not applied\n\n", mdRefused(p.Refused))
	md.left.unknown = md.section("\n### Not planned: live state unknown\n\n", mdUnknown(p.Unknown, o.Errors))
	md.left.rows = md.section("\n### Changes\n\n| Connector | ID | Region | Change |\n| --- | --- | --- | --- |\n", mdRows(changed))
	md.left.preflight = md.section("\n### Preflight\n\n| Route | Result |\n| --- | --- |\n", mdPreflight(changed, o.Preflight))
	md.left.details = md.section("", mdDetails(changed, o.Preflight))
	md.b.WriteString(md.left.note())
	_, err := io.WriteString(w, md.b.String())
	return err
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

// mdLeftOut counts the entries of each section left out of the rendering.
type mdLeftOut struct {
	violations, refused, unknown, rows, preflight, details int
}

// note is the closing note saying what was left out, or "".
func (l mdLeftOut) note() string {
	var parts []string
	for _, n := range []struct {
		count       int
		one, plural string
	}{
		{l.violations, "refused gate", "refused gates"},
		{l.refused, "refused connector", "refused connectors"},
		{l.unknown, "unplanned connector", "unplanned connectors"},
		{l.rows, "row of the changes table", "rows of the changes table"},
		{l.preflight, "preflight result", "preflight results"},
		{l.details, "connector's route changes", "connectors' route changes"},
	} {
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
	b.WriteString("## Voice Connector origination plan")
	if rev != "" {
		b.WriteString(" (revision " + mdCode(rev) + ")")
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
		out = append(out, fmt.Sprintf("- **%s**: %s\n", v.Kind, mdText(v.Message)))
	}
	return out
}

func mdRefused(rs []Refusal) []string {
	var out []string
	for _, r := range rs {
		out = append(out, "- "+mdCode(r.Key)+": "+refusedHeadline(r.Change)+" refused: "+mdText(r.Reason)+"\n")
	}
	return out
}

func mdUnknown(keys []string, errs map[string]error) []string {
	var out []string
	for _, k := range keys {
		why := "live state unknown"
		if err := errs[k]; err != nil {
			why = mdText(err.Error())
		}
		out = append(out, "- "+mdCode(k)+": "+why+"\n")
	}
	return out
}

func mdRows(changed []Change) []string {
	var out []string
	for _, c := range changed {
		out = append(out, fmt.Sprintf("| %s | %s | %s | %s |\n",
			mdCell(c.Key), mdCell(cmp.Or(c.ID, c.Name)), mdText(c.Region), headline(c)))
	}
	return out
}

// mdPreflight lists, once each, the preflight results the connectors' details
// show, by route.
func mdPreflight(changed []Change, pf map[origination.Key]Preflight) []string {
	var keys []origination.Key
	for _, c := range changed {
		for _, rc := range c.Routes() {
			if _, ok := preflightOf(pf, rc); ok && !slices.Contains(keys, rc.Key) {
				keys = append(keys, rc.Key)
			}
		}
	}
	slices.SortFunc(keys, compareKeys)
	var out []string
	for _, k := range keys {
		result := "**FAILED**: "
		if pf[k].OK {
			result = "ok: "
		}
		out = append(out, fmt.Sprintf("| %s | %s%s |\n", mdCell(k.String()), result, mdText(pf[k].Detail)))
	}
	return out
}

// mdDetails renders each connector's details as the text rendering does, in
// a collapsed section. A connector with none (origination created disabled
// and without routes) has no section.
func mdDetails(changed []Change, pf map[origination.Key]Preflight) []string {
	var out []string
	for _, c := range changed {
		var body strings.Builder
		writeDetails(&printer{w: &body}, "", c, pf)
		if body.Len() == 0 {
			continue
		}
		fence := strings.Repeat("`", max(3, longestRun(body.String(), '`')+1))
		out = append(out, fmt.Sprintf("\n<details><summary>%s <code>%s</code>: %s</summary>\n\n%s\n%s%s\n\n</details>\n",
			headerOp(c), html.EscapeString(printable(c.Key)), headline(c), fence, body.String(), fence))
	}
	return out
}

// mdCode renders s as an inline code span, which Markdown shows as is: no
// emphasis, links, mentions or HTML. Its delimiter is longer than any run
// of backticks in s.
func mdCode(s string) string {
	s = printable(s)
	if s == "" {
		return ""
	}
	delim := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return delim + s + delim
}

// mdCell is mdCode for a table cell, where a pipe ends the cell even in a
// code span unless escaped.
func mdCell(s string) string {
	return strings.ReplaceAll(mdCode(s), "|", `\|`)
}

// mdText escapes s as Markdown text, table cells included: the punctuation
// Markdown could read as emphasis, code, links, HTML, strikethrough, math,
// mentions, references or a cell boundary gets a backslash, and control
// characters (line breaks) become spaces.
func mdText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsControl(r):
			b.WriteByte(' ')
		case strings.ContainsRune("\\`*_[]<>|~$&#!@", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// printable returns s, Go-quoted if it has control characters, which would
// break a table row or a list item.
func printable(s string) string {
	if strings.ContainsFunc(s, unicode.IsControl) {
		return strconv.Quote(s)
	}
	return s
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	longest, n := 0, 0
	for i := range len(s) {
		if s[i] != c {
			n = 0
			continue
		}
		n++
		longest = max(longest, n)
	}
	return longest
}
