package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/gittest"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/simtest"
)

// The fault matrix of issue 7: the real daemon binary against the simulator
// on loopback, one fault per test. Each asserts the end state in the
// simulator, counts what was retried, and checks that nothing unrelated was
// written. Figures are logged as "FIGURE name: value" (go test -v).

// TestChaosThrottleStorm: the simulator admits 20% of what the daemon may
// offer (60 vs 300 requests/s per operation) for a full first sweep of
// -chaos.n connectors, a tenth of them already in sync.
func TestChaosThrottleStorm(t *testing.T) {
	simtest.Isolate(t)
	n := *chaosN
	w := simtest.Start(t, sim.Config{Rate: 60, Burst: 60})
	fleet := w.Connectors(t, "us-east-1", "vc", n)
	others := bystanders(t, w, 5)
	inSync := 0
	for i := 0; i < n; i += 10 {
		if err := w.Sim.SetOrigination(fleet[i].ID, fleetOrigination(50)); err != nil {
			t.Fatal(err)
		}
		inSync++
	}
	dir := t.TempDir()
	gittest.WriteFile(t, dir+"/fleet.cue", fleetOf(fleet, 50))
	start := time.Now()
	p := startRun(t, w, "--source", dir, "--api-rate", "300", "--api-burst", "30", "--concurrency", "16",
		"--max-attempts", "20", "--drift-interval", "1h", "--log-level", "info")
	eventually(t, 120*time.Second, "every connector equals the spec", func() bool {
		return len(behind(inWorld(t, w), fleet, fleetOrigination(50))) == 0
	})
	converged := time.Since(start)
	eventually(t, 10*time.Second, "the pass reported", func() bool { return p.status(t).Counts["in_sync"] == n })

	s, api := w.Sim.Stats(), p.api(t)
	if got, want := s.Count("PutVoiceConnectorOrigination", 200), int64(n-inSync); got != want {
		t.Errorf("successful Puts: got %d, want %d (the connectors not in sync)", got, want)
	}
	if s.Throttled == 0 || api.throttled == 0 || api.retries < api.throttled {
		t.Errorf("throttled: sim %d, daemon %v, retries %v: the storm did not happen or was not retried", s.Throttled, api.throttled, api.retries)
	}
	checkBystanders(t, inWorld(t, w), others)
	figure(t, "throttle-storm", "%d connectors (%d to write), sim 60 req/s/op vs daemon 300: converged in %.1f s, %d calls, %d throttled (%.0f%%), daemon retries %v",
		n, n-inSync, converged.Seconds(), s.Total, s.Throttled, 100*float64(s.Throttled)/float64(s.Total), api.retries)
}

// TestChaosFaultsAndSpikes: 30% of calls fail with 500/503 and 5% wait 2 s
// more; with enough attempts the daemon converges, each connector written
// exactly once.
func TestChaosFaultsAndSpikes(t *testing.T) {
	simtest.Isolate(t)
	const n = 40
	w := simtest.Start(t, sim.Config{FaultRate: 0.3, SpikeRate: 0.05, Spike: 2 * time.Second, Seed: 7})
	fleet := w.Connectors(t, "us-east-1", "vc", n)
	others := bystanders(t, w, 3)
	dir := t.TempDir()
	gittest.WriteFile(t, dir+"/fleet.cue", fleetOf(fleet, 50))
	start := time.Now()
	p := startRun(t, w, "--source", dir, "--api-rate", "0", "--max-attempts", "10", "--drift-interval", "1h", "--log-level", "info")
	eventually(t, 60*time.Second, "every connector equals the spec", func() bool {
		return len(behind(inWorld(t, w), fleet, fleetOrigination(50))) == 0
	})
	converged := time.Since(start)
	eventually(t, 10*time.Second, "the pass reported", func() bool { return p.status(t).Counts["in_sync"] == n })

	s, api := w.Sim.Stats(), p.api(t)
	if got := s.Count("PutVoiceConnectorOrigination", 200); got != n {
		t.Errorf("successful Puts: got %d, want %d", got, n)
	}
	if s.Faults == 0 || api.retries < float64(s.Faults) {
		t.Errorf("%d faults injected, %v retries: every fault must be retried", s.Faults, api.retries)
	}
	checkBystanders(t, inWorld(t, w), others)
	figure(t, "faults-and-spikes", "%d connectors, 30%% 5xx + 2 s spikes on 5%%: converged in %.1f s, %d calls, %d faults, daemon retries %v",
		n, converged.Seconds(), s.Total, s.Faults, api.retries)
}

