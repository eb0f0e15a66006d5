package preflight

import (
	"fmt"
	"strings"
	"time"
)

// ProbeResult is the outcome of checking one route. A route whose host
// resolves to several addresses passes only if every address answers; its
// result sums them up and lists each in Addresses.
type ProbeResult struct {
	OK     bool
	Status string        // the response's status line, when OK (and, for several addresses, the same for all)
	Addr   string        // the address probed, when resolved to one
	RTT    time.Duration // time to the answer, when OK (the slowest, for several addresses)
	Reason string        // why it failed, when not OK
	TLS    bool          // probed over TLS
	// Addresses holds each address's result, in resolver order, when the
	// host resolved to more than one.
	Addresses []ProbeResult
}

// String is what a plan shows next to the route, inside brackets.
func (r ProbeResult) String() string {
	if r.OK {
		return "preflight: " + r.Detail()
	}
	return "preflight FAILED: " + r.Detail()
}

// Detail is "SIP/2.0 200 OK in 3ms" for a route that answered (with "over
// TLS" before "in" when probed over TLS), else why it failed. For a host
// with several addresses it starts with how many answered: "3 of 3
// addresses answered: SIP/2.0 200 OK in 3ms", or "2 of 3 addresses
// answered; 192.0.2.3: no answer within 2s".
func (r ProbeResult) Detail() string {
	switch {
	case !r.OK:
		return r.Reason
	case len(r.Addresses) > 1 && r.Status == "":
		return answered(r.Addresses) + "; " + each(r.Addresses, true)
	case len(r.Addresses) > 1:
		return answered(r.Addresses) + ": " + r.answer()
	}
	return r.answer()
}

// answer is "SIP/2.0 200 OK in 3ms" or "SIP/2.0 200 OK over TLS in 3ms".
func (r ProbeResult) answer() string {
	s := r.Status
	if r.TLS {
		s += " over TLS"
	}
	if r.RTT < time.Millisecond {
		return s + " in <1ms"
	}
	return fmt.Sprintf("%s in %dms", s, r.RTT.Milliseconds())
}

// combine sums up the results of the addresses of one host: OK when all
// are, then with their common status line, if any, and the slowest time;
// else failed, with the reason of each address that did not answer.
func combine(rs []ProbeResult, tls bool) ProbeResult {
	if len(rs) == 1 {
		return rs[0]
	}
	out := ProbeResult{OK: true, Status: rs[0].Status, TLS: tls, Addresses: rs}
	for _, r := range rs {
		out.OK = out.OK && r.OK
		out.RTT = max(out.RTT, r.RTT)
		if r.Status != out.Status {
			out.Status = ""
		}
	}
	if !out.OK {
		out.Status, out.RTT = "", 0
		out.Reason = answered(rs) + "; " + each(rs, false)
	}
	return out
}

// answered is "2 of 3 addresses answered".
func answered(rs []ProbeResult) string {
	n := 0
	for _, r := range rs {
		if r.OK {
			n++
		}
	}
	return fmt.Sprintf("%d of %d addresses answered", n, len(rs))
}

// each is "192.0.2.2: connection refused; 192.0.2.3: no answer within
// 2s": the addresses that did not answer, or with ok, those that did.
func each(rs []ProbeResult, ok bool) string {
	var parts []string
	for _, r := range rs {
		if r.OK == ok {
			parts = append(parts, host(r.Addr)+": "+r.Detail())
		}
	}
	return strings.Join(parts, "; ")
}
