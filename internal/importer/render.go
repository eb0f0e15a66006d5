package importer

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/literal"

	"github.com/sipops/reconciler/internal/setting"
)

// Package is the package clause of the rendered files: the one of the
// example specs, so that imported files and hand-written templates load
// together as one package.
const Package = "specs"

// render writes the spec file of one region: a header, the package clause,
// then one block per connector, sorted by key. The text is put through
// cue/format, so it is exactly what `cue fmt` would leave.
func render(region string, cs []*connector, kinds []setting.Kind) ([]byte, error) {
	cs = slices.SortedFunc(slices.Values(cs), func(a, b *connector) int { return strings.Compare(a.key, b.key) })
	names := setting.Names(kinds)
	var b bytes.Buffer
	header(&b, region, strings.Join(names, ", "), len(cs) == 0)
	fmt.Fprintf(&b, "package %s\n", Package)
	for _, c := range cs {
		b.WriteString("\n")
		if c.skipped {
			comment(&b, fmt.Sprintf("%q (%s) has no %s: left out, as unconfigured", c.Name, c.ID, strings.Join(names, ", no ")))
			comment(&b, "connectors were skipped.")
			continue
		}
		writeConnector(&b, c, kinds)
	}
	out, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("format the spec of %s: %w", region, err)
	}
	return out, nil
}

// header says where the file comes from and why connectors are named by
// id. It holds no date: two imports of the same state must be identical.
func header(b *bytes.Buffer, region, settings string, empty bool) {
	comment(b, "The "+settings+" of the Voice Connectors of "+region+", imported from")
	comment(b, "their live state: applied as it is, this file changes nothing.")
	if empty {
		comment(b, "No Voice Connector was found in "+region+".")
	}
	b.WriteString("//\n")
	// The id is written rather than the name because it is the only
	// reference that cannot go stale: a connector renamed in the console, or
	// a second one created with the same name, would make a name resolve to
	// nothing or to two connectors, and the reconciler would stop managing
	// it. The name stays in the key and in the comment.
	comment(b, "Each connector is named by its id, which neither a rename nor a second")
	comment(b, "connector of the same name can make ambiguous; its name and ARN are in")
	comment(b, "the comment above it.")
}

// writeConnector writes one connector as its own block, complete on its
// own so that it can be moved to another file: each setting as its kind
// imports it, what the planner will compare with the live state.
func writeConnector(b *bytes.Buffer, c *connector, kinds []setting.Kind) {
	comment(b, strings.TrimSpace(fmt.Sprintf("%q %s", c.Name, c.ARN)))
	if len(c.problems) > 0 {
		comment(b, "INVALID: the spec's rules reject this connector as it is live;")
		comment(b, "change it here, and live, before applying this spec:")
		for _, p := range c.problems {
			comment(b, "- "+p)
		}
	}
	// Keys are always quoted: a quoted label is never an identifier, so no
	// key can shadow or capture a reference in the operator's own CUE, and
	// every key looks alike whatever characters its name has.
	fmt.Fprintf(b, "voiceConnectors: %s: {\n", literal.Label.Quote(c.key))
	fmt.Fprintf(b, "id: %s\n", quote(c.ID))
	fmt.Fprintf(b, "region: %s\n", quote(c.Region))
	for i, k := range kinds {
		b.WriteString(k.Import(c.live[i]))
	}
	b.WriteString("}\n")
}

// quote writes s as a CUE string that evaluates to s: CUE escapes differ
// from Go's (\( starts an interpolation).
func quote(s string) string { return literal.String.Quote(s) }

// comment writes text as a line comment. Text from the service (names,
// ARNs, hosts in the loader's messages) could hold a line break that would
// end the comment and turn the rest into CUE, so anything not printable is
// written escaped.
func comment(b *bytes.Buffer, text string) {
	b.WriteString("// ")
	for _, r := range text {
		if unicode.IsPrint(r) {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRune(r)
		b.WriteString(q[1 : len(q)-1])
	}
	b.WriteString("\n")
}
