package main

import (
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/gittest"
	"github.com/sipops/reconciler/internal/simtest"
)

const secret = "s3cret-webhook-value"

// TestRunGit drives the daemon through a git repository served by git
// daemon: commits applied on a webhook, an invalid commit rejected with the
// last good revision kept, a force-push followed, the remote going away and
// coming back, a forged webhook refused, drift reverted, reload, and a clean
// exit on SIGTERM.
func TestRunGit(t *testing.T) {
	w := newWorld(t, 3)
	repo := gittest.NewRepo(t)
	v1 := repo.Commit(t, "first", map[string]string{"specs/origination.cue": specFile(50), "README.md": "not a spec\n"})
	srv := gittest.Serve(t, repo.Root)
	p := startRun(t, w, "--git-url", srv.URL(repo.Name), "--git-path", "specs", "--git-interval", "1h",
		"--drift-interval", "1s", "--webhook-secret-file", writeSecret(t, secret))

	eventually(t, 15*time.Second, "revision 1 applied", holds(t, w, "vc-0000", routesA(50)))
	eventually(t, 5*time.Second, "ready", func() bool { code, _ := p.get(t, "/readyz"); return code == http.StatusOK })
	if st := p.status(t); st.LastGood == nil || st.LastGood.ID != v1 || !st.Ready {
		t.Fatalf("last good %+v, ready %v; want %s and ready", st.LastGood, st.Ready, v1)
	}
	// --api-rate auto reports the rate it allows itself in the region.
	if got := p.metric(t, "chime_reconciler_api_rate_limit", map[string]string{"region": "us-east-1"}); got < 0.5 || got > 100 {
		t.Errorf("api_rate_limit{region=us-east-1}: got %v, want the adaptive rate, within 0.5..100", got)
	}

	// A forged webhook: 401, and no fetch.
	fetches := p.metric(t, "chime_reconciler_source_fetch_total", map[string]string{"result": "success"})
	if code := p.webhook(t, "wrong"); code != http.StatusUnauthorized {
		t.Errorf("forged webhook: got %d, want 401", code)
	}
	if code := p.webhook(t, ""); code != http.StatusUnauthorized {
		t.Errorf("unsigned webhook: got %d, want 401", code)
	}
	time.Sleep(200 * time.Millisecond)
	if got := p.metric(t, "chime_reconciler_source_fetch_total", map[string]string{"result": "success"}); got != fetches {
		t.Errorf("a forged webhook caused a fetch: %v fetches, was %v", got, fetches)
	}

	// A commit is live within seconds of the webhook.
	repo.Commit(t, "weight 80", map[string]string{"specs/origination.cue": specFile(80)})
	if code := p.webhook(t, secret); code != http.StatusAccepted {
		t.Fatalf("webhook: got %d, want 202", code)
	}
	d := eventually(t, 10*time.Second, "weight 80 applied", holds(t, w, "vc-0000", routesA(80)))
	t.Logf("webhook to Put seen: %v", d)

	// An invalid commit: nothing applied, the error visible, v2 stays in force.
	bad := repo.Commit(t, "typo", map[string]string{"specs/origination.cue": strings.Replace(specFile(90), `"UDP"`, `"udp"`, 1)})
	p.webhook(t, secret)
	eventually(t, 10*time.Second, "invalid revision reported", func() bool {
		st := p.status(t)
		return st.Current != nil && st.Current.ID == bad && len(st.Invalid) > 0
	})
	if st := p.status(t); !strings.Contains(st.Invalid[0].String(), `origination.cue:4:`) || st.LastGood.ID == bad {
		t.Errorf("got invalid %v, last good %v", st.Invalid, st.LastGood)
	}
	if got := p.metric(t, "chime_reconciler_spec_valid", nil); got != 0 {
		t.Errorf("spec_valid %v, want 0", got)
	}
	if !holds(t, w, "vc-0000", routesA(80))() {
		t.Error("something of the invalid revision was applied")
	}

	// Fixed: applied.
	repo.Commit(t, "fix", map[string]string{"specs/origination.cue": specFile(90)})
	p.webhook(t, secret)
	eventually(t, 10*time.Second, "fixed revision applied", holds(t, w, "vc-0000", routesA(90)))
	if got := p.metric(t, "chime_reconciler_spec_valid", nil); got != 1 {
		t.Errorf("spec_valid %v, want 1", got)
	}

	// Force-push a rewritten history: followed.
	gittest.Git(t, repo.Work, "reset", "-q", "--hard", v1)
	rewritten := repo.Commit(t, "rewritten", map[string]string{"specs/origination.cue": specFile(20)})
	p.webhook(t, secret)
	eventually(t, 10*time.Second, "force-push followed", holds(t, w, "vc-0000", routesA(20)))
	if st := p.status(t); st.LastGood.ID != rewritten {
		t.Errorf("last good %s, want the force-pushed %s", st.LastGood.ID, rewritten)
	}

	// The remote goes away: the last good revision stays, the failure shows.
	srv.Stop()
	repo.Commit(t, "while down", map[string]string{"specs/origination.cue": specFile(30)})
	p.webhook(t, secret)
	eventually(t, 10*time.Second, "fetch failure counted", func() bool {
		return p.metric(t, "chime_reconciler_source_fetch_total", map[string]string{"result": "failure"}) > 0
	})
	if st := p.status(t); st.LastGood.ID != rewritten || !holds(t, w, "vc-0000", routesA(20))() {
		t.Errorf("remote down: last good %s", st.LastGood.ID)
	}
	srv.Start(t)
	p.webhook(t, secret)
	eventually(t, 15*time.Second, "recovered after the remote came back", holds(t, w, "vc-0000", routesA(30)))

	// Drift is reverted within the drift interval.
	setOrigination(t, w, "vc-0001", "sbc9.example.com:5060/UDP:1:1")
	d = eventually(t, 10*time.Second, "drift reverted", holds(t, w, "vc-0001", "sbc3.example.com:5061/TCP p1 w100"))
	t.Logf("drift reverted after %v", d)
	if got := p.metric(t, "chime_reconciler_drift_detected_total", nil); got < 1 {
		t.Errorf("drift_detected_total %v, want ≥ 1", got)
	}

	// SIGHUP: a full sweep now.
	reloads := p.metric(t, "chime_reconciler_reconcile_total", map[string]string{"trigger": "reload", "result": "success"})
	p.signal(t, syscall.SIGHUP)
	eventually(t, 10*time.Second, "reload sweep", func() bool {
		return p.metric(t, "chime_reconciler_reconcile_total", map[string]string{"trigger": "reload", "result": "success"}) > reloads
	})

	p.signal(t, syscall.SIGTERM)
	if code := p.exit(t, 10*time.Second); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0", code)
	}
	if logs := p.logs.String(); strings.Contains(logs, secret) {
		t.Error("the webhook secret appears in the logs")
	}
}

