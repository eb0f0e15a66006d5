// Package setting is the contract every managed setting of a Voice
// Connector fulfils, and the vocabulary it is written in. Origination is
// its first Kind; termination, credentials and the rest each come as one
// package implementing Kind, registered in package settings, and the spec
// loader, the engine, the daemon, the plan renderers, the importer, the
// metrics and /status take them as they come, knowing none of them: they
// iterate over a connector's settings. Crossplane drives every managed resource
// through one ExternalClient (Observe, Create, Update, Delete), and
// Terraform every resource through its schema; this is the reconciler's.
//
// # What a kind does
//
// A Kind, for the setting it names (origination), does everything that
// is particular to that setting:
//
//   - the spec: the fields of its block in a connector's spec, decoding
//     and checking them with diagnostics at file:line:col (Decode, on the
//     nodes of package specdata), and its CUE definition for schema.cue;
//   - the live state: reading it (Read: nil is not configured), writing a
//     change and checking that the service holds it (Write), and the API
//     operations it calls, which the IAM policies must grant;
//   - planning: comparing the desired and live values and deciding put,
//     delete or noop (Plan), the checks a plan of it needs that only a
//     read can tell (Check: emergency calling, preflight), and the safety
//     gates its changes trip (Gates);
//   - rendering its changes in plans: text, Markdown and JSON;
//   - importing: its block of a spec file, from a live value;
//   - its cell of the status page.
//
// What is the same for every setting is not a kind's: finding connectors
// by name, the concurrency and rate of calls, re-reading before a write
// and planning again if someone changed it, the mass-change gate, who may
// write (suspensions, leader election), retries and their schedule, the
// change log, metrics and /status.
//
// # Values
//
// A Value is a setting's configuration of a connector, in the kind's own
// type; nil is "not configured", whether read so or asked for (a Desired
// that is Absent). Equal and Format handle nil; a kind never hands out a
// typed nil.
//
// It is internal to the reconciler and has no compatibility promise.
package setting
