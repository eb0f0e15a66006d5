package setting

// Value is the configuration of one setting of a connector, desired or
// live, in its kind's own type (origination: *origination.Origination). It
// marshals to the JSON that /status and the change log show. Nil, not a
// typed nil, is "not configured".
type Value interface {
	// Equal reports whether v and w configure the connector the same; w
	// is not nil.
	Equal(w Value) bool
	// String renders v compactly for logs and messages.
	String() string
}

// Equal reports whether a and b configure the connector the same; two nil
// values (not configured) are equal.
func Equal(a, b Value) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(b)
}

// Format renders v for logs and messages: "none" for nil.
func Format(v Value) string {
	if v == nil {
		return "none"
	}
	return v.String()
}

// Desired is what a connector's spec asks of one of its settings: a Value
// written as the spec says, or the setting deleted (Absent).
type Desired struct {
	Kind   Kind
	Absent bool  // delete the setting: absent: true
	Value  Value // nil when Absent
}

// Same reports whether d and e ask the same of their setting.
func (d Desired) Same(e Desired) bool {
	return d.Kind == e.Kind && d.Absent == e.Absent && Equal(d.Value, e.Value)
}

// Flat names the setting whose members the JSON documents of format 1
// (validate, plan and apply --output json, /status) keep at the top of a
// connector's object, where they were before a connector had more than
// one managed setting: origination. Every other setting's members are in
// a member named after it.
const Flat = "origination"
