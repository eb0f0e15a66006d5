package leader

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
)

// retryDelay is how long the elector waits before it tries etcd again.
const retryDelay = time.Second

// Log attribute keys.
const (
	attrKey      = "key"
	attrIdentity = "identity"
	attrLeader   = "leader"
	attrLease    = "lease"
	attrReason   = "reason"
	attrErr      = "err"
	attrTTL      = "ttl"
)

// ErrResigned is the cause of a term that ended because the elector was
// stopped.
var ErrResigned = errors.New("resigned")

// Elector campaigns on etcd and hands out terms of leadership. Its methods
// are safe for concurrent use.
type Elector struct {
	opts  ElectionOptions
	log   *slog.Logger
	obs   LeadershipObserver
	terms chan context.Context

	ttl         int64         // seconds
	margin      time.Duration // a term ends this long before its lease may expire
	renewEvery  time.Duration
	callTimeout time.Duration // of each call to etcd

	mu      sync.Mutex
	leader  string // as last seen; "" when none or unknown
	err     error  // why campaigning fails; nil when it does not
	leading bool
}

// New checks opts and returns an Elector; it contacts nothing until Run.
func New(opts ElectionOptions) (*Elector, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	e := &Elector{
		opts: opts, log: opts.Logger, obs: opts.Observer, terms: make(chan context.Context, 1),
		ttl: int64(opts.TTL / time.Second), margin: opts.TTL / 4, renewEvery: opts.TTL / 3,
		callTimeout: max(opts.TTL/3, time.Second),
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	e.log = e.log.With(attrKey, opts.Key, attrIdentity, opts.Identity)
	if e.obs == nil {
		e.obs = nopObserver{}
	}
	return e, nil
}

// Identity names this process in the election.
func (e *Elector) Identity() string { return e.opts.Identity }

// Terms delivers one context per term of leadership, cancelled the instant
// the term ends. A term may end before it is received: check its Err.
func (e *Elector) Terms() <-chan context.Context { return e.terms }

// Leading reports whether this process holds a live lease on the key.
func (e *Elector) Leading() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.leading
}

// Leader returns the identity of the leader as last seen ("" when unknown)
// and why campaigning fails, if it does (etcd unreachable, say).
func (e *Elector) Leader() (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.leader, e.err
}

// Run campaigns until ctx ends, then revokes its lease, so that a standby
// takes over at once, and returns nil. It returns only after that.
func (e *Elector) Run(ctx context.Context) error {
	client, err := e.connect(ctx)
	if err != nil {
		return nil // stopped before etcd answered
	}
	defer client.Close()
	var stale []clientv3.LeaseID
	for ctx.Err() == nil {
		s, err := e.newSession(ctx, client)
		if err != nil {
			e.failed(fmt.Errorf("cannot reach etcd at %s: %w", e.endpoints(), err))
			sleep(ctx, jitter(retryDelay))
			continue
		}
		stale = e.revoke(client, stale)
		if lost := e.campaign(ctx, client, s); lost {
			stale = append(stale, s.Lease())
			sleep(ctx, jitter(retryDelay))
		}
	}
	e.revoke(client, stale)
	return nil
}

// connect returns a client of etcd. Only authentication makes it talk to
// etcd here; without it the connection is made on the first call.
func (e *Elector) connect(ctx context.Context) (*clientv3.Client, error) {
	for {
		c, err := clientv3.New(clientv3.Config{
			Endpoints: e.opts.Endpoints, TLS: e.opts.TLS, Username: e.opts.Username, Password: e.opts.Password,
			DialTimeout: e.callTimeout, Logger: zap.NewNop(),
			// gRPC waits up to 2 minutes between attempts to reconnect by
			// default: an etcd back after an outage would stay unused that long.
			DialOptions: []grpc.DialOption{grpc.WithConnectParams(grpc.ConnectParams{
				Backoff:           backoff.Config{BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: retryDelay},
				MinConnectTimeout: e.callTimeout,
			})},
		})
		if err == nil {
			return c, nil
		}
		e.failed(fmt.Errorf("connect to etcd at %s: %w", e.endpoints(), err))
		if !sleep(ctx, jitter(retryDelay)) {
			return nil, ctx.Err()
		}
	}
}

