package metrics

import (
	"bytes"
	"os/exec"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestPromtoolCheckMetrics scrapes /metrics after every method has been
// called and lints the exposition with promtool, as CI would. A missing
// promtool is a failure, not a skip: the lint is the point.
func TestPromtoolCheckMetrics(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatal("promtool not found: run scripts/install-test-deps.sh")
	}
	reg := prometheus.NewRegistry()
	exerciseAll(New(reg))
	base, _ := startServer(t, ServerOptions{Gatherer: reg})
	code, body, _ := do(t, "GET", base+"/metrics", nil, nil)
	if code != 200 {
		t.Fatalf("GET /metrics: got %d, want 200", code)
	}
	cmd := exec.CommandContext(t.Context(), promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader([]byte(body))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check metrics: got %v\n%s\nwant no problems in:\n%s", err, out, body)
	}
}
