package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/token"
)

// decoder walks an evaluated spec, collecting diagnostics and connectors.
//
// Each connector is exported from CUE once, as JSON, and walked as plain Go
// data: every cue.Value method call builds an evaluation context, and calling
// a dozen of them per route made decoding cost more than evaluating. Positions
// are looked up in the CUE value only for the few nodes that get a diagnostic.
type decoder struct {
	opts  LoadOptions
	errs  []Diagnostic
	warns []Diagnostic
	out   []DesiredConnector
}

// node is one decoded JSON value of the spec and where it came from.
type node struct {
	src   cue.Value      // the connector the node belongs to, for positions
	key   string         // the connector's key
	path  []cue.Selector // from src to the node
	depth int            // how much of path messages name, see where
	val   any            // map[string]any, []any, string, json.Number, bool
}

func (n node) pos() token.Pos { return n.src.LookupPath(cue.MakePath(n.path...)).Pos() }

func (n node) child(sel cue.Selector, val any) node {
	return node{src: n.src, key: n.key, path: append(slices.Clip(n.path), sel), depth: n.depth, val: val}
}

// named returns n with messages naming its whole path.
func (n node) named() node {
	n.depth = len(n.path)
	return n
}

// where renders the part of the path messages name, e.g.
// `"sbc-east": origination.routes[1]`. It is built only for messages: most
// nodes never need it.
func (n node) where() string {
	w := strconv.Quote(n.key)
	if n.depth == 0 {
		return w
	}
	parts := make([]string, n.depth)
	for i, sel := range n.path[:n.depth] {
		parts[i] = sel.String()
	}
	return w + ": " + pathString(parts)
}

// decodeJSON exports v, which must be concrete, as Go data.
func decodeJSON(v cue.Value) (any, error) {
	b, err := v.MarshalJSON()
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	return out, dec.Decode(&out)
}

func (d *decoder) errorf(n node, format string, args ...any) {
	d.errs = append(d.errs, diagAt(n.pos(), n.where()+": "+fmt.Sprintf(format, args...)))
}

func (d *decoder) warnf(n node, format string, args ...any) {
	d.warns = append(d.warns, diagAt(n.pos(), n.where()+": "+fmt.Sprintf(format, args...)))
}

// object is a struct of the spec with its fields.
type object struct {
	node
	fields map[string]node
}

// object checks that n is a struct with only the allowed fields. ok is false
// when it is not a struct (reported).
func (d *decoder) object(n node, allowed []string) (object, bool) {
	o := object{node: n, fields: map[string]node{}}
	m, ok := n.val.(map[string]any)
	if !ok {
		d.errorf(n, "must be a struct, got %s", describe(n.val))
		return o, false
	}
	for _, label := range slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}) {
		f := n.child(cue.Str(label), m[label])
		if !slices.Contains(allowed, label) {
			d.errorf(f, "unknown field %q (allowed: %s)", label, strings.Join(allowed, ", "))
			continue
		}
		o.fields[label] = f
	}
	return o, true
}

// required reports a missing required field.
func (d *decoder) required(o object, name string) bool {
	if _, ok := o.fields[name]; ok {
		return true
	}
	d.errorf(o.node, "%s is required", name)
	return false
}

// str returns the string field name; ok is false when it is absent or not a
// string (reported).
func (d *decoder) str(o object, name string) (string, node, bool) {
	f, present := o.fields[name]
	if !present {
		return "", f, false
	}
	s, ok := f.val.(string)
	if !ok {
		d.errorf(f, "%s must be a string, got %s", name, describe(f.val))
	}
	return s, f, ok
}

func (d *decoder) int(o object, name string) (int, node, bool) {
	f, present := o.fields[name]
	if !present {
		return 0, f, false
	}
	num, isNum := f.val.(json.Number)
	n, err := strconv.Atoi(string(num))
	switch {
	case !isNum || strings.ContainsAny(string(num), ".eE"):
		d.errorf(f, "%s must be an integer, got %s", name, describe(f.val))
		return 0, f, false
	case err != nil:
		d.errorf(f, "%s %s is too large", name, num)
		return 0, f, false
	}
	return n, f, true
}

func (d *decoder) bool(o object, name string) (value, ok bool, f node) {
	f, present := o.fields[name]
	if !present {
		return false, false, f
	}
	b, ok := f.val.(bool)
	if !ok {
		d.errorf(f, "%s must be a boolean, got %s", name, describe(f.val))
	}
	return b, ok, f
}

// describe renders a decoded value for an error message, shortened.
func describe(v any) string {
	var s string
	switch v := v.(type) {
	case map[string]any:
		return "a struct"
	case []any:
		return "a list"
	case string:
		s = strconv.Quote(v)
	case nil:
		return "null"
	default:
		s = fmt.Sprint(v)
	}
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}
