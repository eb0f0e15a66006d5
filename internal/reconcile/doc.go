// Package reconcile plans and applies: it makes the live origination of
// Voice Connectors what the spec says, once, through the Engine that plan,
// apply and the daemon (package daemon) share. It decides, in one place
// (class.go), whether a connector's failure is worth retrying soon.
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
// the account's route quota names --max-routes (EngineOptions.MaxRoutes), and a
// refusal of the credentials says "AWS refused the credentials" in the
// service's words (package chime).
//
// Failures are per connector: one connector that cannot be read or written
// never stops the others, and the Result says, per connector, what
// happened. Classify says of each failure whether retrying soon can help
// (transient) or not until something changes (permanent), the same with
// or without a daemon on top.
//
// ApplyOptions.Begin, when set, is asked right before each write: a
// connector it refuses is not written and ends skipped. The daemon refuses
// the connectors an operator suspended.
//
// It is internal to the reconciler and has no compatibility promise.
package reconcile
