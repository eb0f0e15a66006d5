// Package diff plans the changes of Voice Connectors: it compares the
// desired state from the spec with the live state read from the service and
// says, per connector and per managed setting, what to write, and renders
// the plan as text, Markdown and JSON. It is pure: no I/O besides writing a
// rendering to an io.Writer, and it never modifies its inputs. What is
// particular to a setting (origination's routes, its traffic shares, its
// gates) is its kind's (setting.Kind, package origination); diff does what
// is the same for every setting.
//
// # Planning
//
// [Compute] plans every desired connector; [ComputeOne] plans one, so the
// apply engine can re-plan a connector after re-reading it. A connector's
// [Change] holds one setting.Change per setting its spec names, in the
// spec's order, each planned by its kind (setting.Kind.Plan): noop (live
// already matches, after the kind's normalisation, so cosmetic differences
// never cause a write), put (write After; Before is nil when this creates
// the setting) or delete (the spec says absent: true and the setting is
// configured). A setting the spec does not name is not planned, read or
// written. A connector changes when one of its settings does; it is a
// create when every setting that changes is created, a delete when every
// one is deleted.
//
// Desired connectors missing from the live map (not resolved, or the read
// failed) are not planned: their keys are listed in Plan.Unknown and counted
// as "unknown". The apply engine reports their errors itself; the caller
// may pass them in RenderOptions.Errors for the Markdown rendering.
//
// [Plan.Refuse] takes one setting's change of one connector out of the plan
// when the caller knows the service would refuse the write (origination's
// check refuses a delete or disable while emergency calling is configured):
// the change moves to Plan.Refused with its reason, is counted as
// "refused", is never applied, and no gate weighs it. Unlike a refused
// gate, it refuses one connector, not the whole plan.
//
// # Safety gates
//
// [Plan.Check] returns the gates a plan trips that the [Gates] do not allow.
// One gate is diff's, for every setting alike:
//
//   - mass-change (allowed by --allow-mass-change): the plan puts or deletes
//     a setting of more than 30% of the connectors that already have it
//     (Before not nil), when there are at least 10 such connectors; weighed
//     per setting. Creating a setting where there is none is additive and
//     does not count; unknown connectors do not count either.
//
// The others are the kinds' (setting.Kind.Gates), per connector:
// origination's traffic-loss (allowed by --allow-traffic-loss) and
// encryption (no flag); see package origination.
//
// # Text rendering
//
// [Plan.WriteText] writes a plan for people, like terraform plan: one block
// per connector that changes (+ create, ~ change, - delete), each setting's
// lines as its kind writes them (origination: its disabled flag, route
// changes, then the traffic effect per tier); refused changes marked "!"
// with their reason; unknown connectors marked "?"; a summary line; then
// the refused gates. Noop connectors are only counted. RenderOptions.Color
// adds ANSI colour to the markers (green +, yellow ~, red -).
//
// # Markdown rendering
//
// [Plan.WriteMarkdown] writes a plan as a pull-request comment, in
// GitHub- and GitLab-flavoured Markdown, without colour: a heading with the
// revision and the summary line of the text rendering; the refused gates;
// the refused changes with their reasons; the unknown connectors, each with
// its error when RenderOptions.Errors has one; a table of the connectors
// that change (key, id, region, change); the kinds' own sections
// (origination's preflight results of the routes shown, once per route);
// then, per connector, the lines of the text rendering in a code block
// inside a collapsed <details> section. Keys, ids and routes are code
// spans, longer-fenced when they hold backticks, with pipes escaped in
// table cells; messages and errors have Markdown punctuation
// backslash-escaped and line breaks made spaces (package markdown).
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
//	  ...             each setting's members (setting.Kind.JSON)
//
// A setting's members are in an object named after it, but origination's
// (setting.Flat), which are the connector's own members as format 1 had
// them before connectors had several settings: action, before, after,
// disabled, routes and traffic, described in package origination.
//
// It is internal to the reconciler and has no compatibility promise.
package diff
