package schema

import (
	"fmt"
	"slices"
	"strings"

	"cuelang.org/go/cue"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"

	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/specdata"
)

// The fields of the spec and of a connector; a connector's settings add
// theirs. Anything else is an error, as with CUE's closed definitions in
// schema.cue.
var (
	specFields      = []string{"voiceConnectors"}
	connectorFields = []string{"id", "name", "region"}
)

// spec walks the root of the evaluated spec, one connector at a time, so that
// one connector that cannot be exported does not hide the others' errors.
func (d *decoder) spec(root cue.Value) {
	if root.Err() == nil && root.IncompleteKind() != cue.StructKind {
		d.errs = append(d.errs, diagAt(root.Pos(), "the spec must be a struct with a voiceConnectors field"))
		return
	}
	it, err := root.Fields()
	if err != nil {
		return // reported by the evaluation
	}
	var vcs cue.Value
	for it.Next() {
		switch label := labelOf(it.Selector()); {
		case slices.Contains(specFields, label):
			vcs = it.Value()
		default:
			d.errs = append(d.errs, diagAt(it.Value().Pos(), fmt.Sprintf("unknown top-level field %q (allowed: %s)", label, strings.Join(specFields, ", "))))
		}
	}
	if !vcs.Exists() {
		d.warns = append(d.warns, diagAt(root.Pos(), "the spec names no voice connectors: nothing will be managed"))
		return
	}
	if vcs.Err() != nil {
		return // reported by the evaluation
	}
	if vcs.IncompleteKind() != cue.StructKind {
		d.errs = append(d.errs, diagAt(vcs.Pos(), "voiceConnectors must be a struct keyed by connector name"))
		return
	}
	d.connectors(vcs)
}

func (d *decoder) connectors(vcs cue.Value) {
	it, err := vcs.Fields()
	if err != nil {
		return
	}
	seen := identities{}
	for it.Next() {
		key, v := labelOf(it.Selector()), it.Value()
		if v.Err() != nil {
			continue // reported by the evaluation
		}
		data, err := decodeJSON(v)
		if err != nil {
			d.incomplete(v, key)
			continue
		}
		n := specdata.NewNode(source{d: d, src: v}, key, data)
		c, ok := d.connector(key, n, v.Pos())
		if !ok {
			continue
		}
		if prev, dup := seen.add(c); dup {
			n.Errorf("the same voice connector (%s) is already declared as %q at %s", c.Ref(), prev.Key, prev.Pos)
			continue
		}
		d.out = append(d.out, c)
	}
}

// incomplete reports the values of a connector that are not concrete, which
// is the only reason a connector without errors cannot be exported.
func (d *decoder) incomplete(v cue.Value, key string) {
	err := v.Validate(cue.Concrete(true))
	for _, e := range cueerrors.Errors(err) {
		format, args := e.Msg()
		d.errs = append(d.errs, cueDiag(e, fmt.Sprintf("%s: %s: give a concrete value", where(e.Path()), fmt.Sprintf(format, args...))))
	}
	if err == nil {
		d.errs = append(d.errs, diagAt(v.Pos(), fmt.Sprintf("%q: cannot be exported as data", key)))
	}
}

// connector decodes one entry of voiceConnectors. ok is false when it has an error.
func (d *decoder) connector(key string, n specdata.Node, pos token.Pos) (DesiredConnector, bool) {
	before := len(d.errs)
	c := DesiredConnector{Key: key, Pos: diagAt(pos, "").location()}
	fields := slices.Clone(connectorFields)
	for _, k := range d.opts.Kinds {
		fields = append(fields, k.Name())
	}
	o, ok := n.Object(fields)
	if !ok {
		return c, false
	}
	id, idNode, hasID := o.Str("id")
	name, nameNode, hasName := o.Str("name")
	switch {
	case o.Has("id") && o.Has("name"):
		n.Errorf("give either id or name, not both")
	case !o.Has("id") && !o.Has("name"):
		n.Errorf("id or name is required")
	case hasID && !validID(id):
		idNode.Errorf("id %q is not a Voice Connector ID (21-22 lower-case letters and digits, or a UUID)", id)
	case hasName && !validName(name):
		nameNode.Errorf("name %q is not a Voice Connector name (1-256 letters, digits, spaces, '_', '.', '-')", name)
	}
	c.ID, c.Name = id, name
	c.Region = d.opts.DefaultRegion
	if r, rn, ok := o.Str("region"); ok {
		if !validRegion(r) {
			rn.Errorf("region %q is not a Chime SDK Voice region (%s)", r, strings.Join(regions, ", "))
		}
		c.Region = r
	}
	c.Settings = d.settings(o)
	return c, len(d.errs) == before
}

// settings decodes the block of each setting the connector names, in the
// order of the kinds; a connector must name at least one.
func (d *decoder) settings(o specdata.Object) []setting.Desired {
	var out []setting.Desired
	for _, k := range d.opts.Kinds {
		if f, ok := o.Fields[k.Name()]; ok {
			out = append(out, d.setting(k, f.Named()))
		}
	}
	if len(out) > 0 {
		return out
	}
	if len(d.opts.Kinds) == 1 {
		o.Errorf("%s is required", d.opts.Kinds[0].Name())
		return nil
	}
	names := make([]string, len(d.opts.Kinds))
	for i, k := range d.opts.Kinds {
		names[i] = k.Name()
	}
	o.Errorf("give at least one of %s", strings.Join(names, ", "))
	return nil
}

// setting decodes one setting's block: absent: true alone deletes the
// setting; anything else is the kind's to decode.
func (d *decoder) setting(k setting.Kind, n specdata.Node) setting.Desired {
	want := setting.Desired{Kind: k}
	o, ok := n.Object(append(slices.Clone(k.Fields()), "absent"))
	if !ok {
		return want
	}
	absent, hasAbsent, an := o.Bool("absent")
	if !o.Has("absent") {
		want.Value = k.Decode(o)
		return want
	}
	rest := o
	rest.Fields = map[string]specdata.Node{}
	for name, f := range o.Fields {
		if name != "absent" {
			rest.Fields[name] = f
		}
	}
	switch {
	case !hasAbsent: // not a boolean: reported
	case !absent:
		an.Errorf("absent can only be true (leave it out to manage the %s)", k.Name())
	case len(rest.Fields) > 0:
		an.Errorf("absent: true removes the %s and cannot be combined with %s", k.Name(), strings.Join(k.Fields(), " or "))
	default:
		want.Absent = true
		return want
	}
	if len(rest.Fields) > 0 {
		k.Decode(rest) // for the errors of the rest too
	}
	return want
}

// labelOf is a field's name as written: unquoted for a string label, as
// CUE prints it for any other (a list embedded at the top, say).
func labelOf(sel cue.Selector) string {
	if sel.IsString() {
		return sel.Unquoted()
	}
	return sel.String()
}
