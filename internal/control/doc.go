// Package control is the daemon's control socket: the break glass that
// operators on the host use during an incident. "reconciler suspend" stops
// the daemon from writing a connector, so that a change made by hand (calls
// sent to the DR site from the console) is not reverted by the next drift
// sweep; "reconciler resume" lifts it and reconciles the connector at once;
// "reconciler status" shows where things stand.
//
// # The socket
//
// A Unix socket, mode 0600, owned by the daemon's user: only that user and
// root can connect. The daemon learns who connected from the socket's peer
// credentials (SO_PEERCRED), not from anything the client says, and records
// that user with each suspension. Under systemd the socket is
// $RUNTIME_DIRECTORY/control.sock (/run/reconciler/control.sock with the
// shipped unit), else control.sock in the state directory.
//
// # Protocol
//
// One request per connection: the client writes one JSON object on one
// line, the daemon answers with one JSON object on one line and closes the
// connection. Both carry "version"; this is version 1. A daemon answers a
// request of a version it does not speak with an error; fields may be added
// within a version, and readers ignore fields they do not know.
//
//	{"version":1,"command":"suspend","keys":["sbc-east"],"reason":"INC-4242","sudo_user":"alice"}
//	{"version":1,"suspended":[{"key":"sbc-east","reason":"INC-4242","by":{"user":"root","uid":0,"sudo_user":"alice"},"since":"..."}]}
//
//	{"version":1,"command":"resume","all":true}
//	{"version":1,"resumed":[...],"not_suspended":[...]}
//
//	{"version":1,"command":"status"}
//	{"version":1,"overview":{...}}    (what /status serves)
//
//	{"version":1,"error":"unknown connector \"sbc-wset\": ...","unknown":["sbc-wset"]}
//
// A request either does all it asks or nothing: one unknown key rejects it
// whole.
//
// # Suspensions on disk
//
// File keeps the suspensions in suspensions.json in the state directory,
// replaced atomically (a temporary file, fsync, rename, fsync of the
// directory) on every change, so they survive restarts and upgrades. A
// daemon that cannot read the file does not start: starting without the
// suspensions would revert what operators changed by hand.
//
// It is internal to the reconciler and has no compatibility promise beyond
// the protocol version.
package control
