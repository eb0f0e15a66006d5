// Package reconcile plans and applies origination changes against the Chime
// SDK Voice API.
//
// A run has two phases. Plan reads: one ListVoiceConnectors listing per
// region for connectors named by name, one GetVoiceConnectorOrigination per
// connector, and one GetVoiceConnector per connector that needs a change and
// was not seen before (to learn RequireEncryption and that it exists). Apply writes, only what the
// plan says: before each write it reads the origination again and, if
// someone changed it since the plan, plans that connector anew instead of
// writing blindly over their change; after it, it checks the answer of the
// Put (or reads back after a Delete) against the desired state. A run that
// changes N connectors thus makes the reads plus at most three calls per
// change (four for a delete of a connector not seen before); connectors are
// remembered, so a daemon asks GetVoiceConnector once per connector. A run
// with nothing to change makes only reads.
//
// Failures are per connector: one connector that cannot be read or written
// never stops the others, and the Result says, per connector, what happened.
package reconcile
