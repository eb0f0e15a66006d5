// Package preflight proves that a SIP route answers before calls are sent
// to it: it resolves the route's host, sends a SIP OPTIONS request over UDP
// (retransmitted per RFC 3261 timer A) or TCP, and records the answer. Any
// SIP response, even 4xx or 5xx, shows that a SIP stack listens; silence, a
// refused connection or an answer that is not SIP is a failure.
//
// It is internal to the reconciler and has no compatibility promise.
package preflight