// TestRunLocalDir: a save in the watched directory is applied.
func TestRunLocalDir(t *testing.T) {
	w := newWorld(t, 2)
	dir := t.TempDir()
	gittest.WriteFile(t, dir+"/a.cue", specFile(50))
	p := startRun(t, w, "--source", dir)
	eventually(t, 15*time.Second, "spec applied", holds(t, w, "vc-0000", routesA(50)))
	gittest.WriteFile(t, dir+"/a.cue", specFile(70))
	d := eventually(t, 10*time.Second, "save applied", holds(t, w, "vc-0000", routesA(70)))
	t.Logf("file save to Put seen: %v", d)
	p.signal(t, syscall.SIGINT)
	if code := p.exit(t, 10*time.Second); code != 0 {
		t.Errorf("exit code %d after SIGINT, want 0", code)
	}
}

// TestRunSIGTERMDuringSlowApply: SIGTERM while writes are in flight exits 0
// after they finish; every connector holds its old or its new origination,
// and no write was cut off.
func TestRunSIGTERMDuringSlowApply(t *testing.T) {
	simtest.Isolate(t)
	w := simtest.Start(t, sim.Config{Latency: 300 * time.Millisecond})
	w.Connectors(t, "us-east-1", "vc", 16)
	dir := t.TempDir()
	gittest.WriteFile(t, dir+"/fleet.cue", fleetSpec(w, 50))
	p := startRun(t, w, "--source", dir, "--concurrency", "2", "--api-rate", "0")
	eventually(t, 30*time.Second, "first write", func() bool { return w.Sim.Stats().Count("PutVoiceConnectorOrigination", 200) > 0 })
	p.signal(t, syscall.SIGTERM)
	if code := p.exit(t, 10*time.Second); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	written := 0
	for _, c := range w.Sim.Connectors("") {
		switch o := w.Origination(t, c.ID); {
		case o == nil:
		case len(o.Routes) == 2:
			written++
		default:
			t.Errorf("%s holds a half-applied %s", c.Name, o)
		}
	}
	s := w.Sim.Stats()
	if ok := s.Count("PutVoiceConnectorOrigination", 200); ok != int64(written) || s.Calls("PutVoiceConnectorOrigination") != ok {
		t.Errorf("%d puts answered 200 of %d sent, %d connectors written: a write was cut off", ok, s.Calls("PutVoiceConnectorOrigination"), written)
	}
	if written == 0 || written == 16 {
		t.Errorf("%d of 16 written: the signal did not land mid-apply", written)
	}
	t.Logf("%d of 16 connectors written when SIGTERM arrived mid-apply", written)
}

