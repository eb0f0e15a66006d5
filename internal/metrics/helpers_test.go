package metrics

import (
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/sipops/reconciler/internal/daemon"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/suspension"
)

// settings are the managed settings the tests register; a second one shows
// that the setting-labelled series exist for each.
var settings = []string{"origination", "termination"}

// exerciseAll calls every recording method once or more.
func exerciseAll(m *Metrics) {
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	m.SetSettings(settings)
	m.ReconcileDone("revision", "success", 1500*time.Millisecond)
	m.ReconcileDone("drift", "failure", 3*time.Second)
	m.LastSuccess(at)
	m.SetRevision("git https://example.com/voice.git", "0123456789abcdef")
	m.SetSpecValid(true)
	m.SetConnectors(map[daemon.ConnectorState]int{daemon.StateInSync: 3, daemon.StateDrifted: 1, daemon.StateFailed: 1})
	m.DriftDetected("origination", 1)
	m.Change("origination", setting.Put, true)
	m.Change("origination", setting.Delete, false)
	m.SourceFetched(nil, at)
	m.SourceFetched(errors.New("connection refused"), at.Add(time.Minute))
	m.SetHeld(true)
	m.SetReloadSuccessful(false)
	m.Request("us-east-1", "PutVoiceConnectorOrigination", "ok", 120*time.Millisecond)
	m.Request("us-east-1", "GetVoiceConnectorOrigination", "ThrottledClientException", 2*time.Second)
	m.Retry("us-east-1", "GetVoiceConnectorOrigination")
	m.Throttle("us-east-1", "GetVoiceConnectorOrigination")
	m.RateLimit("us-east-1", 42.5)
	m.SetElection("/reconciler/test")
	m.LeaderChanged(true)
	m.SetSuspensions([]suspension.Suspension{{Key: "sbc-east", Reason: "INC-4242", Since: at.Add(-time.Hour)}})
}

// gather returns the families of reg by name.
func gather(t *testing.T, reg prometheus.Gatherer) map[string]*dto.MetricFamily {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	out := make(map[string]*dto.MetricFamily, len(mfs))
	for _, mf := range mfs {
		out[mf.GetName()] = mf
	}
	return out
}

// value returns the value of the series of name whose labels include want,
// and whether there is one. Histograms give their sample count.
func value(t *testing.T, reg prometheus.Gatherer, name string, want map[string]string) (float64, bool) {
	t.Helper()
	mf, ok := gather(t, reg)[name]
	if !ok {
		return 0, false
	}
	for _, m := range mf.GetMetric() {
		if !hasLabels(m, want) {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue(), true
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), true
		case m.Histogram != nil:
			return float64(m.GetHistogram().GetSampleCount()), true
		}
	}
	return 0, false
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	n := 0
	for _, lp := range m.GetLabel() {
		if v, ok := want[lp.GetName()]; ok && v == lp.GetValue() {
			n++
		}
	}
	return n == len(want)
}
