package schema

import (
	"fmt"
	"slices"
	"strings"

	"cuelang.org/go/cue"
	cueerrors "cuelang.org/go/cue/errors"

	"github.com/sipops/reconciler/internal/origination"
)

// The fields each struct of the contract allows; anything else is an error,
// as with CUE's closed definitions in schema.cue.
var (
	specFields        = []string{"voiceConnectors"}
	connectorFields   = []string{"id", "name", "region", "origination"}
	originationFields = []string{"routes", "disabled", "absent"}
	routeFields       = []string{"host", "port", "protocol", "priority", "weight"}
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
		n := node{src: v, key: key}
		if v.Err() != nil {
			continue // reported by the evaluation
		}
		data, err := decodeJSON(v)
		if err != nil {
			d.incomplete(n, v)
			continue
		}
		n.val = data
		c, ok := d.connector(key, n)
		if !ok {
			continue
		}
		if prev, dup := seen.add(c); dup {
			d.errorf(n, "the same voice connector (%s) is already declared as %q at %s", c.Ref(), prev.Key, prev.Pos)
			continue
		}
		d.out = append(d.out, c)
	}
}

// incomplete reports the values of a connector that are not concrete, which
// is the only reason a connector without errors cannot be exported.
func (d *decoder) incomplete(n node, v cue.Value) {
	err := v.Validate(cue.Concrete(true))
	for _, e := range cueerrors.Errors(err) {
		format, args := e.Msg()
		d.errs = append(d.errs, cueDiag(e, fmt.Sprintf("%s: %s: give a concrete value", where(e.Path()), fmt.Sprintf(format, args...))))
	}
	if err == nil {
		d.errs = append(d.errs, diagAt(n.pos(), n.where()+": cannot be exported as data"))
	}
}

// connector decodes one entry of voiceConnectors. ok is false when it has an error.
func (d *decoder) connector(key string, n node) (DesiredConnector, bool) {
	before := len(d.errs)
	c := DesiredConnector{Key: key, Pos: diagAt(n.pos(), "").location()}
	o, ok := d.object(n, connectorFields)
	if !ok {
		return c, false
	}
	id, idNode, hasID := d.str(o, "id")
	name, nameNode, hasName := d.str(o, "name")
	_, idGiven := o.fields["id"]
	_, nameGiven := o.fields["name"]
	switch {
	case idGiven && nameGiven:
		d.errorf(n, "give either id or name, not both")
	case !idGiven && !nameGiven:
		d.errorf(n, "id or name is required")
	case hasID && !validID(id):
		d.errorf(idNode, "id %q is not a Voice Connector ID (21-22 lower-case letters and digits, or a UUID)", id)
	case hasName && !validName(name):
		d.errorf(nameNode, "name %q is not a Voice Connector name (1-256 letters, digits, spaces, '_', '.', '-')", name)
	}
	c.ID, c.Name = id, name
	c.Region = d.opts.DefaultRegion
	if r, rn, ok := d.str(o, "region"); ok {
		if !validRegion(r) {
			d.errorf(rn, "region %q is not a Chime SDK Voice region (%s)", r, strings.Join(regions, ", "))
		}
		c.Region = r
	}
	if d.required(o, "origination") {
		c.Absent, c.Origination = d.origination(o.fields["origination"])
	}
	return c, len(d.errs) == before
}

func (d *decoder) origination(n node) (absent bool, out *origination.Origination) {
	n = n.named()
	o, ok := d.object(n, originationFields)
	if !ok {
		return false, nil
	}
	disabled, hasDisabled, dn := d.bool(o, "disabled")
	absent, hasAbsent, an := d.bool(o, "absent")
	routes, count, hasRoutes := d.routes(o)
	_, routesGiven := o.fields["routes"]
	_, disabledGiven := o.fields["disabled"]
	switch {
	case hasAbsent && !absent:
		d.errorf(an, "absent can only be true (leave it out to manage the origination)")
	case hasAbsent && (routesGiven || disabledGiven):
		d.errorf(an, "absent: true removes the origination and cannot be combined with routes or disabled")
	case hasAbsent:
		return true, nil
	case hasRoutes && count == 0 && !(hasDisabled && disabled):
		d.errorf(o.fields["routes"], "routes is empty: give at least one route, or disabled: true")
	case !routesGiven && !disabledGiven:
		d.errorf(n, "give routes (at least one), or disabled: true, or absent: true")
	case !routesGiven && hasDisabled && !disabled:
		d.errorf(dn, "disabled: false without routes sends calls nowhere: give at least one route")
	}
	return false, &origination.Origination{Routes: routes, Disabled: disabled}
}

// pathString renders a CUE error path as the loader's messages do:
// origination.routes[0].priority.
func pathString(p []string) string {
	var b strings.Builder
	for i, s := range p {
		switch {
		case s != "" && strings.Trim(s, "0123456789") == "":
			b.WriteString("[" + s + "]")
		case i > 0:
			b.WriteString("." + s)
		default:
			b.WriteString(s)
		}
	}
	return b.String()
}

// labelOf is a field's name as written: unquoted for a string label, as
// CUE prints it for any other (a list embedded at the top, say).
func labelOf(sel cue.Selector) string {
	if sel.IsString() {
		return sel.Unquoted()
	}
	return sel.String()
}
