package preflight

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sipops/reconciler/internal/origination"
)

// Resolver looks up the addresses of a host; *net.Resolver implements it.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

var _ Resolver = (*net.Resolver)(nil)

// Target is one route as probed: origination's probe target, its key and
// whether it is probed over TLS.
type Target = origination.Target

// Checker checks routes with bounded concurrency and total time, and
// caches each target's result for its lifetime: make one per plan.
type Checker struct {
	Resolver    Resolver
	Timeout     time.Duration // per route
	Budget      time.Duration // for all the routes of one CheckAll
	Concurrency int
	// Roots are the certificate authorities TLS targets are verified
	// against; nil means the system's.
	Roots *x509.CertPool
	// Observe, if set, is called once per route actually checked.
	Observe func(ProbeResult)

	mu    sync.Mutex
	cache map[Target]ProbeResult
}

// New returns a checker using the system resolver and roots.
func New(timeout time.Duration) *Checker {
	return &Checker{Resolver: net.DefaultResolver, Timeout: timeout, Budget: 4 * timeout, Concurrency: 8}
}

// CheckAll checks targets concurrently and returns each one's result.
func (c *Checker) CheckAll(ctx context.Context, targets []Target) map[Target]ProbeResult {
	if c.Budget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Budget)
		defer cancel()
	}
	sem := make(chan struct{}, max(c.Concurrency, 1))
	out := make(map[Target]ProbeResult, len(targets))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, t := range targets {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
			}
			r := c.Check(ctx, t)
			mu.Lock()
			out[t] = r
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// Check checks one target, or returns its cached result.
func (c *Checker) Check(ctx context.Context, t Target) ProbeResult {
	c.mu.Lock()
	r, ok := c.cache[t]
	c.mu.Unlock()
	if ok {
		return r
	}
	r = c.check(ctx, t)
	c.mu.Lock()
	if c.cache == nil {
		c.cache = map[Target]ProbeResult{}
	}
	c.cache[t] = r
	c.mu.Unlock()
	if c.Observe != nil {
		c.Observe(r)
	}
	return r
}

// check resolves t's host and probes every address at once.
func (c *Checker) check(ctx context.Context, t Target) ProbeResult {
	if ctx.Err() != nil {
		return ProbeResult{Reason: "preflight time budget exhausted", TLS: t.TLS}
	}
	if t.TLS && !strings.EqualFold(t.Protocol, origination.TCP) {
		return ProbeResult{Reason: "TLS: not possible over " + t.Protocol + "; encrypted routes are TCP", TLS: true}
	}
	start := time.Now()
	deadline := start.Add(c.Timeout)
	ips, err := c.resolve(ctx, t.Host)
	if err != nil {
		return ProbeResult{Reason: err.Error(), TLS: t.TLS}
	}
	rs := make([]ProbeResult, len(ips))
	var wg sync.WaitGroup
	for i, ip := range ips {
		wg.Go(func() { rs[i] = c.probeAddr(ctx, t, ip, start, deadline) })
	}
	wg.Wait()
	return combine(rs, t.TLS)
}

// probeAddr probes t at one of its addresses.
func (c *Checker) probeAddr(ctx context.Context, t Target, ip string, start, deadline time.Time) ProbeResult {
	addr := net.JoinHostPort(ip, strconv.Itoa(t.Port))
	p := prober{proto: strings.ToLower(t.Protocol), host: t.Host, port: t.Port, addr: addr, deadline: deadline}
	if t.TLS {
		p.tls = c.tlsConfig(t.Host)
	}
	resp, err := p.probe(ctx)
	if err != nil {
		reason := err.Error()
		if errors.Is(err, errTimeout) {
			reason = fmt.Sprintf("no answer within %s", c.Timeout)
		}
		if errors.Is(err, errHandshakeTimeout) {
			reason = fmt.Sprintf("TLS: no handshake within %s", c.Timeout)
		}
		return ProbeResult{Addr: addr, Reason: reason, TLS: t.TLS}
	}
	return ProbeResult{OK: true, Status: resp.StatusLine, Addr: addr, RTT: time.Since(start), TLS: t.TLS}
}

// resolve returns host itself when it is an IP address, else its IPv4
// addresses (A records), without repeats.
func (c *Checker) resolve(ctx context.Context, host string) ([]string, error) {
	if net.ParseIP(host) != nil {
		return []string{host}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	addrs, err := c.Resolver.LookupIPAddr(ctx, host)
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return nil, fmt.Errorf("DNS: %s does not exist (NXDOMAIN)", host)
	case err != nil:
		return nil, fmt.Errorf("DNS: resolve %s: %w", host, err)
	}
	var ips []string
	for _, a := range addrs {
		if v4 := a.IP.To4(); v4 != nil && !slices.Contains(ips, v4.String()) {
			ips = append(ips, v4.String())
		}
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("DNS: %s has no A record", host)
	}
	return ips, nil
}

// host is the host of a host:port address.
func host(addr string) string {
	h, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return h
}
