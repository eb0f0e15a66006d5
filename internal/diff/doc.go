// Package diff plans Voice Connector origination changes: it compares the
// desired state from the spec with the live state read from the service and
// says, per connector, what to write. It is pure: no I/O besides writing a
// rendering to an io.Writer, and it never modifies its inputs.
//
// # Planning
//
// [Compute] plans every desired connector; [ComputeOne] plans one, so the
// apply engine can re-plan a connector after re-reading it. Each [Change] has
// an [Action]:
//
//   - noop: live already matches. Settings are normalised first (port 5060
//     when omitted, disabled false when omitted, route order ignored), so
//     cosmetic differences never cause a write. A connector with absent: true
//     and no origination is a noop, and so is one that asks for nothing.
//   - put: write After. Before is nil when this creates origination.
//   - delete: the spec says absent: true and the connector has origination.
//
// Desired connectors missing from the live map (not resolved, or the read
// failed) are not planned: their keys are listed in Plan.Unknown and counted
// as "unknown". The apply engine reports their errors itself; the caller
// may pass them in RenderOptions.Errors for the Markdown rendering.
//
// [Plan.Refuse] takes one connector's change out of the plan when the
// caller knows the service would refuse the write (the apply engine does so
// for a delete or disable while emergency calling is configured): the
// change moves to Plan.Refused with its reason, is counted as "refused", is
// never applied, and no gate weighs it. Unlike a refused gate, it refuses
// one connector, not the whole plan.
//
// Route-level changes ([Change.Routes]) match routes by host, port and
// protocol, so a new priority or weight for the same destination is one "~"
// line, not a removal and an addition. [Change.Traffic] gives, for each
// priority tier whose split changes, every route's share of the tier's calls
// (its weight over the tier's total weight) before and after. A disabled or
// absent origination carries 0% everywhere.
//
// # Safety gates
//
// [Plan.Check] returns the gates a plan trips that the [Gates] do not allow:
//
//   - mass-change (allowed by --allow-mass-change): the plan puts or deletes
//     the origination of more than 30% of the connectors that already have
//     one (Before not nil), when there are at least 10 such connectors.
//     Creating origination where there is none is additive and does not
//     count; unknown connectors do not count either.
//   - traffic-loss (allowed by --allow-traffic-loss), per connector whose
//     Before carries calls (present, not disabled, with routes): the change
//     deletes the origination, disables it, leaves it with no routes, or
//     empties its top tier. The top tier is Before's lowest priority number
//     p; it is emptied when none of its routes (by host, port, protocol) has
//     priority p or better in After, even if other routes take their place.
//   - encryption (no flag): a put would write a UDP route to a connector that
//     requires encryption, which only TCP (TLS) routes can carry.
//
// # Text rendering
//
// [Plan.WriteText] writes a plan for people, like terraform plan: one block
// per connector that changes (+ create, ~ change, - delete), its disabled
// flag and route changes, then the traffic effect per tier; refused
// changes marked "!" with their reason; unknown connectors marked "?"; a
// summary line; then the refused gates. Noop connectors are only counted. Shares are whole percentages, except that a
// share strictly between 0% and 1% shows as "<1%" and one strictly between
// 99% and 100% as ">99%". RenderOptions.Color adds ANSI colour to the
// markers (green +, yellow ~, red -).
//
// # Markdown rendering
//
// [Plan.WriteMarkdown] writes a plan as a pull-request comment, in
// GitHub- and GitLab-flavoured Markdown, without colour: a heading with the
// revision and the summary line of the text rendering; the refused gates;
// the refused changes with their reasons; the unknown connectors, each with
// its error when RenderOptions.Errors has one; a table of the connectors that change (key, id, region, change); the
// preflight results of the routes shown, once per route; then, per
// connector, the lines of the text rendering (disabled flag, route changes,
// traffic per tier) in a code block inside a collapsed <details> section.
// Keys, ids and routes are code spans, longer-fenced when they hold
// backticks, with pipes escaped in table cells; messages and errors have
// Markdown punctuation backslash-escaped and line breaks made spaces.
//
// A comment is limited in size, so the output stays within MarkdownLimit
// bytes (a character is at least one byte). Sections are written in the
// order above, entry by entry (list item, table row, connector section);
// the first entry that would pass the limit, and every entry after it, is
// left out, and a closing note counts what was left out of each section.
//
// # JSON rendering
//
// [Plan.WriteJSON] writes one indented JSON object for CI bots. Object keys
// are in lexical order; lists are never null. format_version changes only
// when a field is removed or changes meaning; new fields may be added.
//
//	format_version  "1"
//	revision        spec revision the plan was computed from ("" if not given)
//	pending         true if applying the plan would write anything
//	summary         counts: create, change, delete, noop, refused, unknown
//	unknown         keys of desired connectors without live state, sorted
//	refused         changes refused one by one, not applied, sorted by key:
//	  key, id, name, region, action   as in changes
//	  reason          why the change is refused
//	violations      refused gates, in Check order, each:
//	  kind            "mass-change" | "traffic-loss" | "encryption"
//	  keys            connector keys concerned, sorted
//	  message         operator message, naming the flag that allows it
//	changes         one per planned connector, noop included, sorted by key:
//	  key             key under voiceConnectors
//	  id              resolved Voice Connector id ("" if unknown)
//	  name            name from the spec ("" if the spec gave an id)
//	  region          AWS Region
//	  action          "noop" | "put" | "delete"; a put with before null creates
//	  before, after   normalised origination, or null for none:
//	    disabled        bool
//	    routes          in canonical order (priority, host, port, protocol,
//	                    weight), each {host, port, priority, protocol, weight}
//	  disabled        {before, after} when the flag changes, else null
//	  routes          route-level changes, in order of priority then key:
//	    op              "+" added | "-" removed | "~" priority/weight changed
//	    route           "host:port/PROTOCOL"
//	    before, after   the route ({host, port, priority, protocol, weight}),
//	                    null on the side where it does not exist
//	    preflight       only for "+" and "~" routes that were checked:
//	                    {ok, detail}, detail being the status line and time
//	                    ("SIP/2.0 200 OK in 3ms") or why the check failed
//	  traffic         tiers whose split changes, priority 1 first:
//	    priority        the tier
//	    shares          one per route in the tier before or after, by route:
//	      route           "host:port/PROTOCOL"
//	      before_weight   the route's weight in this tier before; 0 if it is
//	                      not in the tier or the origination is absent or
//	                      disabled
//	      after_weight    the same, after
//	      before_percent  share of the tier's calls before, 0..100, rounded to
//	                      one decimal
//	      after_percent   the same, after
//
// It is internal to the reconciler and has no compatibility promise.
package diff
