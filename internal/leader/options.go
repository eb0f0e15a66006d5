package leader

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"
)

// Lease TTL bounds. etcd grants no lease shorter than 1.5 election timeouts
// (2 s with its defaults), and a lease lives in whole seconds.
const (
	MinTTL     = 2 * time.Second
	DefaultTTL = 10 * time.Second
)

// ElectionOptions configure an Elector.
type ElectionOptions struct {
	// Endpoints are etcd client URLs, all http:// or all https://.
	Endpoints []string
	// Key is the election's key prefix in etcd. Every daemon that manages
	// the same connectors uses the same key; daemons of other fleets must not.
	Key string
	// Identity names this process to the others and in /status.
	Identity string
	// TTL of the lease, in whole seconds, at least MinTTL: how long the
	// others wait for a leader that vanished without resigning.
	TTL time.Duration
	// TLS for https endpoints: CA, client certificate. Nil: the system's
	// roots and no client certificate.
	TLS *tls.Config
	// Username and Password authenticate to etcd; empty: no authentication.
	Username, Password string
	// Observer is told of every change of role; nil: nobody.
	Observer LeadershipObserver
	// Logger: nil discards.
	Logger *slog.Logger
}

// LeadershipObserver is told when this process becomes leader or stops being it
// (metrics.Metrics implements it).
type LeadershipObserver interface {
	LeaderChanged(leading bool)
}

type nopObserver struct{}

func (nopObserver) LeaderChanged(bool) {}

func (o ElectionOptions) check() error {
	switch {
	case len(o.Endpoints) == 0:
		return errors.New("leader election: no etcd endpoint")
	case o.Key == "":
		return errors.New("leader election: no key")
	case o.Identity == "":
		return errors.New("leader election: no identity")
	}
	return CheckTTL(o.TTL)
}

// CheckTTL says what is wrong with a lease TTL, if anything.
func CheckTTL(ttl time.Duration) error {
	if ttl < MinTTL || ttl%time.Second != 0 {
		return fmt.Errorf("lease TTL %v: want whole seconds, at least %v (etcd's shortest lease)", ttl, MinTTL)
	}
	return nil
}

// ParseEndpoints parses a comma-separated list of etcd client URLs such as
// "http://etcd1:2379,http://etcd2:2379". Every URL needs a scheme, http or
// https (the same for all), a host and a port, and nothing else.
func ParseEndpoints(s string) ([]string, error) {
	var out []string
	scheme := ""
	for _, raw := range strings.Split(s, ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		u, err := parseEndpoint(raw)
		if err != nil {
			return nil, err
		}
		if scheme != "" && u.Scheme != scheme {
			return nil, fmt.Errorf("etcd endpoints %q: mix http and https; use one for all", s)
		}
		scheme = u.Scheme
		out = append(out, u.String())
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("etcd endpoints %q: want at least one URL such as http://127.0.0.1:2379", s)
	}
	return out, nil
}

func parseEndpoint(raw string) (*url.URL, error) {
	bad := func(why string) error {
		return fmt.Errorf("etcd endpoint %q: %s; want http://HOST:PORT or https://HOST:PORT", raw, why)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, bad("not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, bad("no http or https scheme")
	case u.User != nil:
		return nil, bad("credentials in the URL (use --etcd-username and --etcd-password-file)")
	case u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "":
		return nil, bad("a path, query or fragment")
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil || host == "" || port == "" {
		return nil, bad("no host and port")
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

// Secure reports whether endpoints (from ParseEndpoints) use https.
func Secure(endpoints []string) bool {
	return len(endpoints) > 0 && strings.HasPrefix(endpoints[0], "https://")
}
