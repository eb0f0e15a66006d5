package leader

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"

	"github.com/sipops/reconciler/internal/leader/etcdtest"
)

// ttl is the lease TTL of the tests: etcd's shortest.
const ttl = 2 * time.Second

// candidate is an Elector running in the test, with what it was told.
type candidate struct {
	*Elector
	obs    *countingObserver
	cancel context.CancelFunc
	done   chan struct{}
}

func start(t *testing.T, opts ElectionOptions) *candidate {
	t.Helper()
	if opts.Key == "" {
		opts.Key = "/reconciler/test"
	}
	if opts.TTL == 0 {
		opts.TTL = ttl
	}
	c := &candidate{obs: &countingObserver{}, done: make(chan struct{})}
	opts.Observer = c.obs
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	c.Elector = e
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	go func() { e.Run(ctx); close(c.done) }()
	t.Cleanup(c.stop)
	return c
}

// stop ends Run and waits for it: it resigns.
func (c *candidate) stop() {
	c.cancel()
	<-c.done
}

// term waits for a term that is live when received.
func (c *candidate) term(t *testing.T, within time.Duration) context.Context {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case term := <-c.Terms():
			if term.Err() == nil {
				return term
			}
		case <-deadline:
			t.Fatalf("%s: no term within %v", c.Identity(), within)
		}
	}
}

type countingObserver struct {
	mu      sync.Mutex
	changes []bool
}

func (o *countingObserver) LeaderChanged(leading bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.changes = append(o.changes, leading)
}

func (o *countingObserver) got() []bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]bool(nil), o.changes...)
}

// leaders returns the candidates that lead now.
func leaders(cs ...*candidate) []*candidate {
	var out []*candidate
	for _, c := range cs {
		if c.Leading() {
			out = append(out, c)
		}
	}
	return out
}

func eventually(t *testing.T, within time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}

// TestOneLeaderAndResign: of three candidates exactly one leads, the others
// see it; when it stops it resigns and another leads at once, well before
// the TTL.
func TestOneLeaderAndResign(t *testing.T) {
	srv := etcdtest.Start(t, etcdtest.EtcdOptions{})
	var cs []*candidate
	for i := range 3 {
		cs = append(cs, start(t, ElectionOptions{Endpoints: []string{srv.URL}, Identity: fmt.Sprintf("daemon-%d", i)}))
	}
	eventually(t, 10*time.Second, "a leader", func() bool { return len(leaders(cs...)) == 1 })
	first := leaders(cs...)[0]
	term := first.term(t, time.Second)
	for _, c := range cs {
		eventually(t, 5*time.Second, c.Identity()+" sees the leader", func() bool {
			l, err := c.Leader()
			return l == first.Identity() && err == nil
		})
	}
	time.Sleep(2 * ttl) // renewals keep the term past the TTL
	if term.Err() != nil || len(leaders(cs...)) != 1 {
		t.Fatalf("after 2 TTLs: term %v, %d leaders; want the first term live and one leader", context.Cause(term), len(leaders(cs...)))
	}

	start := time.Now()
	first.stop()
	if !errors.Is(context.Cause(term), ErrResigned) {
		t.Errorf("term ended with %v, want %v", context.Cause(term), ErrResigned)
	}
	var rest []*candidate
	for _, c := range cs {
		if c != first {
			rest = append(rest, c)
		}
	}
	d := eventually(t, ttl, "a new leader after the resignation", func() bool { return len(leaders(rest...)) == 1 })
	t.Logf("takeover %v after the leader resigned (TTL %v)", time.Since(start).Round(time.Millisecond), ttl)
	if d > time.Second {
		t.Errorf("takeover took %v, want well under the TTL: the lease was not revoked", d)
	}
	if got := first.obs.got(); len(got) != 2 || !got[0] || got[1] {
		t.Errorf("observer of the first leader: got %v, want [true false]", got)
	}
}

