package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/gittest"
	"github.com/sipops/reconciler/internal/simtest"
)

var (
	soakFor = flag.Duration("soak", 0, "run TestSoak for this long (0 skips it)")
	soakN   = flag.Int("soak.n", 1000, "connectors in TestSoak")
)

// TestSoak runs the daemon for -soak against a fleet of -soak.n connectors
// in git: drift injected all the time, a new commit every 3 s (changing one
// connector's weight: a commit changing all would rightly be held by the
// mass-change gate), sweeps every 2 s. Every injected drift must be corrected within one sweep, and the
// daemon's goroutines, heap and open fds must be as flat at the end as after
// its first sync.
//
// It is skipped unless -soak is given: an explicit opt-in long run, the one
// test allowed to skip by default. Run it with
//
//	go test -run TestSoak -v ./cmd/reconciler -soak=2m
func TestSoak(t *testing.T) {
	if *soakFor == 0 {
		t.Skip("opt-in long run: give -soak DURATION")
	}
	simtest.Isolate(t)
	w := simtest.Start(t, sim.Config{})
	fleet := w.Connectors(t, "us-east-1", "vc", *soakN)
	repo := gittest.NewRepo(t)
	weights := make([]int, len(fleet))
	for i := range weights {
		weights[i] = 50
	}
	repo.Commit(t, "fleet", map[string]string{"fleet.cue": weightedFleet(fleet, weights)})
	srv := gittest.Serve(t, repo.Root)
	const sweep = 2 * time.Second
	p := startRun(t, w, "--git-url", srv.URL(repo.Name), "--git-interval", "1s", "--drift-interval", sweep.String(),
		"--api-rate", "0", "--log-level", "info") // info: startRun waits for "started"
	inSync := func() bool {
		for i := range fleet {
			if len(behind(inWorld(t, w), fleet[i:i+1], fleetOrigination(weights[i]))) > 0 {
				return false
			}
		}
		return true
	}
	eventually(t, 5*time.Minute, "first sync", inSync)
	time.Sleep(3 * time.Second) // the first pass's garbage collected
	before := p.resources(t)

	injected, late, commits := 0, 0, 0
	nextCommit := time.Now().Add(3 * time.Second)
	for end := time.Now().Add(*soakFor); time.Now().Before(end); {
		if time.Now().After(nextCommit) {
			i := rand.IntN(len(fleet))
			weights[i] = 1 + weights[i]%100
			repo.Commit(t, "weight", map[string]string{"fleet.cue": weightedFleet(fleet, weights)})
			commits++
			nextCommit = time.Now().Add(3 * time.Second)
		}
		// One drift at a time: set a random connector wrong, and wait for
		// it to be put back; one sweep (2 s ±10%) plus the sweep itself.
		c := fleet[rand.IntN(len(fleet))]
		if err := w.Sim.SetOrigination(c.ID, stray(injected)); err != nil {
			t.Fatal(err)
		}
		injected++
		start := time.Now()
		for stray := w.Origination(t, c.ID); ; stray = w.Origination(t, c.ID) {
			if !(len(stray.Routes) == 1 && stray.Routes[0].Protocol == "TCP") {
				break
			}
			if time.Since(start) > 2*sweep+5*time.Second {
				late++
				t.Errorf("drift on %s not corrected within %v", c.Name, time.Since(start))
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	eventually(t, 30*time.Second, "in sync at the end", inSync)
	time.Sleep(3 * time.Second)
	after := p.resources(t)
	figure(t, "soak", "%v, %d connectors: %d drifts injected, %d late, %d commits; goroutines %v → %v, heap in use %.1f → %.1f MB, open fds %v → %v, RSS %.0f → %.0f MB",
		*soakFor, len(fleet), injected, late, commits, before.goroutines, after.goroutines,
		before.heap/1e6, after.heap/1e6, before.fds, after.fds, before.rss/1e6, after.rss/1e6)
	if after.goroutines > before.goroutines+10 {
		t.Errorf("goroutines grew from %v to %v", before.goroutines, after.goroutines)
	}
	if after.fds > before.fds+5 {
		t.Errorf("open fds grew from %v to %v", before.fds, after.fds)
	}
	if after.heap > 1.5*before.heap+8e6 {
		t.Errorf("heap in use grew from %.1f to %.1f MB", before.heap/1e6, after.heap/1e6)
	}
	p.signal(t, syscall.SIGTERM)
	if code := p.exit(t, 30*time.Second); code != 0 {
		t.Errorf("exit %d after SIGTERM", code)
	}
}

type resources struct{ goroutines, heap, fds, rss float64 }

func (p *proc) resources(t *testing.T) resources {
	t.Helper()
	return resources{
		goroutines: p.metric(t, "go_goroutines", nil),
		heap:       p.metric(t, "go_memstats_heap_inuse_bytes", nil),
		fds:        p.metric(t, "process_open_fds", nil),
		rss:        procRSS(t, p),
	}
}

// weightedFleet is fleetOf with sbc1's weight per connector.
func weightedFleet(conns []sim.StoredConnector, weights []int) string {
	var b strings.Builder
	b.WriteString("package specs\n\nvoiceConnectors: {\n")
	for i, c := range conns {
		fmt.Fprintf(&b, "\t%q: {id: %q, origination: routes: [{host: \"sbc1.example.com\", protocol: \"UDP\", priority: 1, weight: %d}, {host: \"sbc2.example.com\", protocol: \"UDP\", priority: 1, weight: 50}]}\n", c.Name, c.ID, weights[i])
	}
	b.WriteString("}\n")
	return b.String()
}
