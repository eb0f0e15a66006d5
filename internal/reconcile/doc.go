// Package reconcile plans and applies: it makes the live settings of Voice
// Connectors what the spec says, once, through the Engine that plan, apply
// and the daemon (package daemon) share. It drives every managed setting
// through its kind (setting.Kind: read, plan, check, write), knowing none
// of them, and decides, in one place (class.go), whether a connector's
// failure is worth retrying soon.
//
// # Engine: plan and apply
//
// A run has two phases (plan.go, apply.go). Plan reads: one
// ListVoiceConnectors listing per region for connectors named by name, one
// read per setting the spec names of each connector (origination:
// GetVoiceConnectorOrigination), and one GetVoiceConnector per connector
// that needs a change and was not seen before (to learn RequireEncryption
// and that it exists). A setting the spec does not name is never read or
// written. Then each kind checks its changes that write, once per plan
// (setting.Kind.Check), with what only a read can tell: origination reads
// the emergency calling configuration of the connectors whose change
// turns it off, and of no other, and refuses those changes where one is
// configured (the service would refuse them), for that connector only:
// plan shows it refused (diff.Plan.Refuse) and apply never writes it; and
// its optional preflight checks the routes the plan adds or changes.
//
// Apply writes, only what the plan says: before each write of a setting it
// reads the setting again and, if someone changed it since the plan, plans
// that connector's setting anew instead of writing blindly over their
// change; the kind's Write then checks the service's answer (or reads
// back) against the desired state. A run that changes N connectors' origination
// thus makes the reads plus at most three calls per change, one more for
// a change that turns origination off and one more for a delete of a
// connector not seen before (five at most); connectors are remembered, so a
// daemon asks GetVoiceConnector once per connector. A run with nothing to
// change makes only reads.
//
// A service that answers 404 for a connector without origination (the
// service documents nothing; the simulator's Unconfigured notfound) costs
// one GetVoiceConnector more per such connector named by id, on each read
// of the plan: the port tells it from a missing connector, which fails
// instead of passing for one without origination. Connectors found by a
// listing, and the reads of apply, which follow a plan that found the
// connector, are not asked again (setting.Connector.Known). Results are the
// same under both answers.
//
// Errors the operator can act on say how: a write the service refuses for
// the account's route quota names --max-routes, and a refusal of the
// credentials says "AWS refused the credentials" in the service's words
// (package chime).
//
// Failures are per connector: one connector that cannot be read or written
// never stops the others, and the Result says, per connector and per
// setting, what happened. Classify says of each failure whether retrying
// soon can help (transient) or not until something changes (permanent),
// the same with or without a daemon on top.
//
// ApplyOptions.Begin, when set, is asked right before each connector's
// writes: a connector it refuses is not written and ends skipped. The
// daemon refuses the connectors an operator suspended.
//
// It is internal to the reconciler and has no compatibility promise.
package reconcile
