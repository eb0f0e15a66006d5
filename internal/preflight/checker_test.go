package preflight

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/siptest"
	"github.com/sipops/reconciler/internal/testpki"
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
		key  Target
		ok   bool
		want string
	}{
		{"sipp udp", Target{Key: origination.Key{Host: "127.0.0.1", Port: sipUDP, Protocol: "UDP"}}, true, "preflight: SIP/2.0 200 OK in "},
		{"sipp tcp", Target{Key: origination.Key{Host: "127.0.0.1", Port: sipTCP, Protocol: "TCP"}}, true, "preflight: SIP/2.0 200 OK in "},
		{"sipp via fqdn", Target{Key: origination.Key{Host: "sbc.example.com", Port: sipUDP, Protocol: "UDP"}}, true, "SIP/2.0 200 OK"},
		{"nothing on udp", Target{Key: origination.Key{Host: "127.0.0.1", Port: siptest.FreePort(t, "udp"), Protocol: "UDP"}}, false, "preflight FAILED: connection refused"},
		{"nothing on tcp", Target{Key: origination.Key{Host: "127.0.0.1", Port: siptest.FreePort(t, "tcp"), Protocol: "TCP"}}, false, "preflight FAILED: connection refused"},
		{"garbage udp", Target{Key: origination.Key{Host: "127.0.0.1", Port: siptest.Garbage(t, "udp"), Protocol: "UDP"}}, false, "preflight FAILED: not a SIP response"},
		{"garbage tcp", Target{Key: origination.Key{Host: "127.0.0.1", Port: siptest.Garbage(t, "tcp"), Protocol: "TCP"}}, false, "preflight FAILED: not a SIP response"},
		{"nxdomain", Target{Key: origination.Key{Host: "gone.example.com", Port: 5060, Protocol: "UDP"}}, false, "preflight FAILED: DNS: gone.example.com does not exist (NXDOMAIN)"},
		{"no a record", Target{Key: origination.Key{Host: "empty.example.com", Port: 5060, Protocol: "UDP"}}, false, "preflight FAILED: DNS: empty.example.com has no A record"},
		{"only aaaa", Target{Key: origination.Key{Host: "v6.example.com", Port: 5060, Protocol: "UDP"}}, false, "has no A record"},
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
	k := Target{Key: origination.Key{Host: "127.0.0.1", Port: c.LocalAddr().(*net.UDPAddr).Port, Protocol: "UDP"}}
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
	keys := []Target{{Key: origination.Key{Host: "a.example.com", Port: 5060, Protocol: "UDP"}}, {Key: origination.Key{Host: "b.example.com", Port: 5060, Protocol: "TCP"}}}
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

// TestCheckEveryAddress: a name resolving to several addresses passes
// only if every one answers, and the result names those that did not.
// The peers bind 127.0.0.2 and 127.0.0.3, loopback too on Linux.
func TestCheckEveryAddress(t *testing.T) {
	ips := func(last ...byte) []net.IPAddr {
		var out []net.IPAddr
		for _, b := range last {
			out = append(out, net.IPAddr{IP: net.IPv4(127, 0, 0, b)})
		}
		return out
	}
	udp := siptest.SippAt(t, "udp", "127.0.0.1", "127.0.0.2")
	silentUDP(t, "127.0.0.3", udp)
	tcp := siptest.SippAt(t, "tcp", "127.0.0.1", "127.0.0.3")
	ca := testpki.NewCA(t, "reconciler test CA")
	cert, key := ca.Valid(t, "sbc.example.test", "tls.example.test")
	tlsPort := siptest.KamailioAt(t, cert, key, "127.0.0.1", "127.0.0.2")
	res := &fakeResolver{hosts: map[string][]net.IPAddr{
		"sbc.example.test":     ips(1, 2),
		"three.example.test":   ips(1, 2, 3),
		"refused.example.test": ips(4, 1),
		"twice.example.test":   ips(1, 1),
		"tcp.example.test":     ips(3, 1),
		"tls.example.test":     ips(1, 2, 4),
	}}
	route := func(host string, port int, proto string) Target {
		return Target{Key: origination.Key{Host: host, Port: port, Protocol: proto}}
	}
	tests := []struct {
		name   string
		target Target
		want   string // whole, or the start when it ends with a space
	}{
		{"all answer", route("sbc.example.test", udp, "UDP"), "preflight: 2 of 2 addresses answered: SIP/2.0 200 OK in "},
		{"one silent", route("three.example.test", udp, "UDP"),
			"preflight FAILED: 2 of 3 addresses answered; 127.0.0.3: no answer within 700ms"},
		{"one refused", route("refused.example.test", udp, "UDP"),
			"preflight FAILED: 1 of 2 addresses answered; 127.0.0.4: connection refused"},
		{"repeated address", route("twice.example.test", udp, "UDP"), "preflight: SIP/2.0 200 OK in "},
		{"tcp", route("tcp.example.test", tcp, "TCP"), "preflight: 2 of 2 addresses answered: SIP/2.0 200 OK in "},
		{"tls all answer", Target{Key: origination.Key{Host: "sbc.example.test", Port: tlsPort, Protocol: "TCP"}, TLS: true},
			"preflight: 2 of 2 addresses answered: SIP/2.0 200 OK over TLS in "},
		{"tls one refused", Target{Key: origination.Key{Host: "tls.example.test", Port: tlsPort, Protocol: "TCP"}, TLS: true},
			"preflight FAILED: 2 of 3 addresses answered; 127.0.0.4: connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newChecker(res)
			c.Roots = caPool(t, ca.File)
			got := c.Check(t.Context(), tt.target)
			if s := got.String(); s != tt.want && !(strings.HasSuffix(tt.want, " ") && strings.HasPrefix(s, tt.want)) {
				t.Errorf("got %q, want %q", s, tt.want)
			}
		})
	}
}

// silentUDP binds host:port over UDP, reads and never answers.
func silentUDP(t *testing.T, host string, port int) {
	t.Helper()
	c, err := net.ListenPacket("udp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	go func() {
		buf := make([]byte, 65535)
		for {
			if _, _, err := c.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
}
