package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// object is a decoded JSON object whose members are read one at a time, so
// that keys match case-sensitively (as the service does; encoding/json alone
// would accept "origination" for "Origination"), JSON null counts as absent,
// and every type error names the member, e.g. Origination.Routes[2].Port.
// The first error sticks; later reads return zero values.
type object struct {
	path    string
	members map[string]json.RawMessage
	err     error
}

// parseBody decodes a request body that must be one JSON object. An empty
// body is the empty object, as for the service's restJson1 protocol.
func parseBody(body []byte) (*object, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return &object{}, nil
	}
	if !json.Valid(body) {
		var v any
		err := json.Unmarshal(body, &v)
		return nil, fmt.Errorf("request body is not valid JSON: %w", err)
	}
	o := newObject("", body)
	return o, o.err
}

func newObject(path string, raw json.RawMessage) *object {
	o := &object{path: path}
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		o.err = fmt.Errorf("%s must be a JSON object", o.name("request body"))
		return o
	}
	if err := json.Unmarshal(raw, &o.members); err != nil {
		o.err = fmt.Errorf("%s: %w", o.name("request body"), err)
	}
	return o
}

func (o *object) name(fallback string) string {
	if o.path == "" {
		return fallback
	}
	return o.path
}

func (o *object) member(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

// raw returns the member's JSON, or nil when it is absent or null.
func (o *object) raw(key string) json.RawMessage {
	if o.err != nil {
		return nil
	}
	v, ok := o.members[key]
	if !ok || string(bytes.TrimSpace(v)) == "null" {
		return nil
	}
	return v
}

// decode reads member key into dst (whose kind the caller chose) and reports
// whether it was present.
func (o *object) decode(key, kind string, dst any, firstByte func(byte) bool) bool {
	v := o.raw(key)
	if v == nil {
		return false
	}
	if t := bytes.TrimSpace(v); !firstByte(t[0]) || json.Unmarshal(t, dst) != nil {
		o.err = fmt.Errorf("%s must be %s", o.member(key), kind)
		return false
	}
	return true
}

func (o *object) str(key string) (string, bool) {
	var s string
	ok := o.decode(key, "a string", &s, func(b byte) bool { return b == '"' })
	return s, ok
}

// integer rejects quoted numbers, fractions and exponents, as the service's
// integer members do.
func (o *object) integer(key string) (int, bool) {
	var n int64
	ok := o.decode(key, "an integer", &n, func(b byte) bool { return b == '-' || (b >= '0' && b <= '9') })
	return int(n), ok
}

func (o *object) boolean(key string) (bool, bool) {
	var b bool
	ok := o.decode(key, "a boolean (true or false)", &b, func(c byte) bool { return c == 't' || c == 'f' })
	return b, ok
}

func (o *object) list(key string) ([]json.RawMessage, bool) {
	var l []json.RawMessage
	ok := o.decode(key, "a JSON array", &l, func(b byte) bool { return b == '[' })
	return l, ok
}

func (o *object) object(key string) (*object, bool) {
	v := o.raw(key)
	if v == nil {
		return nil, false
	}
	sub := newObject(o.member(key), v)
	o.err = sub.err
	return sub, sub.err == nil
}

// fail records a validation error unless an earlier one is pending.
func (o *object) fail(format string, args ...any) {
	if o.err == nil {
		o.err = fmt.Errorf(format, args...)
	}
}