// TestChaosSimKilledMidApply: the simulator (a child process keeping its
// state in a file) is killed with SIGKILL after some Puts and started again
// on the same port with the same file. Every Put the daemon saw answered is
// in the file, and the daemon converges.
func TestChaosSimKilledMidApply(t *testing.T) {
	simtest.Isolate(t)
	const n = 40
	dir := t.TempDir()
	state, ids := filepath.Join(dir, "state.json"), filepath.Join(dir, "ids")
	args := []string{"--listen", "127.0.0.1:" + itoa(freePort(t)), "--state", state, "--connectors", itoa(n),
		"--latency", "50ms", "--ids-file", ids}
	s := startSimProc(t, args...)
	fleet := fleetFromIDs(t, ids)
	specs := t.TempDir()
	gittest.WriteFile(t, specs+"/fleet.cue", fleetOf(fleet, 50))
	fromFile := func(id string) *origination.Origination { return stateFile(t, state)[id] }

	p := startRun(t, &simtest.World{URL: s.URL}, "--source", specs, "--api-rate", "0", "--concurrency", "2",
		"--max-attempts", "20", "--drift-interval", "1h", "--log-level", "info")
	eventually(t, 30*time.Second, "some Puts", func() bool { return n-len(behind(fromFile, fleet, fleetOrigination(50))) >= 5 })
	s.kill()
	time.Sleep(300 * time.Millisecond) // answers already on the wire reach the daemon's log
	acked := p.written(t)
	saved := stateFile(t, state)
	for id := range acked {
		if !origination.Equal(saved[id], fleetOrigination(50)) {
			t.Errorf("%s: the daemon saw its Put answered, but the state file holds %s", id, saved[id])
		}
	}
	if len(acked) == 0 || len(acked) == n {
		t.Fatalf("%d of %d acknowledged when the simulator was killed: not mid-apply", len(acked), n)
	}

	restart := time.Now()
	s = startSimProc(t, args...)
	eventually(t, 60*time.Second, "converged after the restart", func() bool {
		return len(behind(fromFile, fleet, fleetOrigination(50))) == 0
	})
	took := time.Since(restart)
	puts := s.stats(t).Count("PutVoiceConnectorOrigination", 200)
	if puts > int64(n-len(acked)) {
		t.Errorf("after the restart %d Puts, but only %d connectors were not acknowledged", puts, n-len(acked))
	}
	api := p.api(t)
	figure(t, "sim-sigkill", "%d connectors, sim killed after %d acknowledged Puts (all %d in its state file): converged %.1f s after the restart with %d more Puts, daemon retries %v",
		n, len(acked), len(acked), took.Seconds(), puts, api.retries)
}

// TestChaosDaemonKilledMidApply: the daemon is killed with SIGKILL in the
// middle of a slow apply and started again; the new one writes exactly the
// connectors still different.
func TestChaosDaemonKilledMidApply(t *testing.T) {
	simtest.Isolate(t)
	const n = 30
	w := simtest.Start(t, sim.Config{Latency: 50 * time.Millisecond})
	fleet := w.Connectors(t, "us-east-1", "vc", n)
	others := bystanders(t, w, 3)
	dir := t.TempDir()
	gittest.WriteFile(t, dir+"/fleet.cue", fleetOf(fleet, 50))
	args := []string{"--source", dir, "--api-rate", "0", "--concurrency", "2", "--drift-interval", "1h", "--log-level", "info"}
	p := startRun(t, w, args...)
	eventually(t, 30*time.Second, "some Puts", func() bool { return w.Sim.Stats().Count("PutVoiceConnectorOrigination", 200) >= 5 })
	p.signal(t, syscall.SIGKILL)
	p.exit(t, 10*time.Second)
	time.Sleep(300 * time.Millisecond) // a Put past its latency completes
	left := len(behind(inWorld(t, w), fleet, fleetOrigination(50)))
	if left == 0 || left == n {
		t.Fatalf("%d of %d left when the daemon was killed: not mid-apply", left, n)
	}

	w.Sim.ResetStats()
	start := time.Now()
	startRun(t, w, args...)
	eventually(t, 30*time.Second, "converged after the restart", func() bool {
		return len(behind(inWorld(t, w), fleet, fleetOrigination(50))) == 0
	})
	took := time.Since(start)
	s := w.Sim.Stats()
	if got := s.Calls("PutVoiceConnectorOrigination"); got != int64(left) || s.Count("PutVoiceConnectorOrigination", 200) != got {
		t.Errorf("the restarted daemon sent %d Puts (%d answered 200), want %d: the connectors still different", got, s.Count("PutVoiceConnectorOrigination", 200), left)
	}
	checkBystanders(t, inWorld(t, w), others)
	figure(t, "daemon-sigkill", "%d connectors, daemon killed with %d left: restarted daemon converged in %.1f s with %d Puts and %d calls in all",
		n, left, took.Seconds(), s.Calls("PutVoiceConnectorOrigination"), s.Total)
}

