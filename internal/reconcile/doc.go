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
// RequireEncryption and that it exists). Apply writes, only what the plan
// says: before each write it reads the origination again and, if someone
// changed it since the plan, plans that connector anew instead of writing
// blindly over their change; after it, it checks the answer of the Put (or
// reads back after a Delete) against the desired state. A run that changes
// N connectors thus makes the reads plus at most three calls per change
// (four for a delete of a connector not seen before); connectors are
// remembered, so a daemon asks GetVoiceConnector once per connector. A run
// with nothing to change makes only reads. An optional preflight
// (preflight.go) checks the routes a plan adds or changes.
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
// It is internal to the reconciler and has no compatibility promise.
package reconcile
