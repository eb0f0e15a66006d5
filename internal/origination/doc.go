// Package origination is the origination setting of a Voice Connector,
// where inbound PSTN calls are sent: up to ten SIP routes (host, port,
// TCP/UDP, priority, weight), or disabled. It is the first setting.Kind:
// everything about origination the reconciler knows is here, and the
// spec loader, the engine, the daemon, the renderers and the importer take
// it as one setting among others.
//
//   - The vocabulary (origination.go): an Origination and its routes,
//     normalised (port defaulted, routes in a canonical order) so that two
//     settings that route calls identically compare equal, whatever order
//     the operator wrote the routes in or the service returned them.
//   - The spec (spec.go, schema.cue): origination: {routes: [...],
//     disabled: bool} or absent: true, with every rule at file:line:col.
//   - The live state (live.go): read, put and delete through the API the
//     Chime port implements, each write checked against what the service
//     then holds.
//   - Planning (plan.go, routes.go, traffic.go): put, delete or noop;
//     route-level changes matched by host, port and protocol; each
//     priority tier's share of calls before and after.
//   - Checks (check.go): a change that turns origination off is refused
//     while emergency calling is configured, as the service would refuse
//     it; the preflight proves that added and changed routes answer SIP
//     OPTIONS.
//   - Gates (gates.go): traffic loss (allowed by --allow-traffic-loss),
//     encryption (UDP routes on a connector that requires encryption).
//   - Renderings (render.go), import (import.go), the status page's cell
//     (status.go).
//
// # Planning
//
// Settings are normalised first (port 5060 when omitted, disabled false
// when omitted, route order ignored), so cosmetic differences never cause
// a write. absent: true with no origination live is a noop.
//
// Route-level changes (Routes) match routes by host, port and protocol, so
// a new priority or weight for the same destination is one "~" line, not a
// removal and an addition. Traffic gives, for each priority tier whose
// split changes, every route's share of the tier's calls (its weight over
// the tier's total weight) before and after. A disabled or absent
// origination carries 0% everywhere. Shares are whole percentages in the
// text, except that a share strictly between 0% and 1% shows as "<1%" and
// one strictly between 99% and 100% as ">99%".
//
// # Gates
//
//   - traffic-loss (allowed by --allow-traffic-loss), per connector whose
//     Before carries calls (present, not disabled, with routes): the change
//     deletes the origination, disables it, leaves it with no routes, or
//     empties its top tier. The top tier is Before's lowest priority number
//     p; it is emptied when none of its routes (by host, port, protocol) has
//     priority p or better in After, even if other routes take their place.
//   - encryption (no flag): a put would write a UDP route to a connector that
//     requires encryption, which only TCP (TLS) routes can carry.
//
// # JSON members of a plan
//
// Origination's members are the connector's own in plan --output json
// (setting.Flat), as format 1 has them:
//
//	action          "noop" | "put" | "delete"; a put with before null creates
//	before, after   normalised origination, or null for none:
//	  disabled        bool
//	  routes          in canonical order (priority, host, port, protocol,
//	                  weight), each {host, port, priority, protocol, weight}
//	disabled        {before, after} when the flag changes, else null
//	routes          route-level changes, in order of priority then key:
//	  op              "+" added | "-" removed | "~" priority/weight changed
//	  route           "host:port/PROTOCOL"
//	  before, after   the route ({host, port, priority, protocol, weight}),
//	                  null on the side where it does not exist
//	  preflight       only for "+" and "~" routes that were checked:
//	                  {ok, detail}, detail being the status line and time
//	                  ("SIP/2.0 200 OK in 3ms") or why the check failed
//	traffic         tiers whose split changes, priority 1 first:
//	  priority        the tier
//	  shares          one per route in the tier before or after, by route:
//	    route           "host:port/PROTOCOL"
//	    before_weight   the route's weight in this tier before; 0 if it is
//	                    not in the tier or the origination is absent or
//	                    disabled
//	    after_weight    the same, after
//	    before_percent  share of the tier's calls before, 0..100, rounded to
//	                    one decimal
//	    after_percent   the same, after
//
// It is internal to the reconciler and has no compatibility promise.
package origination
