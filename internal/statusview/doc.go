// Package statusview renders the daemon's status, its Overview, for
// people, in each of the places they read it: the status page (HTML, what
// an on-call engineer needs at a glance), the text of "reconciler status"
// (the suspensions and failures first, for an operator in an incident),
// and the one line systemd shows in "systemctl status" (STATUS=). All of
// them shorten revisions and say how long ago things happened the same
// way.
//
// The page: with leader election it says whether this daemon leads and,
// if not, who does. Connectors suspended with "reconciler suspend" are
// listed on their own, with who, why and for how long, and their rows say
// whether the live routes differ from the spec. Server-rendered with
// html/template, no external assets and no JavaScript: it works in any
// browser and refreshes itself with a meta refresh.
//
// It is internal to the reconciler and has no compatibility promise.
package statusview
