package schema

import (
	"strings"

	"cuelang.org/go/cue"

	"github.com/sipops/reconciler/internal/origination"
)

// routes decodes the routes list, returning the valid routes and the length
// of the list; ok is false when it is absent or not a list.
func (d *decoder) routes(o object) (_ []origination.Route, count int, ok bool) {
	f, present := o.fields["routes"]
	if !present {
		return nil, 0, false
	}
	list, ok := f.val.([]any)
	if !ok {
		d.errorf(f, "routes must be a list, got %s", describe(f.val))
		return nil, 0, false
	}
	var out []origination.Route
	seen := map[origination.Key]int{}
	for i, elem := range list {
		n := f.child(cue.Index(i), elem).named()
		r, ok := d.route(n)
		if !ok {
			continue
		}
		k := r.Key()
		k.Host = strings.ToLower(strings.TrimSuffix(k.Host, "."))
		if j, dup := seen[k]; dup {
			d.errorf(n, "duplicates routes[%d] (%s): each host, port and protocol may appear once", j, r.Key())
			continue
		}
		seen[k] = i
		out = append(out, r)
	}
	switch n := len(list); {
	case n > APIMaxRoutes:
		d.errorf(f, "%d routes, the API allows at most %d", n, APIMaxRoutes)
	case n > d.opts.MaxRoutes:
		d.errorf(f, "%d routes exceed the quota of %d per connector (raise --max-routes, up to %d, if your account's quota allows)", n, d.opts.MaxRoutes, APIMaxRoutes)
	}
	return out, len(list), true
}

func (d *decoder) route(n node) (origination.Route, bool) {
	r := origination.Route{Port: origination.DefaultPort}
	o, ok := d.object(n, routeFields)
	if !ok {
		return r, false
	}
	before := len(d.errs)
	for _, name := range []string{"host", "protocol", "priority", "weight"} {
		d.required(o, name)
	}
	if host, hn, ok := d.str(o, "host"); ok {
		d.checkHost(hn, host)
		r.Host = host
	}
	if port, pn, ok := d.int(o, "port"); ok {
		d.inRange(pn, "port", port, 1, 65535)
		r.Port = port
	}
	if p, pn, ok := d.str(o, "protocol"); ok {
		if p != origination.TCP && p != origination.UDP {
			d.errorf(pn, "protocol %q must be \"TCP\" or \"UDP\" (upper case)", p)
		}
		r.Protocol = p
	}
	if v, vn, ok := d.int(o, "priority"); ok {
		d.inRange(vn, "priority", v, 1, 100)
		r.Priority = v
	}
	if v, vn, ok := d.int(o, "weight"); ok {
		d.inRange(vn, "weight", v, 1, 100)
		r.Weight = v
	}
	return r, len(d.errs) == before
}

func (d *decoder) inRange(n node, name string, v, lo, hi int) {
	if v < lo || v > hi {
		d.errorf(n, "%s %d out of range %d..%d", name, v, lo, hi)
	}
}
