package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/gittest"
	"github.com/sipops/reconciler/internal/simtest"
)

// fleetSpec is a spec of every connector of w by id, sbc1's weight w0 on
// the first connector and 50 elsewhere.
func fleetSpec(w *simtest.World, w0 int) string {
	var b strings.Builder
	b.WriteString("package specs\n\nvoiceConnectors: {\n")
	for i, c := range w.Sim.Connectors("") {
		weight := 50
		if i == 0 {
			weight = w0
		}
		fmt.Fprintf(&b, "\t%q: {id: %q, origination: routes: [{host: \"sbc1.example.com\", protocol: \"UDP\", priority: 1, weight: %d}, {host: \"sbc2.example.com\", protocol: \"UDP\", priority: 1, weight: 50}]}\n", c.Name, c.ID, weight)
	}
	b.WriteString("}\n")
	return b.String()
}

// BenchmarkWebhookToPut1000: with 1,000 connectors in the repository and a
// one-connector change, the time from the webhook to the Put the simulator
// sees (goal ≤ 2 s), the API calls of that reconcile (goal ≤ 3), and the
// daemon's idle RSS (goal ≤ 60 MB) and CPU between sweeps. Run with
//
//	go test -run '^$' -bench WebhookToPut1000 -benchtime 1x ./cmd/reconciler
func BenchmarkWebhookToPut1000(b *testing.B) {
	simtest.Isolate(b)
	w := simtest.Start(b, sim.Config{})
	w.Connectors(b, "us-east-1", "vc", 1000)
	repo := gittest.NewRepo(b)
	repo.Commit(b, "fleet", map[string]string{"fleet.cue": fleetSpec(w, 50)})
	srv := gittest.Serve(b, repo.Root)
	p := startRun(b, w, "--git-url", srv.URL(repo.Name), "--git-interval", "1h", "--drift-interval", "1h",
		"--webhook-secret-file", writeSecret(b, secret), "--api-rate", "0", "--log-level", "info")
	first := w.Sim.Connectors("")[0].ID
	eventually(b, 120*time.Second, "fleet applied", func() bool {
		return w.Sim.Stats().Count("PutVoiceConnectorOrigination", 200) >= 1000
	})
	time.Sleep(2 * time.Second) // let the first pass's garbage be collected
	rss, cpu := procRSS(b, p), procCPU(b, p)
	time.Sleep(5 * time.Second)
	idleCPU := procCPU(b, p) - cpu
	for i := range b.N {
		weight := 60 + i%30
		repo.Commit(b, "one change", map[string]string{"fleet.cue": fleetSpec(w, weight)})
		w.Sim.ResetStats()
		if code := p.webhook(b, secret); code != 202 {
			b.Fatalf("webhook: %d", code)
		}
		latency := eventually(b, 30*time.Second, "change applied", func() bool {
			o, _ := w.Sim.Origination(first)
			return o != nil && (o.Routes[0].Weight == weight || o.Routes[1].Weight == weight)
		})
		b.ReportMetric(latency.Seconds(), "webhook-to-put-s")
		b.ReportMetric(float64(w.Sim.Stats().Total), "api-calls")
	}
	b.ReportMetric(rss/1e6, "idle-rss-MB")
	b.ReportMetric(idleCPU.Seconds(), "idle-cpu-s/5s")
	p.signal(b, syscall.SIGTERM)
	p.exit(b, 30*time.Second)
}

// BenchmarkSaveToPut10: with a local directory of 10 connectors, the time
// from a file save to the Put the simulator sees (goal ≤ 1 s).
func BenchmarkSaveToPut10(b *testing.B) {
	simtest.Isolate(b)
	w := simtest.Start(b, sim.Config{})
	w.Connectors(b, "us-east-1", "vc", 10)
	dir := b.TempDir()
	gittest.WriteFile(b, dir+"/fleet.cue", fleetSpec(w, 50))
	p := startRun(b, w, "--source", dir, "--drift-interval", "1h", "--log-level", "info")
	first := w.Sim.Connectors("")[0].ID
	eventually(b, 30*time.Second, "fleet applied", func() bool {
		return w.Sim.Stats().Count("PutVoiceConnectorOrigination", 200) >= 10
	})
	for i := range b.N {
		weight := 60 + i%30
		gittest.WriteFile(b, dir+"/fleet.cue", fleetSpec(w, weight))
		latency := eventually(b, 30*time.Second, "save applied", func() bool {
			o, _ := w.Sim.Origination(first)
			return o != nil && (o.Routes[0].Weight == weight || o.Routes[1].Weight == weight)
		})
		b.ReportMetric(latency.Seconds(), "save-to-put-s")
	}
	p.signal(b, syscall.SIGTERM)
	p.exit(b, 30*time.Second)
}

// procRSS is the resident set size of the daemon in bytes.
func procRSS(tb testing.TB, p *proc) float64 {
	tb.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) * 1024
		}
	}
	tb.Fatal("no VmRSS")
	return 0
}

// procCPU is the CPU time the daemon used so far (user + system).
func procCPU(tb testing.TB, p *proc) time.Duration {
	tb.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		tb.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}
