package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/sipops/reconciler/internal/gittest"
	"github.com/sipops/reconciler/internal/leader/etcdtest"
)

// electionTTL is the lease TTL of the leader election tests: by default
// etcd's shortest, so that the tests wait as little as they can; the
// figures for the default TTL come from
//
//	go test -run 'TestLeaderElection$' -election.ttl=10s -v ./cmd/reconciler
var electionTTL = flag.Duration("election.ttl", 2*time.Second, "lease TTL of the leader election tests")

// electionArgs are the flags of a daemon of the test's election.
func electionArgs(etcdURL, identity string) []string {
	return []string{"--leader-election-etcd", etcdURL, "--leader-election-key", "/reconciler/test",
		"--leader-election-ttl", electionTTL.String(), "--leader-election-identity", identity}
}

// electorate is the daemons of one election, by identity; a daemon killed
// or stopped leaves it.
type electorate map[string]*proc

// leaders returns the identities of the daemons whose /status says they lead.
func (e electorate) leaders(t *testing.T) []string {
	t.Helper()
	var out []string
	for id, p := range e {
		if st := p.status(t); st.Election != nil && st.Election.Leading {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// leader waits until exactly one daemon leads, and returns it.
func (e electorate) leader(t *testing.T, within time.Duration) string {
	t.Helper()
	var ls []string
	eventually(t, within, "exactly one leader", func() bool { ls = e.leaders(t); return len(ls) == 1 })
	return ls[0]
}

// writes returns the writes each daemon logged.
func (e electorate) writes(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for id, p := range e {
		for _, n := range p.written(t) {
			out[id] += n
		}
	}
	return out
}

// metricSum adds a metric over the daemons.
func (e electorate) metricSum(t *testing.T, name string) float64 {
	t.Helper()
	total := 0.0
	for _, p := range e {
		total += p.metric(t, name, nil)
	}
	return total
}

// webhook pokes every daemon: a push reaches every host.
func (e electorate) webhook(t *testing.T) {
	t.Helper()
	for _, p := range e {
		p.webhook(t, secret)
	}
}

// TestLeaderElection runs three daemons on one git source and one etcd:
// exactly one leads and only it writes; SIGKILL the leader and a standby
// applies the next commit within TTL + 5 s; SIGTERM the new leader and the
// last daemon takes over in under 2 s; kill etcd and within TTL + 5 s no
// daemon leads and drift stays; etcd back, one leads and corrects it.
func TestLeaderElection(t *testing.T) {
	w := newWorld(t, 2)
	etcd := etcdtest.Start(t, etcdtest.EtcdOptions{})
	repo := gittest.NewRepo(t)
	v1 := repo.Commit(t, "first", map[string]string{"origination.cue": specFile(50)})
	git := gittest.Serve(t, repo.Root)
	hook := writeSecret(t, secret)
	e := electorate{}
	for i := range 3 {
		id := fmt.Sprintf("daemon-%d", i)
		e[id] = startRun(t, w, append(electionArgs(etcd.URL, id), "--git-url", git.URL(repo.Name), "--git-interval", "1h",
			"--drift-interval", "1s", "--webhook-secret-file", hook)...)
	}

	// One leads, applies v1, and is the only one that writes.
	first := e.leader(t, 15*time.Second)
	eventually(t, 15*time.Second, "v1 applied", holds(t, w, "vc-0000", routesA(50)))
	for id, p := range e {
		eventually(t, 10*time.Second, id+" ready", func() bool { code, _ := p.get(t, "/readyz"); return code == http.StatusOK })
		st := p.status(t)
		if st.Election.Leader != first || st.Validated == nil || st.Validated.ID != v1 {
			t.Errorf("%s: got leader %q, validated %v; want %s and %s", id, st.Election.Leader, st.Validated, first, v1)
		}
	}
	repo.Commit(t, "weight 60", map[string]string{"origination.cue": specFile(60)})
	e.webhook(t)
	eventually(t, 10*time.Second, "v2 applied", holds(t, w, "vc-0000", routesA(60)))
	writes := e.writes(t)
	if writes[first] == 0 || len(writes) != 1 {
		t.Errorf("writes by daemon: got %v, want only %s's", writes, first)
	}
	if got := e.metricSum(t, "chime_reconciler_leader"); got != 1 {
		t.Errorf("sum of chime_reconciler_leader: got %v, want 1", got)
	}
	t.Logf("three daemons: %s leads, writes by daemon %v", first, writes)

	// SIGKILL the leader, then commit: a standby applies it once the lease expires.
	e[first].signal(t, syscall.SIGKILL)
	killed := time.Now()
	delete(e, first)
	repo.Commit(t, "weight 70", map[string]string{"origination.cue": specFile(70)})
	e.webhook(t)
	eventually(t, *electionTTL+5*time.Second, "the next commit applied by a standby", holds(t, w, "vc-0000", routesA(70)))
	figure(t, "leader-sigkill-to-next-commit", "%v (TTL %v)", time.Since(killed).Round(10*time.Millisecond), *electionTTL)
	second := e.leader(t, 5*time.Second)
	writes = e.writes(t)
	if writes[second] == 0 || len(writes) != 1 {
		t.Errorf("two daemons, writes by daemon: got %v, want only %s's", writes, second)
	}
	if got := e.metricSum(t, "chime_reconciler_leader_changes_total"); got != 1 {
		t.Errorf("leader changes of the survivors: got %v, want 1 (%s elected)", got, second)
	}

	// SIGTERM the leader: it resigns, and the last daemon takes over at once.
	stopping := e[second]
	delete(e, second)
	stopping.signal(t, syscall.SIGTERM)
	termed := time.Now()
	last := e.leader(t, 2*time.Second)
	figure(t, "leader-sigterm-takeover", "%v", time.Since(termed).Round(10*time.Millisecond))
	if code := stopping.exit(t, 10*time.Second); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0", code)
	}
	p := e[last]

	// Kill etcd: nobody leads within TTL + 5 s, and drift stays.
	etcd.Kill()
	down := time.Now()
	eventually(t, *electionTTL+5*time.Second, "no leader with etcd down", func() bool { return len(e.leaders(t)) == 0 })
	figure(t, "etcd-killed-to-no-leader", "%v (TTL %v)", time.Since(down).Round(10*time.Millisecond), *electionTTL)
	setOrigination(t, w, "vc-0001", "sbc9.example.com:5060/UDP:1:1")
	time.Sleep(3 * time.Second) // three drift intervals
	if holds(t, w, "vc-0001", "sbc3.example.com:5061/TCP p1 w100")() {
		t.Error("drift corrected while no daemon holds the lease")
	}
	st := p.status(t)
	if st.Election.Error == "" || p.metric(t, "chime_reconciler_leader", nil) != 0 {
		t.Errorf("with etcd down: got election %+v, leader gauge %v; want an error and 0", st.Election, p.metric(t, "chime_reconciler_leader", nil))
	}

	// etcd back: one leads and corrects the drift.
	etcd.Start(t)
	back := time.Now()
	e.leader(t, 2*(*electionTTL)+5*time.Second)
	eventually(t, 10*time.Second, "drift corrected after etcd came back", holds(t, w, "vc-0001", "sbc3.example.com:5061/TCP p1 w100"))
	figure(t, "etcd-back-to-drift-corrected", "%v", time.Since(back).Round(10*time.Millisecond))
}

// TestLeaderElectionEtcdDownAtStart: an etcd that does not answer at start
// is not fatal: the daemon serves its status, says why it cannot lead, is
// ready as a standby once it has validated the spec, writes nothing, and
// leads once etcd is there.
func TestLeaderElectionEtcdDownAtStart(t *testing.T) {
	w := newWorld(t, 2)
	etcd := etcdtest.Start(t, etcdtest.EtcdOptions{})
	etcd.Kill()
	dir := t.TempDir()
	gittest.WriteFile(t, dir+"/a.cue", specFile(50))
	p := startRun(t, w, append(electionArgs(etcd.URL, "lonely"), "--source", dir)...)
	eventually(t, 15*time.Second, "ready as a standby", func() bool { code, _ := p.get(t, "/readyz"); return code == http.StatusOK })
	eventually(t, 10*time.Second, "etcd failure reported", func() bool { return p.status(t).Election.Error != "" })
	st := p.status(t)
	if st.Election.Leading || !strings.Contains(st.Election.Error, "cannot reach etcd at "+etcd.URL) {
		t.Errorf("got election %+v, want a standby that cannot reach etcd", st.Election)
	}
	if n := w.Sim.Stats().Calls("PutVoiceConnectorOrigination"); n != 0 {
		t.Errorf("%d writes without a lease", n)
	}
	_, page := p.get(t, "/")
	if !bytes.Contains(page, []byte("cannot reach etcd")) || !bytes.Contains(page, []byte("standby")) {
		t.Errorf("the status page does not say the daemon is a standby that cannot reach etcd:\n%s", page)
	}
	etcd.Start(t)
	eventually(t, 15*time.Second, "spec applied once etcd is there", holds(t, w, "vc-0000", routesA(50)))
	if st := p.status(t); !st.Election.Leading || st.Election.Error != "" {
		t.Errorf("got election %+v, want leading and no error", st.Election)
	}
}

// TestLeaderElectionTLSAndAuth: etcd over https with client certificates
// and its authentication on; the password comes from a file and never
// shows in the logs.
func TestLeaderElectionTLSAndAuth(t *testing.T) {
	w := newWorld(t, 2)
	pki := etcdtest.NewPKI(t)
	etcd := etcdtest.Start(t, etcdtest.EtcdOptions{PKI: pki})
	const password = "pw-9f3c1d-never-logged"
	enableAuth(t, etcd.Client(t), password)
	pwFile := filepath.Join(t.TempDir(), "etcd-password")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gittest.WriteFile(t, dir+"/a.cue", specFile(50))
	p := startRun(t, w, append(electionArgs(etcd.URL, "secure"), "--source", dir, "--etcd-ca-file", pki.CACert,
		"--etcd-cert-file", pki.ClientCert, "--etcd-key-file", pki.ClientKey,
		"--etcd-username", "reconciler", "--etcd-password-file", pwFile)...)
	eventually(t, 15*time.Second, "spec applied by the leader", holds(t, w, "vc-0000", routesA(50)))
	if st := p.status(t); !st.Election.Leading {
		t.Errorf("got election %+v, want leading", st.Election)
	}
	p.signal(t, syscall.SIGTERM)
	p.exit(t, 10*time.Second)
	if strings.Contains(p.logs.String(), password) {
		t.Error("the etcd password appears in the logs")
	}
}

// enableAuth turns etcd's authentication on, with a user "reconciler" that
// may use /reconciler/.
func enableAuth(t *testing.T, c *clientv3.Client, password string) {
	t.Helper()
	ctx := t.Context()
	steps := []func() error{
		func() error { _, err := c.UserAdd(ctx, "root", "root-pw"); return err },
		func() error { _, err := c.UserGrantRole(ctx, "root", "root"); return err },
		func() error { _, err := c.UserAdd(ctx, "reconciler", password); return err },
		func() error { _, err := c.RoleAdd(ctx, "reconciler"); return err },
		func() error {
			_, err := c.RoleGrantPermission(ctx, "reconciler", "/reconciler/", clientv3.GetPrefixRangeEnd("/reconciler/"), clientv3.PermissionType(clientv3.PermReadWrite))
			return err
		},
		func() error { _, err := c.UserGrantRole(ctx, "reconciler", "reconciler"); return err },
		func() error { _, err := c.AuthEnable(ctx); return err },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("enable etcd authentication: %v", err)
		}
	}
}

// TestLeaderElectionBadFlags: a malformed URL, a missing file or a missing
// companion flag is a usage error, exit 2, before anything runs.
func TestLeaderElectionBadFlags(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte("x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	elect := []string{"--leader-election-key", "/reconciler/x"}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"malformed URL", append([]string{"--leader-election-etcd", "etcd1:2379"}, elect...), `--leader-election-etcd: etcd endpoint "etcd1:2379": no http or https scheme`},
		{"URL with a path", append([]string{"--leader-election-etcd", "http://etcd1:2379/v3"}, elect...), "a path, query or fragment"},
		{"no key", []string{"--leader-election-etcd", "http://127.0.0.1:2379"}, "--leader-election-key is required"},
		{"short TTL", append([]string{"--leader-election-etcd", "http://127.0.0.1:2379", "--leader-election-ttl", "1s"}, elect...), "--leader-election-ttl: lease TTL 1s: want whole seconds, at least 2s"},
		{"missing CA file", append([]string{"--leader-election-etcd", "https://127.0.0.1:2379", "--etcd-ca-file", filepath.Join(dir, "nope.pem")}, elect...), "read --etcd-ca-file: open " + filepath.Join(dir, "nope.pem") + ": no such file or directory"},
		{"missing client key", append([]string{"--leader-election-etcd", "https://127.0.0.1:2379", "--etcd-cert-file", filepath.Join(dir, "c.pem"), "--etcd-key-file", filepath.Join(dir, "k.pem")}, elect...), "load --etcd-cert-file and --etcd-key-file: open " + filepath.Join(dir, "c.pem")},
		{"cert without key", append([]string{"--leader-election-etcd", "https://127.0.0.1:2379", "--etcd-cert-file", pw}, elect...), "--etcd-cert-file and --etcd-key-file go together"},
		{"CA on http", append([]string{"--leader-election-etcd", "http://127.0.0.1:2379", "--etcd-ca-file", pw}, elect...), "need https:// endpoints"},
		{"CA not PEM", append([]string{"--leader-election-etcd", "https://127.0.0.1:2379", "--etcd-ca-file", pw}, elect...), "no PEM certificate in it"},
		{"password without user", append([]string{"--leader-election-etcd", "http://127.0.0.1:2379", "--etcd-password-file", pw}, elect...), "--etcd-username and --etcd-password-file go together"},
		{"missing password file", append([]string{"--leader-election-etcd", "http://127.0.0.1:2379", "--etcd-username", "u", "--etcd-password-file", filepath.Join(dir, "nope")}, elect...), "read --etcd-password-file"},
		{"empty password file", append([]string{"--leader-election-etcd", "http://127.0.0.1:2379", "--etcd-username", "u", "--etcd-password-file", empty}, elect...), "--etcd-password-file " + empty + " is empty"},
		{"key without etcd", elect, "--leader-election-* and --etcd-* need --leader-election-etcd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			args := append([]string{"run", "--source", dir, "--listen", "127.0.0.1:0"}, tc.args...)
			code := Main(context.Background(), args, Stdio{Out: &bytes.Buffer{}, Err: &stderr, Getenv: func(string) string { return "" }})
			if code != exitUsage || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("got exit %d, stderr:\n%s\nwant exit 2 and %q", code, stderr.String(), tc.want)
			}
		})
	}
}