// TestCrashedLeaderExpires: a leader that vanishes without resigning (its
// keep-alive stops, as when the process is killed) is replaced once its
// lease expires.
func TestCrashedLeaderExpires(t *testing.T) {
	srv := etcdtest.Start(t, etcdtest.EtcdOptions{})
	client := srv.Client(t)
	s, err := concurrency.NewSession(client, concurrency.WithTTL(int(ttl/time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	if err := concurrency.NewElection(s, "/reconciler/test").Campaign(t.Context(), "crashed"); err != nil {
		t.Fatal(err)
	}
	c := start(t, ElectionOptions{Endpoints: []string{srv.URL}, Identity: "standby"})
	eventually(t, 5*time.Second, "the standby sees the leader", func() bool { l, _ := c.Leader(); return l == "crashed" })
	time.Sleep(ttl)
	if c.Leading() {
		t.Fatal("the standby leads while the leader's lease is live")
	}
	s.Orphan() // the crash: no more keep-alives, no revoke
	start := time.Now()
	c.term(t, 2*ttl+2*time.Second)
	t.Logf("elected %v after the leader's last keep-alive (TTL %v)", time.Since(start).Round(time.Millisecond), ttl)
}

// TestEtcdKilled: when etcd dies the term ends within the TTL, nobody
// leads, and Leader says why; when it comes back one candidate leads.
func TestEtcdKilled(t *testing.T) {
	srv := etcdtest.Start(t, etcdtest.EtcdOptions{})
	a := start(t, ElectionOptions{Endpoints: []string{srv.URL}, Identity: "a"})
	b := start(t, ElectionOptions{Endpoints: []string{srv.URL}, Identity: "b"})
	eventually(t, 10*time.Second, "a leader", func() bool { return len(leaders(a, b)) == 1 })
	l := leaders(a, b)[0]
	term := l.term(t, time.Second)

	srv.Kill()
	killed := time.Now()
	select {
	case <-term.Done():
	case <-time.After(ttl + time.Second):
		t.Fatalf("the term outlived etcd by more than the TTL %v", ttl)
	}
	lost := time.Since(killed)
	t.Logf("term ended %v after etcd was killed (TTL %v): %v", lost.Round(time.Millisecond), ttl, context.Cause(term))
	if lost > ttl {
		t.Errorf("term ended %v after etcd died, want within the TTL %v", lost, ttl)
	}
	eventually(t, 5*time.Second, "the failure reported", func() bool {
		_, errA := a.Leader()
		_, errB := b.Leader()
		return errA != nil && errB != nil
	})
	time.Sleep(ttl)
	if n := len(leaders(a, b)); n != 0 {
		t.Fatalf("%d leaders while etcd is down, want none", n)
	}
	_, err := a.Leader()
	if !strings.Contains(err.Error(), srv.URL) {
		t.Errorf("Leader error %q, want it to name the endpoint %s", err, srv.URL)
	}

	srv.Start(t)
	back := time.Now()
	eventually(t, 2*ttl+5*time.Second, "a leader after etcd came back", func() bool { return len(leaders(a, b)) == 1 })
	t.Logf("leader elected %v after etcd came back", time.Since(back).Round(time.Millisecond))
	eventually(t, 5*time.Second, "the failure cleared", func() bool {
		_, errA := a.Leader()
		_, errB := b.Leader()
		return errA == nil && errB == nil
	})
}

// TestUsurped: a leader whose key is taken over (deleted by hand, then
// another process elected) ends its term.
func TestUsurped(t *testing.T) {
	srv := etcdtest.Start(t, etcdtest.EtcdOptions{})
	c := start(t, ElectionOptions{Endpoints: []string{srv.URL}, Identity: "a", TTL: 10 * time.Second})
	term := c.term(t, 10*time.Second)
	client := srv.Client(t)
	if _, err := client.Delete(t.Context(), "/reconciler/test/", clientv3.WithPrefix()); err != nil {
		t.Fatal(err)
	}
	s, err := concurrency.NewSession(client, concurrency.WithTTL(10))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := concurrency.NewElection(s, "/reconciler/test").Campaign(t.Context(), "usurper"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-term.Done():
		t.Logf("term ended: %v", context.Cause(term))
	case <-time.After(5 * time.Second):
		t.Fatal("the term went on while another process holds the key")
	}
	if c.Leading() {
		t.Error("still leading")
	}
}

// TestUnreachableAtStart: an etcd that is not there yet is no error: the
// elector says why it is not leading, and leads once etcd starts.
func TestUnreachableAtStart(t *testing.T) {
	srv := etcdtest.Start(t, etcdtest.EtcdOptions{})
	srv.Kill()
	c := start(t, ElectionOptions{Endpoints: []string{srv.URL}, Identity: "early"})
	eventually(t, 5*time.Second, "the failure reported", func() bool { _, err := c.Leader(); return err != nil })
	if _, err := c.Leader(); !strings.Contains(err.Error(), "cannot reach etcd at "+srv.URL) {
		t.Errorf("got %q, want it to say etcd cannot be reached", err)
	}
	srv.Start(t)
	c.term(t, 10*time.Second)
}

// TestTLS: https with a client certificate, as etcd --client-cert-auth
// requires.
func TestTLS(t *testing.T) {
	pki := etcdtest.NewPKI(t)
	srv := etcdtest.Start(t, etcdtest.EtcdOptions{PKI: pki})
	c := start(t, ElectionOptions{Endpoints: []string{srv.URL}, Identity: "tls", TLS: pki.ClientTLS(t)})
	c.term(t, 10*time.Second)
}

// TestAuth: with etcd's authentication on, the right password leads and a
// wrong one is reported, without the password.
func TestAuth(t *testing.T) {
	srv := etcdtest.Start(t, etcdtest.EtcdOptions{})
	client := srv.Client(t)
	for _, step := range []func() error{
		func() error { _, err := client.UserAdd(t.Context(), "root", "root-secret"); return err },
		func() error { _, err := client.UserGrantRole(t.Context(), "root", "root"); return err },
		func() error { _, err := client.UserAdd(t.Context(), "reconciler", "s3cret-pw"); return err },
		func() error { _, err := client.RoleAdd(t.Context(), "elect"); return err },
		func() error {
			_, err := client.RoleGrantPermission(t.Context(), "elect", "/reconciler/", clientv3.GetPrefixRangeEnd("/reconciler/"), clientv3.PermissionType(clientv3.PermReadWrite))
			return err
		},
		func() error { _, err := client.UserGrantRole(t.Context(), "reconciler", "elect"); return err },
		func() error { _, err := client.AuthEnable(t.Context()); return err },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	bad := start(t, ElectionOptions{Endpoints: []string{srv.URL}, Identity: "bad", Username: "reconciler", Password: "wrong-pw"})
	good := start(t, ElectionOptions{Endpoints: []string{srv.URL}, Identity: "good", Username: "reconciler", Password: "s3cret-pw"})
	good.term(t, 10*time.Second)
	eventually(t, 10*time.Second, "the wrong password reported", func() bool { _, err := bad.Leader(); return err != nil })
	_, err := bad.Leader()
	if !strings.Contains(err.Error(), "authentication failed") || strings.Contains(err.Error(), "wrong-pw") {
		t.Errorf("got %q, want an authentication failure without the password", err)
	}
	if bad.Leading() {
		t.Error("a wrong password leads")
	}
}

func TestParseEndpoints(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  string
	}{
		{in: "http://etcd1:2379", want: []string{"http://etcd1:2379"}},
		{in: "https://10.0.0.1:2379, https://[::1]:2379/", want: []string{"https://10.0.0.1:2379", "https://[::1]:2379"}},
		{in: "etcd1:2379", err: `etcd endpoint "etcd1:2379": no http or https scheme; want http://HOST:PORT or https://HOST:PORT`},
		{in: "http://etcd1", err: `etcd endpoint "http://etcd1": no host and port; want http://HOST:PORT or https://HOST:PORT`},
		{in: "http://etcd1:2379/v3", err: `etcd endpoint "http://etcd1:2379/v3": a path, query or fragment; want http://HOST:PORT or https://HOST:PORT`},
		{in: "http://u:p@etcd1:2379", err: `etcd endpoint "http://u:p@etcd1:2379": credentials in the URL (use --etcd-username and --etcd-password-file); want http://HOST:PORT or https://HOST:PORT`},
		{in: "http://a:1,https://b:2", err: `etcd endpoints "http://a:1,https://b:2": mix http and https; use one for all`},
		{in: " , ", err: `etcd endpoints " , ": want at least one URL such as http://127.0.0.1:2379`},
		{in: "http://%zz", err: `etcd endpoint "http://%zz": not a URL; want http://HOST:PORT or https://HOST:PORT`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseEndpoints(tt.in)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Errorf("got %v, want error %q", err, tt.err)
				}
				return
			}
			if err != nil || strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestCheckTTL(t *testing.T) {
	for ttl, ok := range map[time.Duration]bool{2 * time.Second: true, time.Minute: true, time.Second: false, 2500 * time.Millisecond: false, 0: false} {
		if err := CheckTTL(ttl); (err == nil) != ok {
			t.Errorf("CheckTTL(%v): got %v, want ok %v", ttl, err, ok)
		}
	}
}
