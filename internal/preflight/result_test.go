package preflight

import (
	"testing"
	"time"
)

func TestDetail(t *testing.T) {
	ok := func(addr, status string, rtt time.Duration, tls bool) ProbeResult {
		return ProbeResult{OK: true, Status: status, Addr: addr, RTT: rtt, TLS: tls}
	}
	failed := func(addr, reason string) ProbeResult { return ProbeResult{Addr: addr, Reason: reason} }
	tests := []struct {
		name string
		in   []ProbeResult
		tls  bool
		want string
	}{
		{"one address", []ProbeResult{ok("192.0.2.1:5060", "SIP/2.0 200 OK", 3*time.Millisecond, false)}, false,
			"preflight: SIP/2.0 200 OK in 3ms"},
		{"fast", []ProbeResult{ok("192.0.2.1:5060", "SIP/2.0 200 OK", time.Microsecond, false)}, false,
			"preflight: SIP/2.0 200 OK in <1ms"},
		{"one address failed", []ProbeResult{failed("192.0.2.1:5060", "no answer within 2s")}, false,
			"preflight FAILED: no answer within 2s"},
		{"over tls", []ProbeResult{ok("192.0.2.1:5061", "SIP/2.0 200 OK", 3*time.Millisecond, true)}, true,
			"preflight: SIP/2.0 200 OK over TLS in 3ms"},
		{"all answered", []ProbeResult{
			ok("192.0.2.1:5060", "SIP/2.0 200 OK", 3*time.Millisecond, false),
			ok("192.0.2.2:5060", "SIP/2.0 200 OK", 9*time.Millisecond, false),
			ok("192.0.2.3:5060", "SIP/2.0 200 OK", 5*time.Millisecond, false),
		}, false, "preflight: 3 of 3 addresses answered: SIP/2.0 200 OK in 9ms"},
		{"all answered differently", []ProbeResult{
			ok("192.0.2.1:5061", "SIP/2.0 200 OK", 3*time.Millisecond, true),
			ok("192.0.2.2:5061", "SIP/2.0 503 Service Unavailable", 4*time.Millisecond, true),
		}, true, "preflight: 2 of 2 addresses answered; 192.0.2.1: SIP/2.0 200 OK over TLS in 3ms; 192.0.2.2: SIP/2.0 503 Service Unavailable over TLS in 4ms"},
		{"one failed", []ProbeResult{
			ok("192.0.2.1:5060", "SIP/2.0 200 OK", 3*time.Millisecond, false),
			ok("192.0.2.2:5060", "SIP/2.0 200 OK", 3*time.Millisecond, false),
			failed("192.0.2.3:5060", "no answer within 2s"),
		}, false, "preflight FAILED: 2 of 3 addresses answered; 192.0.2.3: no answer within 2s"},
		{"two failed", []ProbeResult{
			failed("192.0.2.1:5061", "connection refused"),
			ok("192.0.2.2:5061", "SIP/2.0 200 OK", 3*time.Millisecond, true),
			failed("192.0.2.3:5061", "TLS: certificate expired at 2024-01-02T03:04:05Z"),
		}, true, "preflight FAILED: 1 of 3 addresses answered; 192.0.2.1: connection refused; 192.0.2.3: TLS: certificate expired at 2024-01-02T03:04:05Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := combine(tt.in, tt.tls).String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