// TestChaosConcurrentWriter: once the daemon's first apply has started
// writing, another writer changes some connectors, for 3 s; every change is
// reverted by the next sweep, and connectors the writer never touched are
// written once. (A foreign change seen before the first plan would rightly
// hold the revision at the traffic-loss gate.)
func TestChaosConcurrentWriter(t *testing.T) {
	simtest.Isolate(t)
	const n, touched = 20, 5
	w := simtest.Start(t, sim.Config{Latency: 50 * time.Millisecond})
	fleet := w.Connectors(t, "us-east-1", "vc", n)
	others := bystanders(t, w, 3)
	dir := t.TempDir()
	gittest.WriteFile(t, dir+"/fleet.cue", fleetOf(fleet, 50))
	p := startRun(t, w, "--source", dir, "--api-rate", "0", "--concurrency", "2", "--drift-interval", "1s", "--log-level", "info")
	eventually(t, 15*time.Second, "the first Put", func() bool { return w.Sim.Stats().Count("PutVoiceConnectorOrigination", 200) > 0 })

	writes := 0
	for end := time.Now().Add(3 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if err := w.Sim.SetOrigination(fleet[rand.IntN(touched)].ID, stray(writes)); err != nil {
			t.Fatal(err)
		}
		writes++
	}
	d := eventually(t, 10*time.Second, "every drift reverted", func() bool {
		return len(behind(inWorld(t, w), fleet, fleetOrigination(50))) == 0
	})
	if d > 2500*time.Millisecond {
		t.Errorf("the last drift was reverted %v after the writer stopped, want within one sweep (1 s ±10%% plus the sweep)", d)
	}
	drift := p.metric(t, "chime_reconciler_drift_detected_total", nil)
	if drift == 0 {
		t.Error("no drift detected")
	}
	written := p.written(t)
	for _, c := range fleet[touched:] {
		if written[c.ID] != 1 {
			t.Errorf("%s, which no one else wrote, was written %d times, want once", c.Name, written[c.ID])
		}
	}
	checkBystanders(t, inWorld(t, w), others)
	figure(t, "concurrent-writer", "%d foreign writes on %d of %d connectors over 3 s: %v drift detections, every one reverted; last reverted %.2f s after the writer stopped",
		writes, touched, n, drift, d.Seconds())
}