// newSession grants a lease and keeps it alive. The keep-alive outlives
// ctx: the lease must hold until it is revoked, after the caller's last
// write.
func (e *Elector) newSession(ctx context.Context, client *clientv3.Client) (*concurrency.Session, error) {
	gctx, cancel := context.WithTimeout(ctx, e.callTimeout)
	defer cancel()
	lease, err := client.Grant(gctx, e.ttl)
	if err != nil {
		return nil, err
	}
	return concurrency.NewSession(client, concurrency.WithLease(lease.ID), concurrency.WithTTL(int(e.ttl)),
		concurrency.WithContext(context.WithoutCancel(ctx)))
}

// campaign waits to be elected on session s, then leads until the term
// ends. It reports whether the session was lost (rather than stopped).
func (e *Elector) campaign(ctx context.Context, client *clientv3.Client, s *concurrency.Session) (lost bool) {
	sctx, stop := context.WithCancel(ctx)
	// A Campaign cancelled while etcd is away tries to delete its key until
	// etcd answers or the client closes; nothing waits for it.
	defer stop()
	e.failed(nil)
	leaders := make(chan leaderKey, 1)
	go e.observe(sctx, s, leaders)
	el := concurrency.NewElection(s, e.opts.Key)
	won := make(chan error, 1)
	go func() { won <- el.Campaign(sctx, e.opts.Identity) }()
	e.log.Info("campaigning", attrLease, fmt.Sprintf("%x", s.Lease()), attrTTL, e.opts.TTL)
	select {
	case <-ctx.Done():
		e.release(client, s)
		return false
	case <-s.Done():
		e.failed(fmt.Errorf("the etcd session expired while campaigning: etcd at %s unreachable for longer than the lease TTL", e.endpoints()))
		return true
	case err := <-won:
		switch {
		case ctx.Err() != nil: // won or not, stopping
			e.release(client, s)
			return false
		case err != nil:
			s.Orphan()
			e.failed(fmt.Errorf("campaign on etcd at %s: %w", e.endpoints(), err))
			return true
		}
	}
	return e.lead(ctx, client, s, el, leaders)
}

// leaderKey is the key of the leader as observed, and its creation revision.
type leaderKey struct {
	key string
	rev int64
}

// lead holds a term of leadership until the lease is lost or ctx ends.
func (e *Elector) lead(ctx context.Context, client *clientv3.Client, s *concurrency.Session, el *concurrency.Election,
	leaders <-chan leaderKey) (lost bool) {
	// The first renewal tells how long the lease holds for sure.
	until, err := e.renew(ctx, client, s.Lease())
	if ctx.Err() != nil {
		e.release(client, s)
		return false
	}
	if err != nil {
		s.Orphan()
		e.failed(fmt.Errorf("elected, but the lease could not be renewed: %w", err))
		return true
	}
	term, end := context.WithCancelCause(context.Background())
	e.promote(term)
	rctx, stopRenewals := context.WithCancel(ctx)
	defer stopRenewals()
	renewed, expired := make(chan time.Time, 1), make(chan error, 1)
	go e.renewals(rctx, client, s.Lease(), renewed, expired)
	fence := time.NewTimer(time.Until(until))
	defer fence.Stop()
	for {
		var reason string
		select {
		case <-ctx.Done():
			end(ErrResigned)
			e.demote("resigned", nil)
			e.release(client, s)
			return false
		case u := <-renewed:
			fence.Reset(time.Until(u))
			continue
		case l := <-leaders:
			if l.key == el.Key() || l.rev < el.Rev() {
				continue // this process, or an observation from before it won
			}
			reason = "another process holds the leader key"
		case <-fence.C:
			reason = fmt.Sprintf("the lease was not renewed in time by etcd at %s: it may expire within %v", e.endpoints(), e.margin)
		case err := <-expired:
			reason = "etcd at " + e.endpoints() + " no longer knows the lease: " + err.Error()
		case <-s.Done():
			reason = "the etcd session ended: etcd at " + e.endpoints() + " unreachable for longer than the lease TTL"
		}
		err := errors.New("leadership lost: " + reason)
		end(err)
		e.demote("leadership lost", err)
		s.Orphan()
		return true
	}
}

// promote starts a term: it is handed out, replacing a term not taken yet
// (which has ended: a term starts only after the last one ended).
func (e *Elector) promote(term context.Context) {
	e.mu.Lock()
	e.leading, e.leader = true, e.opts.Identity
	e.mu.Unlock()
	select {
	case <-e.terms:
	default:
	}
	e.terms <- term
	e.obs.LeaderChanged(true)
	e.log.Info("elected leader", attrTTL, e.opts.TTL)
}

