// Package reconcile makes the live origination of Voice Connectors what the
// spec says: the Engine plans and applies once (plan and apply), and the
// Loop is the daemon built on it.
//
// # Engine: plan and apply
//
// A run has two phases (plan.go, apply.go). Plan reads: one
// ListVoiceConnectors listing per region for connectors named by name, one
// GetVoiceConnectorOrigination per connector, and one GetVoiceConnector per
// connector that needs a change and was not seen before (to learn
// RequireEncryption and that it exists). A change that deletes origination
// or writes it disabled also reads the connector's emergency calling
// configuration, once; no other change does. The service refuses such a
// change while emergency calling is configured, so the plan refuses it
// first (diff.Plan.Refuse), for that connector only, with
// ErrEmergencyCalling as its reason and error: plan shows it refused and
// apply never writes it. Apply writes, only what the plan says: before each
// write it reads the origination again and, if someone changed it since the
// plan, plans that connector anew instead of writing blindly over their
// change; after it, it checks the answer of the Put (or reads back after a
// Delete) against the desired state. A run that changes N connectors thus
// makes the reads plus at most three calls per change, one more for a
// change that turns origination off and one more for a delete of a
// connector not seen before (five at most); connectors are remembered, so a
// daemon asks GetVoiceConnector once per connector. A run with nothing to
// change makes only reads. An optional preflight (preflight.go) checks the
// routes a plan adds or changes.
//
// A service that answers 404 for a connector without origination (the
// service documents nothing; the simulator's Unconfigured notfound) costs
// one GetVoiceConnector more per such connector named by id, on each read
// of the plan: the port tells it from a missing connector, which fails
// instead of passing for one without origination. Connectors found by a
// listing, and the reads of apply, which follow a plan that found the
// connector, are not asked again. Results are the same under both answers.
//
// Errors the operator can act on say how: a write the service refuses for
// the account's route quota names --max-routes (SetMaxRoutes), and a
// refusal of the credentials says "AWS refused the credentials" in the
// service's words (package chime).
//
// Failures are per connector: one connector that cannot be read or written
// never stops the others, and the Result says, per connector, what
// happened.
//
// # Loop: the daemon
//
// The Loop (loop.go) applies each new revision, sweeps every managed
// connector for drift, retries failed connectors with backoff and takes new
// settings on reload. What it records of each pass, the metrics through a
// Recorder and the Overview that /status and the status page show, is in
// record.go.
//
// A failed connector is retried as the class of its error says
// (failure.go): a transient one (throttling, 5xx, a timeout, a connection
// error) on exponential backoff; a permanent one (a connector that does
// not exist, a name that matches none, a refused change, refused
// credentials, the API refusing the request: validation, AccessDenied,
// NotFound, the route quota) shows failed with its reason and is retried
// on the next revision accepted, on a reload, when resumed, and otherwise
// every PermanentRetryInterval (an hour).
//
// The loop beats a heartbeat (heartbeat.go) at each turn of its select,
// around each evaluation of a revision and at each API call that returns;
// Alive reports whether the last beat is within LoopOptions.Stall, and the
// daemon pings systemd's watchdog only while it is. Each evaluation runs
// under a context that ends when the loop stops, so that SIGTERM does not
// wait for a runaway spec.
//
// # Leader election
//
// Given an Election (LoopOptions.Election; package leader runs one on
// etcd), the loop writes only during a term of leadership, and every read
// and write of a pass runs under the term's context: when the term ends,
// writes in flight are cancelled and no new one starts. Between terms the
// loop is a standby: it validates each revision and keeps the newest valid
// one, but neither plans, sweeps nor retries, so it makes no call to the
// Chime API. A term begins as a reload does: the newest valid revision
// goes through the revision pass (its gates included) if this loop has not
// accepted it yet, then every managed connector is swept. A standby is
// ready once it has validated a revision it could take over with.
//
// # Suspensions
//
// An operator may suspend connectors (suspend.go; package control takes
// the requests): the loop then writes them on no trigger, new revision,
// drift sweep or retry, until they are resumed, while it still reads them
// and shows their drift (state suspended). They are taken out of each plan
// before the gates are checked, and the engine asks again right before
// each write (ApplyOptions.Begin), so that a suspension arriving during a
// pass stops the writes not yet begun; Suspend returns once the writes
// already begun are over. A revision's gates weigh its change of a
// suspended connector against the spec in force, not against the live
// state the operator set by hand. Resume lifts a suspension and reconciles
// those connectors at once, in a pass of their own (trigger resume),
// ungated as drift correction is. Suspensions are kept by a
// SuspensionStore and given back at start (LoopOptions.Suspended); with
// leader election each daemon keeps its own, and a standby's take effect
// when it leads.
//
// It is internal to the reconciler and has no compatibility promise.
package reconcile