// TestChaosGitRemoteAway: the git remote stops for -chaos.outage and comes
// back with a force-pushed history. During the outage the last good
// revision stays in force and the failures are counted; then the rewritten
// history is applied.
func TestChaosGitRemoteAway(t *testing.T) {
	simtest.Isolate(t)
	const n = 5
	w := simtest.Start(t, sim.Config{})
	fleet := w.Connectors(t, "us-east-1", "vc", n)
	repo := gittest.NewRepo(t)
	v1 := repo.Commit(t, "v1", map[string]string{"fleet.cue": fleetOf(fleet, 50)})
	v2 := repo.Commit(t, "v2", map[string]string{"fleet.cue": fleetOf(fleet, 60)})
	srv := gittest.Serve(t, repo.Root)
	p := startRun(t, w, "--git-url", srv.URL(repo.Name), "--git-interval", "1s", "--drift-interval", "1h")
	eventually(t, 15*time.Second, "v2 applied", func() bool { return len(behind(inWorld(t, w), fleet, fleetOrigination(60))) == 0 })
	w.Sim.ResetStats()
	failures := func() float64 {
		return p.metric(t, "chime_reconciler_source_fetch_total", map[string]string{"result": "failure"})
	}

	srv.Stop()
	time.Sleep(*chaosOutage)
	st := p.status(t)
	if st.LastGood == nil || st.LastGood.ID != v2 || st.Current.ID != v2 {
		t.Errorf("during the outage: last good %v, current %v; want %s", st.LastGood, st.Current, v2)
	}
	if calls := w.Sim.Stats().Calls("PutVoiceConnectorOrigination"); calls != 0 {
		t.Errorf("%d Puts during the outage", calls)
	}
	down := failures()
	if down < 2 {
		t.Errorf("%v fetch failures counted in a %v outage, want at least 2", down, *chaosOutage)
	}

	gittest.Git(t, repo.Work, "reset", "-q", "--hard", v1)
	rewritten := repo.Commit(t, "rewritten", map[string]string{"fleet.cue": fleetOf(fleet, 70)})
	srv.Start(t)
	back := time.Now()
	eventually(t, 30*time.Second, "the force-pushed revision applied", func() bool {
		return len(behind(inWorld(t, w), fleet, fleetOrigination(70))) == 0
	})
	took := time.Since(back)
	if st := p.status(t); st.LastGood.ID != rewritten {
		t.Errorf("last good %s, want the force-pushed %s", st.LastGood.ID, rewritten)
	}
	if got := w.Sim.Stats().Count("PutVoiceConnectorOrigination", 200); got != n {
		t.Errorf("%d Puts for the rewritten revision, want %d", got, n)
	}
	figure(t, "git-outage", "remote away %v: %v fetch failures counted, last good kept, no write; force-push applied %.1f s after the remote returned",
		*chaosOutage, down, took.Seconds())
}

// badRevisions is the shared set-up of TestChaosBadRevisions*: three
// connectors, the revisions that must change nothing, and the check.
type badRevisions struct {
	w        *simtest.World
	fleet    []sim.StoredConnector
	outside  string // a .cue file outside any spec directory
	invalid  string
	tooBig   string // the error naming the limit
	symlink  string
	mustHold *origination.Origination
}

func newBadRevisions(t *testing.T) *badRevisions {
	simtest.Isolate(t)
	w := simtest.Start(t, sim.Config{})
	fleet := w.Connectors(t, "us-east-1", "vc", 3)
	outside := filepath.Join(t.TempDir(), "outside.cue")
	gittest.WriteFile(t, outside, fleetOf(fleet, 1))
	return &badRevisions{
		w: w, fleet: fleet, outside: outside,
		invalid:  strings.Replace(fleetOf(fleet, 90), `"UDP"`, `"udp"`, 1),
		tooBig:   "larger than 16 MiB, refusing to load it",
		symlink:  "a symbolic link",
		mustHold: fleetOrigination(50),
	}
}

// padding is a file of about mb megabytes.
func padding(mb int) string {
	const line = "// padding to make this file larger than any spec may be\n"
	return strings.Repeat(line, mb<<20/len(line)+1)
}

// applied waits until the fleet holds the spec and the pass is done, then
// zeroes the simulator's counters.
func (b *badRevisions) applied(t *testing.T, p *proc) string {
	t.Helper()
	eventually(t, 15*time.Second, "applied", func() bool {
		return len(behind(inWorld(t, b.w), b.fleet, b.mustHold)) == 0 && p.status(t).Counts["in_sync"] == len(b.fleet)
	})
	b.w.Sim.ResetStats()
	return p.status(t).LastGood.ID
}

// check waits for the daemon to take in a bad revision (taken tells it
// has), then checks that nothing was written and good stays in force.
func (b *badRevisions) check(t *testing.T, p *proc, good, what string, taken func() bool) {
	t.Helper()
	eventually(t, 20*time.Second, what+" seen", taken)
	time.Sleep(300 * time.Millisecond)
	if st := p.status(t); st.LastGood == nil || st.LastGood.ID != good {
		t.Errorf("%s: last good %v, want %s", what, st.LastGood, good)
	}
	if got := behind(inWorld(t, b.w), b.fleet, b.mustHold); len(got) > 0 {
		t.Errorf("%s: %v changed", what, got)
	}
	s := b.w.Sim.Stats()
	if calls := s.Calls("PutVoiceConnectorOrigination") + s.Calls("DeleteVoiceConnectorOrigination"); calls != 0 {
		t.Errorf("%s: %d writes", what, calls)
	}
}

