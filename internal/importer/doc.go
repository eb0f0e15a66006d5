// Package importer turns the live settings of existing Voice Connectors into
// a spec directory (`reconciler import`), so that a team whose connectors
// were configured by hand can adopt the reconciler without it changing
// anything: the spec it writes says exactly what is live, and a plan of it
// is empty.
//
// Import lists the connectors of each region (all of them, or those chosen by
// id or name), reads each connector's managed settings through their kinds
// (setting.Kind.Read; a bounded number of connectors at once: the Chime
// port's rate limiter and retries set the pace), gives every connector a key,
// and renders one CUE file per region in the format of the example specs,
// canonical as `cue fmt` writes it. The output depends on the live state
// only, never on listing order or the time of day: two imports of the same
// state are byte-identical, so a re-import shows real drift as a small diff.
//
// Each setting is written as its kind imports it (setting.Kind.Import), which
// is what the planner compares. For origination: hosts verbatim (the planner
// compares them exactly, so lower-casing or dropping a trailing dot would
// plan a change), routes in the planner's canonical order, the port only when
// it is not 5060, disabled: true with the routes kept, and absent: true for a
// connector without origination. A connector with none of the settings is
// left out with a comment when unconfigured connectors are skipped.
//
// Live state the service accepted but the spec's rules reject (a host that
// is not an IPv4 address or an FQDN, more routes than the quota, a missing
// priority...) is written all the same, with a comment saying what must
// change, and reported as a Problem: nothing is dropped silently. Problems
// are found by loading the rendered files with the schema package and the
// same kinds, the loader `reconciler validate` runs, so there is no second
// copy of the rules to drift from the first.
//
// It is internal to the reconciler and has no compatibility promise.
package importer
