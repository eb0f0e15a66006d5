package sim_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/sipops/reconciler/internal/chime/sim"
)

// BenchmarkSimulatorThroughput measures GetVoiceConnectorOrigination calls
// per second over loopback, with no latency and no rate limit, from parallel
// keep-alive clients.
//
//	go test -run '^$' -bench SimulatorThroughput -benchtime 5s ./chime/sim/
func BenchmarkSimulatorThroughput(b *testing.B) {
	s, url := start(b, sim.Config{})
	c := mustCreate(b, s, "bench", "us-east-1")
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	b.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr}
	target := url + "/voice-connectors/" + c.ID + "/origination"
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := signed(b, "GET", target, "", "us-east-1")
			resp, err := hc.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status: got %d, want 200", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