func invalidWith(t *testing.T, p *proc, msg string) func() bool {
	return func() bool {
		st := p.status(t)
		return len(st.Invalid) > 0 && strings.Contains(st.Invalid[0].String(), msg)
	}
}

func fetchFailures(t *testing.T, p *proc) float64 {
	return p.metric(t, "chime_reconciler_source_fetch_total", map[string]string{"result": "failure"})
}

// failedWith is true once a fetch failed after before failures and the
// logs name msg.
func failedWith(t *testing.T, p *proc, before float64, msg string) func() bool {
	return func() bool {
		return fetchFailures(t, p) > before && strings.Contains(p.logs.String(), msg) && strings.Contains(p.status(t).SourceError, msg)
	}
}

// TestChaosBadRevisionsDir: from a local directory, an invalid spec, no
// .cue file left, a 50 MB file and a symbolic link out of the directory
// change nothing; the good spec back is taken again.
func TestChaosBadRevisionsDir(t *testing.T) {
	b := newBadRevisions(t)
	dir := t.TempDir()
	gittest.WriteFile(t, dir+"/a.cue", fleetOf(b.fleet, 50))
	p := startRun(t, b.w, "--source", dir, "--drift-interval", "1h")
	good := b.applied(t, p)

	gittest.WriteFile(t, dir+"/a.cue", b.invalid)
	b.check(t, p, good, "invalid spec", invalidWith(t, p, `a.cue:`))
	if err := os.Remove(dir + "/a.cue"); err != nil {
		t.Fatal(err)
	}
	b.check(t, p, good, "no .cue file", invalidWith(t, p, "no .cue files found"))
	f := fetchFailures(t, p)
	moveIn(t, padding(50), dir+"/big.cue")
	b.check(t, p, good, "50 MB file", failedWith(t, p, f, "big.cue: "+b.tooBig))
	os.Remove(dir + "/big.cue")
	f = fetchFailures(t, p)
	if err := os.Symlink(b.outside, dir+"/evil.cue"); err != nil {
		t.Fatal(err)
	}
	b.check(t, p, good, "symbolic link out", failedWith(t, p, f, "evil.cue: "+b.symlink))
	os.Remove(dir + "/evil.cue")
	gittest.WriteFile(t, dir+"/a.cue", fleetOf(b.fleet, 50))
	eventually(t, 15*time.Second, "the good spec back in force", func() bool { st := p.status(t); return st.Current.ID == good && len(st.Invalid) == 0 })
}

// TestChaosBadRevisionsGit: the same from git, commit after commit: an
// invalid spec, a commit deleting every .cue file, a file past the limit
// (17 MiB: go-git inflates the whole blob while fetching, which for 50 MB
// takes 5 s under -race; the refusal is the same size check), a symbolic
// link; then a fixed commit applies.
func TestChaosBadRevisionsGit(t *testing.T) {
	b := newBadRevisions(t)
	repo := gittest.NewRepo(t)
	repo.Commit(t, "good", map[string]string{"specs/a.cue": fleetOf(b.fleet, 50), "specs/README.md": "the fleet\n"})
	srv := gittest.Serve(t, repo.Root)
	p := startRun(t, b.w, "--git-url", srv.URL(repo.Name), "--git-path", "specs", "--git-interval", "1h",
		"--drift-interval", "1h", "--webhook-secret-file", writeSecret(t, secret))
	good := b.applied(t, p)

	repo.Commit(t, "invalid", map[string]string{"specs/a.cue": b.invalid})
	p.webhook(t, secret)
	b.check(t, p, good, "invalid spec", invalidWith(t, p, `a.cue:`))
	repo.Commit(t, "delete every spec", map[string]string{"specs/a.cue": ""})
	p.webhook(t, secret)
	b.check(t, p, good, "no .cue file", invalidWith(t, p, "no .cue files found"))
	f := fetchFailures(t, p)
	repo.Commit(t, "too big", map[string]string{"specs/big.cue": padding(17)})
	p.webhook(t, secret)
	b.check(t, p, good, "17 MiB file", failedWith(t, p, f, "big.cue: "+b.tooBig))
	f = fetchFailures(t, p)
	if err := os.Symlink(b.outside, filepath.Join(repo.Work, "specs/evil.cue")); err != nil {
		t.Fatal(err)
	}
	repo.Commit(t, "symlink", map[string]string{"specs/big.cue": ""})
	p.webhook(t, secret)
	b.check(t, p, good, "symbolic link", failedWith(t, p, f, "evil.cue: "+b.symlink))
	os.Remove(filepath.Join(repo.Work, "specs/evil.cue"))
	fixed := repo.Commit(t, "fixed", map[string]string{"specs/a.cue": fleetOf(b.fleet, 50)})
	p.webhook(t, secret)
	eventually(t, 15*time.Second, "the fixed revision in force", func() bool { return p.status(t).LastGood.ID == fixed })
}

