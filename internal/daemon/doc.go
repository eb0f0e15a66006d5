// Package daemon is the reconciler's long-running loop, reconciler run:
// it applies each new revision of the spec, sweeps every managed connector
// for drift, retries the connectors that failed, takes the operators'
// suspensions and resumes, and keeps the Overview that /status, the status
// page and systemd show. It plans and applies through the Engine of
// package reconcile, and writes nothing itself.
//
// # One pass, five triggers
//
// Every pass runs the same ordered steps (pass.go): plan the connectors,
// gate a new revision, accept it, observe drift, hold the suspended
// connectors out, apply, finish. The triggers differ only in what they
// give the pass (passInput): a new revision plans the connectors whose
// desired state changed and is gated and accepted before anything is
// written; a drift sweep (the drift timer, a reload) plans every managed
// connector and, with --drift=report, writes nothing; a retry plans the
// failed connectors whose backoff ended; a resume plans the connectors an
// operator just resumed; a term of leadership begins with the newest valid
// revision's pass, then a sweep.
//
// # Connectors
//
// The tracker (tracker.go) owns each connector's state, changed by one
// method per transition: accepted (pending), in sync, drifted, applied,
// failed, interrupted, suspended, resumed. A failed connector is retried
// as the class of its error says (reconcile.Classify): a transient one
// (throttling, 5xx, a timeout, a connection error) on exponential backoff
// from Options.RetryBase to RetryMax; a permanent one (a connector that
// does not exist, a name that matches none, a refused change, refused
// credentials, the API refusing the request) shows failed with its reason
// and is retried on the next revision accepted, on a reload, when
// resumed, and otherwise every PermanentRetryInterval (an hour).
//
// # Suspensions
//
// An operator may suspend connectors (suspend.go; package control takes
// the requests, package suspension keeps them): the loop then writes them
// on no trigger, while it still reads them and shows their drift (state
// suspended). A pass asks only two things of the suspensions (Muter):
// whether a connector is suspended, to take it out of the plan before it
// is applied, and, right before each write, whether it may begin, so that
// a suspension arriving during a pass stops the writes not yet begun;
// Suspend returns once the writes already begun are over. A revision's
// gates weigh its change of a suspended connector against the spec in
// force, not against the live state the operator set by hand. Resume
// reconciles those connectors at once, in a pass of their own, ungated as
// drift correction is.
//
// # Leader election
//
// Given an Election (package leader runs one on etcd), the loop writes
// only during a term of leadership (leadership.go), and every read and
// write of a pass runs under the term's context: when the term ends,
// writes in flight are cancelled and no new one starts. Between terms the
// loop is a standby: it validates each revision and keeps the newest valid
// one, but neither plans, sweeps nor retries, so it makes no call to the
// Chime API. A standby is ready once it has validated a revision it could
// take over with.
//
// # Watchdog
//
// The loop beats a Heartbeat (heartbeat.go) at each turn of its select
// and around each evaluation of a revision, and the daemon beats it at
// each API call that returns; Alive reports whether the last beat is
// within Options.Stall, and the daemon pings systemd's watchdog only while
// it is. Each evaluation runs under a context that ends when the loop
// stops, so that SIGTERM does not wait for a runaway spec.
//
// It is internal to the reconciler and has no compatibility promise.
package daemon
