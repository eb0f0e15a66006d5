package preflight

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/siptest"
)

// fakeResolver answers from a map; a host not in it is NXDOMAIN.
type fakeResolver struct {
	mu    sync.Mutex
	hosts map[string][]net.IPAddr
	err   error
	calls int
}

var _ Resolver = (*fakeResolver)(nil)

func (f *fakeResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	addrs, ok := f.hosts[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return addrs, nil
}

func newChecker(r Resolver) *Checker {
	return &Checker{Resolver: r, Timeout: 700 * time.Millisecond, Budget: 5 * time.Second, Concurrency: 4}
}

func loopback() []net.IPAddr { return []net.IPAddr{{IP: net.IPv4(127, 0, 0, 1)}} }

func TestCheck(t *testing.T) {
	sipUDP, sipTCP := siptest.Sipp(t, "udp"), siptest.Sipp(t, "tcp")
	res := &fakeResolver{hosts: map[string][]net.IPAddr{
		"sbc.example.com":   loopback(),
		"empty.example.com": {},
		"v6.example.com":    {{IP: net.ParseIP("::1")}},
	}}
	tests := []struct {
		name string
		key  origination.Key
		ok   bool
		want string
	}{
		{"sipp udp", origination.Key{Host: "127.0.0.1", Port: sipUDP, Protocol: "UDP"}, true, "preflight: SIP/2.0 200 OK in "},
		{"sipp tcp", origination.Key{Host: "127.0.0.1", Port: sipTCP, Protocol: "TCP"}, true, "preflight: SIP/2.0 200 OK in "},
		{"sipp via fqdn", origination.Key{Host: "sbc.example.com", Port: sipUDP, Protocol: "UDP"}, true, "SIP/2.0 200 OK"},
		{"nothing on udp", origination.Key{Host: "127.0.0.1", Port: siptest.FreePort(t, "udp"), Protocol: "UDP"}, false, "preflight FAILED: connection refused"},
		{"nothing on tcp", origination.Key{Host: "127.0.0.1", Port: siptest.FreePort(t, "tcp"), Protocol: "TCP"}, false, "preflight FAILED: connection refused"},
		{"garbage udp", origination.Key{Host: "127.0.0.1", Port: siptest.Garbage(t, "udp"), Protocol: "UDP"}, false, "preflight FAILED: not a SIP response"},
		{"garbage tcp", origination.Key{Host: "127.0.0.1", Port: siptest.Garbage(t, "tcp"), Protocol: "TCP"}, false, "preflight FAILED: not a SIP response"},
		{"nxdomain", origination.Key{Host: "gone.example.com", Port: 5060, Protocol: "UDP"}, false, "preflight FAILED: DNS: gone.example.com does not exist (NXDOMAIN)"},
		{"no a record", origination.Key{Host: "empty.example.com", Port: 5060, Protocol: "UDP"}, false, "preflight FAILED: DNS: empty.example.com has no A record"},
		{"only aaaa", origination.Key{Host: "v6.example.com", Port: 5060, Protocol: "UDP"}, false, "has no A record"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := newChecker(res).Check(t.Context(), tt.key)
			if got.OK != tt.ok || !strings.Contains(got.String(), tt.want) {
				t.Errorf("got %+v (%s), want ok=%t and %q", got, got, tt.ok, tt.want)
			}
		})
	}
}

func TestCheckSilentUDPTimesOut(t *testing.T) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var mu sync.Mutex
	got := 0
	go func() {
		buf := make([]byte, 65535)
		for {
			if _, _, err := c.ReadFrom(buf); err != nil {
				return
			}
			mu.Lock()
			got++
			mu.Unlock()
		}
	}()
	k := origination.Key{Host: "127.0.0.1", Port: c.LocalAddr().(*net.UDPAddr).Port, Protocol: "UDP"}
	ch := &Checker{Resolver: &fakeResolver{}, Timeout: 1600 * time.Millisecond}
	start := time.Now()
	r := ch.Check(t.Context(), k)
	if r.OK || r.Reason != "no answer within 1.6s" {
		t.Errorf("got %+v, want no answer within 1.6s", r)
	}
	if d := time.Since(start); d < 1500*time.Millisecond || d > 2500*time.Millisecond {
		t.Errorf("took %s, want about 1.6s", d)
	}
	mu.Lock()
	defer mu.Unlock()
	// Sent at 0, 0.5 s and 1.5 s (T1, then 2·T1).
	if got != 3 {
		t.Errorf("got %d transmissions, want 3", got)
	}
}

func TestCheckAllCachesAndBounds(t *testing.T) {
	res := &fakeResolver{hosts: map[string][]net.IPAddr{}}
	var observed []ProbeResult
	c := newChecker(res)
	c.Observe = func(r ProbeResult) { observed = append(observed, r) }
	keys := []origination.Key{{Host: "a.example.com", Port: 5060, Protocol: "UDP"}, {Host: "b.example.com", Port: 5060, Protocol: "TCP"}}
	c.Concurrency = 1
	first := c.CheckAll(t.Context(), keys)
	second := c.CheckAll(t.Context(), keys)
	if len(first) != 2 || len(second) != 2 || res.calls != 2 || len(observed) != 2 {
		t.Errorf("got %d, %d results, %d lookups, %d observed; want 2, 2, 2, 2", len(first), len(second), res.calls, len(observed))
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r := newChecker(res).Check(ctx, keys[0])
	if r.OK || !strings.Contains(r.Reason, "budget") {
		t.Errorf("got %+v after the budget, want a budget failure", r)
	}
}