// TestChaosValidateBigFleet: a spec of -chaos.validate connectors (2,000;
// the 10,000 with -chaos.validate=10000) loads and validates; the
// time is the figure.
func TestChaosValidateBigFleet(t *testing.T) {
	n := *chaosValidateN
	dir := t.TempDir()
	gittest.WriteFile(t, dir+"/fleet.cue", fleetOf(syntheticFleet(n), 50))
	start := time.Now()
	out, err := execReconciler("validate", "--source", dir)
	if err != nil || !strings.Contains(out, "valid, "+itoa(n)+" voice connectors") {
		t.Fatalf("validate: %v\n%s", err, out)
	}
	figure(t, "validate-fleet", "reconciler validate of %d connectors × 2 routes: %.1f s (the binary is built with -race when the tests are)", n, time.Since(start).Seconds())
}

// TestChaosStateDir: an unusable state directory stops the daemon at start
// with a clear error; a full one (a 64 KiB tmpfs) leaves it running, not
// ready, the clone failing with ENOSPC, and nothing written.
func TestChaosStateDir(t *testing.T) {
	simtest.Isolate(t)
	t.Run("under a file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		gittest.WriteFile(t, file, "not a directory\n")
		out, err := execReconciler("run", "--git-url", "git://127.0.0.1:1/specs.git", "--listen", "127.0.0.1:0", "--state-dir", file+"/state")
		if code := exitStatus(err); code != exitFailure || !strings.Contains(out, "run: create state directory: mkdir "+file+": not a directory") {
			t.Errorf("exit %d, output:\n%s", code, out)
		}
	})
	t.Run("full", func(t *testing.T) {
		full := t.TempDir()
		if out, err := execCmd("mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", full); err != nil {
			t.Fatalf("this test mounts a 64 KiB tmpfs, which needs root (CAP_SYS_ADMIN): %v\n%s", err, out)
		}
		t.Cleanup(func() { execCmd("umount", full) })
		w := simtest.Start(t, sim.Config{})
		fleet := w.Connectors(t, "us-east-1", "vc", 2)
		repo := gittest.NewRepo(t)
		noise := make([]byte, 256<<10)
		for i := range noise {
			noise[i] = "0123456789abcdef"[rand.IntN(16)]
		}
		repo.Commit(t, "fleet", map[string]string{"fleet.cue": fleetOf(fleet, 50), "noise.txt": string(noise)})
		srv := gittest.Serve(t, repo.Root)
		p := startRun(t, w, "--git-url", srv.URL(repo.Name), "--git-interval", "1s", "--state-dir", full)
		eventually(t, 15*time.Second, "the failed clone logged", func() bool {
			return strings.Contains(p.logs.String(), "no space left on device") &&
				p.metric(t, "chime_reconciler_source_fetch_total", map[string]string{"result": "failure"}) > 0
		})
		if code, _ := p.get(t, "/readyz"); code != 503 {
			t.Errorf("/readyz %d with no revision ever fetched, want 503", code)
		}
		if s := w.Sim.Stats(); s.Total != 0 {
			t.Errorf("%d API calls without a revision", s.Total)
		}
		p.signal(t, syscall.SIGTERM)
		if code := p.exit(t, 10*time.Second); code != 0 {
			t.Errorf("exit %d after SIGTERM, want 0", code)
		}
	})
}
