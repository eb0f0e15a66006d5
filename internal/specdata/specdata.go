// Package specdata is a connector's spec as the spec loader hands it to
// the settings to decode: plain data, exported from CUE once, with a way
// back to where each value is in the operator's files. A setting walks its
// block (origination: {...}) as Nodes and reports what is wrong at the
// node it is about; the loader (package schema) turns the report into a
// diagnostic at file:line:col.
//
// Walking plain data rather than CUE values keeps decoding cheap: every
// call on a cue.Value builds an evaluation context, and a dozen of them
// per route made decoding cost more than evaluating. Positions are looked
// up only for the few nodes that get a diagnostic.
//
// It is internal to the reconciler and has no compatibility promise.
package specdata

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Reporter receives what is wrong with a connector's spec, at the node it
// is about: the spec loader, which knows where each node is.
type Reporter interface {
	Report(at Node, msg string, warning bool)
	// Errors counts the errors reported so far, warnings aside.
	Errors() int
}

// Step is one step of a path from a connector to one of its values: a
// field name, or a list index when Field is "".
type Step struct {
	Field string
	Index int
}

func (s Step) String() string {
	if s.Field == "" {
		return strconv.Itoa(s.Index)
	}
	return s.Field
}

// Node is one value of a connector's spec, as encoding/json decodes it
// with UseNumber: map[string]any, []any, string, json.Number, bool or nil.
type Node struct {
	Value any
	key   string // the connector's key
	path  []Step // from the connector to the node
	depth int    // how much of path messages name, see Named
	r     Reporter
}

// NewNode returns the node of a connector's spec, keyed key under
// voiceConnectors, whose diagnostics go to r.
func NewNode(r Reporter, key string, v any) Node { return Node{Value: v, key: key, r: r} }

// Key is the key of the node's connector.
func (n Node) Key() string { return n.key }

// Path is the path from the connector to the node.
func (n Node) Path() []Step { return slices.Clone(n.path) }

func (n Node) step(s Step, v any) Node {
	return Node{Value: v, key: n.key, path: append(slices.Clip(n.path), s), depth: n.depth, r: n.r}
}

// Field returns the node of n's field name, holding v.
func (n Node) Field(name string, v any) Node { return n.step(Step{Field: name}, v) }

// Elem returns the node of n's list element i, holding v, named (its
// messages name it, as routes[2]).
func (n Node) Elem(i int, v any) Node { return n.step(Step{Index: i}, v).Named() }

// Named returns n with messages naming its whole path: `"sbc-east":
// origination.routes[1]: ...`. Until a node is named, its messages name
// the nearest named node above it, and the field speaks for itself
// ("host ... is ...").
func (n Node) Named() Node {
	n.depth = len(n.path)
	return n
}

// Where renders the part of the path messages name, e.g.
// `"sbc-east": origination.routes[1]`. It is built only for messages:
// most nodes never need it.
func (n Node) Where() string {
	w := strconv.Quote(n.key)
	if n.depth == 0 {
		return w
	}
	parts := make([]string, n.depth)
	for i, s := range n.path[:n.depth] {
		parts[i] = s.String()
	}
	return w + ": " + PathString(parts)
}

// PathString renders a path as messages do: origination.routes[0].priority.
func PathString(p []string) string {
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

// Errorf reports an error at n: the spec is invalid.
func (n Node) Errorf(format string, args ...any) {
	n.r.Report(n, n.Where()+": "+fmt.Sprintf(format, args...), false)
}

// Errors counts the errors reported so far, at any node: a decoder compares
// it before and after a part to know whether the part is valid.
func (n Node) Errors() int { return n.r.Errors() }

// Warnf reports a warning at n: the spec stays valid.
func (n Node) Warnf(format string, args ...any) {
	n.r.Report(n, n.Where()+": "+fmt.Sprintf(format, args...), true)
}

// Object is a struct of the spec with its fields.
type Object struct {
	Node
	Fields map[string]Node
}

// Object checks that n is a struct with only the allowed fields, each of
// which it reports when unknown. ok is false when n is not a struct
// (reported).
func (n Node) Object(allowed []string) (Object, bool) {
	o := Object{Node: n, Fields: map[string]Node{}}
	m, ok := n.Value.(map[string]any)
	if !ok {
		n.Errorf("must be a struct, got %s", Describe(n.Value))
		return o, false
	}
	for _, label := range sortedKeys(m) {
		f := n.Field(label, m[label])
		if !slices.Contains(allowed, label) {
			f.Errorf("unknown field %q (allowed: %s)", label, strings.Join(allowed, ", "))
			continue
		}
		o.Fields[label] = f
	}
	return o, true
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Has reports whether o has the field name.
func (o Object) Has(name string) bool {
	_, ok := o.Fields[name]
	return ok
}

// Required reports a missing required field.
func (o Object) Required(name string) bool {
	if o.Has(name) {
		return true
	}
	o.Errorf("%s is required", name)
	return false
}

// Str returns the string field name; ok is false when it is absent or not
// a string (reported).
func (o Object) Str(name string) (string, Node, bool) {
	f, present := o.Fields[name]
	if !present {
		return "", f, false
	}
	s, ok := f.Value.(string)
	if !ok {
		f.Errorf("%s must be a string, got %s", name, Describe(f.Value))
	}
	return s, f, ok
}

// Int returns the integer field name; ok is false when it is absent or not
// an integer (reported).
func (o Object) Int(name string) (int, Node, bool) {
	f, present := o.Fields[name]
	if !present {
		return 0, f, false
	}
	num, isNum := f.Value.(json.Number)
	n, err := strconv.Atoi(string(num))
	switch {
	case !isNum || strings.ContainsAny(string(num), ".eE"):
		f.Errorf("%s must be an integer, got %s", name, Describe(f.Value))
		return 0, f, false
	case err != nil:
		f.Errorf("%s %s is too large", name, num)
		return 0, f, false
	}
	return n, f, true
}

// Bool returns the boolean field name; ok is false when it is absent or
// not a boolean (reported).
func (o Object) Bool(name string) (value, ok bool, f Node) {
	f, present := o.Fields[name]
	if !present {
		return false, false, f
	}
	b, ok := f.Value.(bool)
	if !ok {
		f.Errorf("%s must be a boolean, got %s", name, Describe(f.Value))
	}
	return b, ok, f
}

// List returns the elements of the list field name, each named; ok is
// false when it is absent or not a list (reported).
func (o Object) List(name string) ([]Node, Node, bool) {
	f, present := o.Fields[name]
	if !present {
		return nil, f, false
	}
	list, ok := f.Value.([]any)
	if !ok {
		f.Errorf("%s must be a list, got %s", name, Describe(f.Value))
		return nil, f, false
	}
	out := make([]Node, len(list))
	for i, v := range list {
		out[i] = f.Elem(i, v)
	}
	return out, f, true
}

// InRange reports an integer out of lo..hi at n, named name.
func (n Node) InRange(name string, v, lo, hi int) {
	if v < lo || v > hi {
		n.Errorf("%s %d out of range %d..%d", name, v, lo, hi)
	}
}

// Describe renders a decoded value for an error message, shortened.
func Describe(v any) string {
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
