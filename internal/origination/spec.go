package origination

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/specdata"
)

// This file holds origination's part of the spec: the fields of its
// block, their rules, and the block's CUE definition.

// cueText defines #Origination and #Route for schema.cue.
//
//go:embed schema.cue
var cueText string

// CUE implements setting.Kind.
func (k *Kind) CUE() (definition, text string) { return "#Origination", cueText }

// Fields implements setting.Kind.
func (k *Kind) Fields() []string { return []string{"routes", "disabled"} }

// routeFields are the fields a route allows.
var routeFields = []string{"host", "port", "protocol", "priority", "weight"}

// Decode implements setting.Kind: routes (1 or more), or disabled: true,
// or both.
func (k *Kind) Decode(o specdata.Object) setting.Value {
	o.Node = o.Named()
	disabled, hasDisabled, dn := o.Bool("disabled")
	routes, count, hasRoutes := k.routes(o)
	switch {
	case hasRoutes && count == 0 && !(hasDisabled && disabled):
		o.Fields["routes"].Errorf("routes is empty: give at least one route, or disabled: true")
	case !o.Has("routes") && !o.Has("disabled"):
		o.Errorf("give routes (at least one), or disabled: true, or absent: true")
	case !o.Has("routes") && hasDisabled && !disabled:
		dn.Errorf("disabled: false without routes sends calls nowhere: give at least one route")
	}
	return &Origination{Routes: routes, Disabled: disabled}
}

// routes decodes the routes list, returning the valid routes and the length
// of the list; ok is false when it is absent or not a list.
func (k *Kind) routes(o specdata.Object) (_ []Route, count int, ok bool) {
	list, f, ok := o.List("routes")
	if !ok {
		return nil, 0, false
	}
	var out []Route
	seen := map[Key]int{}
	for i, n := range list {
		r, ok := route(n)
		if !ok {
			continue
		}
		key := r.Key()
		key.Host = strings.ToLower(strings.TrimSuffix(key.Host, "."))
		if j, dup := seen[key]; dup {
			n.Errorf("duplicates routes[%d] (%s): each host, port and protocol may appear once", j, r.Key())
			continue
		}
		seen[key] = i
		out = append(out, r)
	}
	switch n := len(list); {
	case n > APIMaxRoutes:
		f.Errorf("%d routes, the API allows at most %d", n, APIMaxRoutes)
	case n > k.opts.MaxRoutes:
		f.Errorf("%d routes exceed the quota of %d per connector (raise --max-routes, up to %d, if your account's quota allows)", n, k.opts.MaxRoutes, APIMaxRoutes)
	}
	return out, len(list), true
}

// route decodes one route; ok is false when it has an error.
func route(n specdata.Node) (Route, bool) {
	r := Route{Port: DefaultPort}
	o, ok := n.Object(routeFields)
	if !ok {
		return r, false
	}
	before := n.Errors()
	for _, name := range []string{"host", "protocol", "priority", "weight"} {
		o.Required(name)
	}
	if host, hn, ok := o.Str("host"); ok {
		checkHost(hn, host)
		r.Host = host
	}
	if port, pn, ok := o.Int("port"); ok {
		pn.InRange("port", port, 1, 65535)
		r.Port = port
	}
	if p, pn, ok := o.Str("protocol"); ok {
		if p != TCP && p != UDP {
			pn.Errorf("protocol %q must be \"TCP\" or \"UDP\" (upper case)", p)
		}
		r.Protocol = p
	}
	if v, vn, ok := o.Int("priority"); ok {
		vn.InRange("priority", v, 1, 100)
		r.Priority = v
	}
	if v, vn, ok := o.Int("weight"); ok {
		vn.InRange("weight", v, 1, 100)
		r.Weight = v
	}
	return r, n.Errors() == before
}

// Unmarshal implements setting.Kind.
func (k *Kind) Unmarshal(data []byte) (setting.Value, error) {
	var o *Origination
	if err := json.Unmarshal(data, &o); err != nil {
		return nil, fmt.Errorf("origination: %w", err)
	}
	return value(o), nil
}

// checkHost accepts an IPv4 address or a fully qualified domain name and
// warns about IPv4 addresses that the service cannot reach over the
// internet.
func checkHost(n specdata.Node, host string) {
	if addr, err := netip.ParseAddr(host); err == nil {
		if !addr.Is4() {
			n.Errorf("host %q is an IPv6 address; origination routes take an IPv4 address or an FQDN", host)
			return
		}
		if why := unreachable(addr); why != "" {
			n.Warnf("host %s is %s: Amazon Chime reaches SBCs over the internet and cannot deliver calls there", host, why)
		}
		return
	}
	if why := fqdnProblem(host); why != "" {
		n.Errorf("host %q is not an IPv4 address or an FQDN: %s", host, why)
	}
}

var (
	labelRE  = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
	digitsRE = regexp.MustCompile(`^[0-9]+$`)
)

// fqdnProblem says what keeps h from being an RFC 1123 fully qualified
// domain name, or "" when it is one.
func fqdnProblem(h string) string {
	name := strings.TrimSuffix(h, ".")
	switch {
	case h == "":
		return "it is empty"
	case strings.Contains(h, "://"):
		return "give the host alone, without a scheme"
	case strings.ContainsAny(h, "/?#"):
		return "give the host alone, without a path"
	case strings.Contains(h, ":"):
		return "give the port in the port field, not in the host"
	case len(name) > 253:
		return "longer than 253 characters"
	case !strings.Contains(name, "."):
		return "a single label is not fully qualified"
	}
	labels := strings.Split(name, ".")
	for _, l := range labels {
		if !labelRE.MatchString(l) {
			return `label "` + l + `" is not 1-63 letters, digits and inner hyphens`
		}
	}
	if digitsRE.MatchString(labels[len(labels)-1]) {
		return "not a valid IPv4 address, and a name cannot end in a numeric label"
	}
	return ""
}

// unreachable names the special-purpose range addr is in, or "".
func unreachable(addr netip.Addr) string {
	for _, r := range specialRanges {
		if r.prefix.Contains(addr) {
			return r.name
		}
	}
	return ""
}

var specialRanges = []struct {
	prefix netip.Prefix
	name   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "in the reserved 'this network' range 0.0.0.0/8"},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT address (RFC 6598)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "in the IETF protocol assignments range 192.0.0.0/24"},
	{netip.MustParsePrefix("192.0.2.0/24"), "a documentation address (RFC 5737)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address (RFC 2544)"},
	{netip.MustParsePrefix("198.51.100.0/24"), "a documentation address (RFC 5737)"},
	{netip.MustParsePrefix("203.0.113.0/24"), "a documentation address (RFC 5737)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},
}
