package origination

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/sipops/reconciler/internal/setting"
)

// DefaultPort is the SIP port the service assumes when a route omits one.
const DefaultPort = 5060

// Protocols accepted by the service for a route.
const (
	TCP = "TCP"
	UDP = "UDP"
)

// Route is one SIP destination for inbound calls.
type Route struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
	Priority int    `json:"priority"`
	Weight   int    `json:"weight"`
}

// Key identifies a route across revisions: host, port and protocol. Two routes
// with the same key are the same destination whose priority or weight may
// have changed.
type Key struct {
	Host     string
	Port     int
	Protocol string
}

// Key returns the identity of r.
func (r Route) Key() Key { return Key{Host: r.Host, Port: r.Port, Protocol: r.Protocol} }

// String renders the key as host:port/PROTOCOL, the form used in plans and logs.
func (k Key) String() string { return fmt.Sprintf("%s:%d/%s", k.Host, k.Port, k.Protocol) }

// Origination is the origination setting of one Voice Connector. A nil
// *Origination means "no origination configured" (never set, deleted, or
// returned empty by the service).
type Origination struct {
	Routes   []Route `json:"routes"`
	Disabled bool    `json:"disabled"`
}

// Normalize defaults ports and sorts routes into canonical order
// (priority, host, port, protocol, weight). It returns o for chaining.
func (o *Origination) Normalize() *Origination {
	if o == nil {
		return nil
	}
	for i := range o.Routes {
		if o.Routes[i].Port == 0 {
			o.Routes[i].Port = DefaultPort
		}
	}
	slices.SortFunc(o.Routes, compareRoutes)
	return o
}

func compareRoutes(a, b Route) int {
	return cmp.Or(
		cmp.Compare(a.Priority, b.Priority),
		cmp.Compare(a.Host, b.Host),
		cmp.Compare(a.Port, b.Port),
		cmp.Compare(a.Protocol, b.Protocol),
		cmp.Compare(a.Weight, b.Weight),
	)
}

// Clone returns a deep copy of o.
func (o *Origination) Clone() *Origination {
	if o == nil {
		return nil
	}
	c := *o
	c.Routes = slices.Clone(o.Routes)
	return &c
}

// Equal implements setting.Value: v is an origination that routes calls as
// o does.
func (o *Origination) Equal(v setting.Value) bool {
	w, ok := v.(*Origination)
	return ok && Equal(o, w)
}

// value is o as a setting.Value: nil, not a typed nil, for none.
func value(o *Origination) setting.Value {
	if o == nil {
		return nil
	}
	return o
}

// of is the origination of a setting.Value of this kind; nil for none.
func of(v setting.Value) *Origination {
	o, _ := v.(*Origination)
	return o
}

// Equal reports whether a and b route calls identically. Both are normalised
// copies first, so route order and an omitted default port do not matter.
func Equal(a, b *Origination) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	a, b = a.Clone().Normalize(), b.Clone().Normalize()
	return a.Disabled == b.Disabled && slices.Equal(a.Routes, b.Routes)
}

// String renders o compactly for logs and messages, e.g.
// "sbc1.example.com:5060/UDP p1 w50, sbc2.example.com:5060/UDP p2 w50" or
// "none"; a disabled origination is prefixed with "disabled:".
func (o *Origination) String() string {
	if o == nil {
		return "none"
	}
	parts := make([]string, len(o.Routes))
	for i, r := range o.Clone().Normalize().Routes {
		parts[i] = fmt.Sprintf("%s p%d w%d", r.Key(), r.Priority, r.Weight)
	}
	s := strings.Join(parts, ", ")
	if s == "" {
		s = "no routes"
	}
	if o.Disabled {
		s = "disabled: " + s
	}
	return s
}
