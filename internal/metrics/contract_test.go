package metrics

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/sipops/reconciler/internal/goldentest"
)

// TestMetricsContract pins the names, types and label names of every
// metric the reconciler exports: dashboards and alert rules depend on
// them, so a change must show in this golden file, be reviewed with them,
// and be written in the README's changelog. Help texts are not part of the
// contract. Rewrite with go test -run TestMetricsContract -update.
func TestMetricsContract(t *testing.T) {
	reg := prometheus.NewRegistry()
	exerciseAll(New(reg))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, mf := range mfs {
		if strings.HasPrefix(mf.GetName(), "go_") || strings.HasPrefix(mf.GetName(), "process_") {
			continue
		}
		lines = append(lines, fmt.Sprintf("%s %s{%s}", strings.ToLower(mf.GetType().String()), mf.GetName(), strings.Join(labelNames(mf), ",")))
	}
	slices.Sort(lines)
	goldentest.Check(t, "testdata/metrics.golden", []byte(strings.Join(lines, "\n")+"\n"))
}

// labelNames returns the label names of a family's series, sorted; every
// series of a family has the same ones.
func labelNames(mf *dto.MetricFamily) []string {
	seen := map[string]bool{}
	for _, m := range mf.GetMetric() {
		for _, l := range m.GetLabel() {
			seen[l.GetName()] = true
		}
	}
	var names []string
	for n := range seen {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
