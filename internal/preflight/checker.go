package preflight

import (
	"context"
	"errors"
	"fmt"
	"net"
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

// ProbeResult is the outcome of checking one route.
type ProbeResult struct {
	OK     bool
	Status string        // the response's status line, when OK
	Addr   string        // the address probed, when resolved
	RTT    time.Duration // time to the answer, when OK
	Reason string        // why it failed, when not OK
}

// String is what a plan shows next to the route, inside brackets.
func (r ProbeResult) String() string {
	if r.OK {
		return "preflight: " + r.Detail()
	}
	return "preflight FAILED: " + r.Detail()
}

// Detail is "SIP/2.0 200 OK in 3ms" for a route that answered, else why
// it failed.
func (r ProbeResult) Detail() string {
	if !r.OK {
		return r.Reason
	}
	if r.RTT < time.Millisecond {
		return r.Status + " in <1ms"
	}
	return fmt.Sprintf("%s in %dms", r.Status, r.RTT.Milliseconds())
}

// Checker checks routes with bounded concurrency and total time, and
// caches each route's result for its lifetime: make one per plan.
type Checker struct {
	Resolver    Resolver
	Timeout     time.Duration // per route
	Budget      time.Duration // for all the routes of one CheckAll
	Concurrency int
	// Observe, if set, is called once per route actually checked.
	Observe func(ProbeResult)

	mu    sync.Mutex
	cache map[origination.Key]ProbeResult
}

// New returns a checker using the system resolver.
func New(timeout time.Duration) *Checker {
	return &Checker{Resolver: net.DefaultResolver, Timeout: timeout, Budget: 4 * timeout, Concurrency: 8}
}

// CheckAll checks keys concurrently and returns each one's result.
func (c *Checker) CheckAll(ctx context.Context, keys []origination.Key) map[origination.Key]ProbeResult {
	if c.Budget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Budget)
		defer cancel()
	}
	sem := make(chan struct{}, max(c.Concurrency, 1))
	out := make(map[origination.Key]ProbeResult, len(keys))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
			}
			r := c.Check(ctx, k)
			mu.Lock()
			out[k] = r
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// Check checks one route, or returns its cached result.
func (c *Checker) Check(ctx context.Context, k origination.Key) ProbeResult {
	c.mu.Lock()
	r, ok := c.cache[k]
	c.mu.Unlock()
	if ok {
		return r
	}
	r = c.check(ctx, k)
	c.mu.Lock()
	if c.cache == nil {
		c.cache = map[origination.Key]ProbeResult{}
	}
	c.cache[k] = r
	c.mu.Unlock()
	if c.Observe != nil {
		c.Observe(r)
	}
	return r
}

func (c *Checker) check(ctx context.Context, k origination.Key) ProbeResult {
	if ctx.Err() != nil {
		return ProbeResult{Reason: "preflight time budget exhausted"}
	}
	start := time.Now()
	deadline := start.Add(c.Timeout)
	ip, err := c.resolve(ctx, k.Host)
	if err != nil {
		return ProbeResult{Reason: err.Error()}
	}
	addr := net.JoinHostPort(ip, strconv.Itoa(k.Port))
	proto := strings.ToLower(k.Protocol)
	resp, err := probe(ctx, proto, k.Host, addr, k.Port, deadline)
	if err != nil {
		reason := err.Error()
		if errors.Is(err, errTimeout) {
			reason = fmt.Sprintf("no answer within %s", c.Timeout)
		}
		return ProbeResult{Addr: addr, Reason: reason}
	}
	return ProbeResult{OK: true, Status: resp.StatusLine, Addr: addr, RTT: time.Since(start)}
}

// resolve returns host itself when it is an IP address, else its first
// IPv4 address (A record).
func (c *Checker) resolve(ctx context.Context, host string) (string, error) {
	if net.ParseIP(host) != nil {
		return host, nil
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	addrs, err := c.Resolver.LookupIPAddr(ctx, host)
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return "", fmt.Errorf("DNS: %s does not exist (NXDOMAIN)", host)
	case err != nil:
		return "", fmt.Errorf("DNS: resolve %s: %w", host, err)
	}
	for _, a := range addrs {
		if v4 := a.IP.To4(); v4 != nil {
			return v4.String(), nil
		}
	}
	return "", fmt.Errorf("DNS: %s has no A record", host)
}