// demote records the end of a term, after its context was cancelled. A
// term lost says why in Leader until the next session.
func (e *Elector) demote(msg string, err error) {
	e.mu.Lock()
	e.leading = false
	if err != nil {
		e.leader, e.err = "", err
	}
	e.mu.Unlock()
	e.obs.LeaderChanged(false)
	if err != nil {
		e.log.Warn(msg, attrReason, err)
		return
	}
	e.log.Info(msg)
}

// renewals renews the lease every renewEvery. After each renewal it sends
// the time until which the term may run; if etcd has forgotten the lease,
// the error.
func (e *Elector) renewals(ctx context.Context, client *clientv3.Client, id clientv3.LeaseID, until chan time.Time, expired chan<- error) {
	t := time.NewTicker(e.renewEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		u, err := e.renew(ctx, client, id)
		switch {
		case errors.Is(err, rpctypes.ErrLeaseNotFound):
			expired <- err
			return
		case err != nil:
			if ctx.Err() == nil {
				e.log.Warn("lease renewal failed", attrErr, err)
			}
			continue
		}
		select {
		case <-until: // not taken yet: the newer time replaces it
		default:
		}
		until <- u
	}
}

// renew renews the lease once and returns until when a term on it may run:
// the lease cannot expire on etcd before the renewal was sent plus its TTL;
// the term stops a margin earlier.
func (e *Elector) renew(ctx context.Context, client *clientv3.Client, id clientv3.LeaseID) (time.Time, error) {
	sent := time.Now()
	cctx, cancel := context.WithTimeout(ctx, e.callTimeout)
	defer cancel()
	resp, err := client.KeepAliveOnce(cctx, id)
	if err != nil {
		return time.Time{}, err
	}
	return sent.Add(time.Duration(resp.TTL)*time.Second - e.margin), nil
}

// observe follows who leads on session s, for Leader and for lead.
func (e *Elector) observe(ctx context.Context, s *concurrency.Session, leaders chan leaderKey) {
	el := concurrency.NewElection(s, e.opts.Key)
	for ctx.Err() == nil {
		for resp := range el.Observe(ctx) {
			kv := resp.Kvs[0]
			e.mu.Lock()
			changed := e.leader != string(kv.Value)
			e.leader = string(kv.Value)
			e.mu.Unlock()
			if changed {
				e.log.Info("leader seen", attrLeader, string(kv.Value))
			}
			select {
			case <-leaders:
			default:
			}
			leaders <- leaderKey{key: string(kv.Key), rev: kv.CreateRevision}
		}
		sleep(ctx, jitter(retryDelay))
	}
}

// release stops renewing s and revokes its lease, which deletes this
// process's key: a standby waiting on it is elected at once.
func (e *Elector) release(client *clientv3.Client, s *concurrency.Session) {
	s.Orphan()
	if left := e.revoke(client, []clientv3.LeaseID{s.Lease()}); len(left) > 0 {
		e.log.Warn("could not revoke the lease: the others wait for it to expire", attrTTL, e.opts.TTL)
	}
}

// revoke revokes leases of lost sessions, whose keys would hold up the
// election until they expire, and returns those it could not revoke.
func (e *Elector) revoke(client *clientv3.Client, ids []clientv3.LeaseID) []clientv3.LeaseID {
	var left []clientv3.LeaseID
	for _, id := range ids {
		ctx, cancel := context.WithTimeout(context.Background(), e.callTimeout)
		_, err := client.Revoke(ctx, id)
		cancel()
		if err != nil && !errors.Is(err, rpctypes.ErrLeaseNotFound) {
			left = append(left, id)
		}
	}
	return left
}

// failed records why campaigning fails (nil: it no longer does), and logs
// each new reason once.
func (e *Elector) failed(err error) {
	e.mu.Lock()
	same := (err == nil) == (e.err == nil) && (err == nil || err.Error() == e.err.Error())
	e.err = err
	if err != nil {
		e.leader = ""
	}
	e.mu.Unlock()
	if err != nil && !same {
		e.log.Warn("leader election failing, retrying", attrErr, err)
	}
}

func (e *Elector) endpoints() string { return strings.Join(e.opts.Endpoints, ",") }

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// jitter spreads d by ±20% so that daemons restarted together do not
// retry in step.
func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}
