// Package preflight proves that a SIP route answers before calls are sent
// to it: it resolves the route's host, sends a SIP OPTIONS request to every
// IPv4 address of it over UDP (retransmitted per RFC 3261 timer A), TCP,
// or TLS over TCP for the routes of a connector that requires encryption,
// and records the answers. Any SIP response, even 4xx or 5xx, shows that a
// SIP stack listens; silence, a refused connection, an answer that is not
// SIP or a failed TLS handshake is a failure, and a route passes only if
// every address answers.
//
// Over TLS it checks the peer as Amazon Chime does: the chain against the
// system's authorities (or the Checker's Roots) and the name against the
// route's host, an IP address against the IP SANs. Each way a handshake
// fails has its own reason: an expired certificate, a name mismatch, an
// unknown authority, a refused or reset handshake, a peer in clear.
//
// It is internal to the reconciler and has no compatibility promise.
package preflight