// TestRunSIGHUPReloadsEnvFile: SIGHUP re-reads --env-file, applies what a
// running daemon can change (here --drift), and sweeps; a bad file keeps the
// running settings and says so in the metrics.
func TestRunSIGHUPReloadsEnvFile(t *testing.T) {
	w := newWorld(t, 2)
	dir := t.TempDir()
	gittest.WriteFile(t, dir+"/a.cue", specFile(50))
	envFile := dir + "/reconciler.env"
	gittest.WriteFile(t, envFile, "RECONCILER_DRIFT=correct\n")
	p := startRun(t, w, "--source", dir, "--env-file", envFile, "--drift-interval", "1h")
	eventually(t, 15*time.Second, "spec applied", holds(t, w, "vc-0000", routesA(50)))

	gittest.WriteFile(t, envFile, "# now only report drift\nRECONCILER_DRIFT=report\n")
	setOrigination(t, w, "vc-0000", "sbc1.example.com:5060/UDP:1:7,sbc2.example.com:5060/UDP:1:50")
	p.signal(t, syscall.SIGHUP)
	eventually(t, 10*time.Second, "drift reported after the reload", func() bool {
		st := p.status(t)
		return st.Drift == "report" && st.Counts["drifted"] == 1
	})
	if !holds(t, w, "vc-0000", routesA(7))() {
		t.Error("the drift was corrected although the reloaded settings say report")
	}
	if got := p.metric(t, "chime_reconciler_config_last_reload_successful", nil); got != 1 {
		t.Errorf("config_last_reload_successful %v, want 1", got)
	}

	gittest.WriteFile(t, envFile, "RECONCILER_DRIFT=bogus\n")
	p.signal(t, syscall.SIGHUP)
	eventually(t, 10*time.Second, "failed reload reported", func() bool {
		return p.metric(t, "chime_reconciler_config_last_reload_successful", nil) == 0
	})
	if st := p.status(t); st.Drift != "report" {
		t.Errorf("drift mode %q after a failed reload, want the running report", st.Drift)
	}
	if !strings.Contains(p.logs.String(), "reload failed") {
		t.Error("the failed reload is not logged")
	}
}
