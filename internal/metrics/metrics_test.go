package metrics

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sipops/reconciler/internal/suspension"
)

func TestNamesAllPresent(t *testing.T) {
	reg := prometheus.NewRegistry()
	exerciseAll(New(reg))
	fams := gather(t, reg)
	for _, name := range Names {
		if _, ok := fams[name]; !ok {
			t.Errorf("metric %s: got absent, want present", name)
		}
	}
	listed := make(map[string]bool, len(Names))
	for _, n := range Names {
		listed[n] = true
	}
	for name := range fams {
		if strings.HasPrefix(name, "chime_reconciler_") && !listed[name] {
			t.Errorf("metric %s: got exported but not in Names, want listed", name)
		}
	}
	for _, prefix := range []string{"go_", "process_"} {
		if !anyPrefix(fams, prefix) {
			t.Errorf("got no %s* metrics, want the Go and process collectors", prefix)
		}
	}
}

func anyPrefix[V any](m map[string]V, prefix string) bool {
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

func TestInitialSeries(t *testing.T) {
	reg := prometheus.NewRegistry()
	New(reg).SetSettings(settings)
	tests := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"chime_reconciler_reconcile_total", map[string]string{"trigger": "reload", "result": "held"}, 0},
		{"chime_reconciler_reconcile_total", map[string]string{"trigger": "retry", "result": "success"}, 0},
		{"chime_reconciler_changes_total", map[string]string{"setting": "origination", "action": "delete", "result": "failure"}, 0},
		{"chime_reconciler_changes_total", map[string]string{"setting": "termination", "action": "put", "result": "success"}, 0},
		{"chime_reconciler_drift_detected_total", map[string]string{"setting": "origination"}, 0},
		{"chime_reconciler_drift_detected_total", map[string]string{"setting": "termination"}, 0},
		{"chime_reconciler_source_fetch_total", map[string]string{"result": "failure"}, 0},
		{"chime_reconciler_connectors", map[string]string{"state": "in_sync"}, 0},
		{"chime_reconciler_connectors", map[string]string{"state": "drifted"}, 0},
		{"chime_reconciler_connectors", map[string]string{"state": "failed"}, 0},
		{"chime_reconciler_connectors", map[string]string{"state": "pending"}, 0},
		{"chime_reconciler_connectors", map[string]string{"state": "suspended"}, 0},
		{"chime_reconciler_revision_held", nil, 0},
		{"chime_reconciler_config_last_reload_successful", nil, 1},
		{"chime_reconciler_leader", map[string]string{"election": ""}, 1},
		{"chime_reconciler_leader_changes_total", nil, 0},
	}
	for _, tt := range tests {
		got, ok := value(t, reg, tt.name, tt.labels)
		if !ok || got != tt.want {
			t.Errorf("%s%v: got %v (present %v), want %v", tt.name, tt.labels, got, ok, tt.want)
		}
	}
	for _, absent := range []string{"chime_reconciler_revision_info", "chime_reconciler_spec_valid", "chime_reconciler_suspended_since_timestamp_seconds"} {
		if _, ok := gather(t, reg)[absent]; ok {
			t.Errorf("%s before any revision: got present, want absent", absent)
		}
	}
}

func TestRecording(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	exerciseAll(m)
	m.DriftDetected("origination", 2)
	m.DriftDetected("origination", 0)
	m.DriftDetected("termination", 1)
	m.SetSpecValid(false)
	tests := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"chime_reconciler_reconcile_total", map[string]string{"trigger": "drift", "result": "failure"}, 1},
		{"chime_reconciler_reconcile_duration_seconds", nil, 2},
		{"chime_reconciler_last_success_timestamp_seconds", nil, 1777636800},
		{"chime_reconciler_spec_valid", nil, 0},
		{"chime_reconciler_revision_held", nil, 1},
		{"chime_reconciler_config_last_reload_successful", nil, 0},
		{"chime_reconciler_connectors", map[string]string{"state": "in_sync"}, 3},
		{"chime_reconciler_connectors", map[string]string{"state": "pending"}, 0},
		{"chime_reconciler_drift_detected_total", map[string]string{"setting": "origination"}, 3},
		{"chime_reconciler_drift_detected_total", map[string]string{"setting": "termination"}, 1},
		{"chime_reconciler_changes_total", map[string]string{"setting": "origination", "action": "put", "result": "success"}, 1},
		{"chime_reconciler_changes_total", map[string]string{"setting": "termination", "action": "put", "result": "success"}, 0},
		{"chime_reconciler_api_requests_total", map[string]string{"operation": "GetVoiceConnectorOrigination", "code": "ThrottledClientException"}, 1},
		{"chime_reconciler_api_request_duration_seconds", map[string]string{"operation": "PutVoiceConnectorOrigination"}, 1},
		{"chime_reconciler_api_throttled_total", map[string]string{"operation": "GetVoiceConnectorOrigination"}, 1},
		{"chime_reconciler_api_retries_total", map[string]string{"operation": "GetVoiceConnectorOrigination"}, 1},
		{"chime_reconciler_api_rate_limit", map[string]string{"region": "us-east-1"}, 42.5},
		{"chime_reconciler_source_fetch_total", map[string]string{"result": "success"}, 1},
		{"chime_reconciler_source_fetch_total", map[string]string{"result": "failure"}, 1},
		{"chime_reconciler_source_last_fetch_timestamp_seconds", nil, 1777636800},
		{"chime_reconciler_leader", map[string]string{"election": "/reconciler/test"}, 1},
		{"chime_reconciler_leader_changes_total", nil, 1},
		{"chime_reconciler_suspended_since_timestamp_seconds", map[string]string{"connector": "sbc-east"}, 1777633200},
	}
	for _, tt := range tests {
		got, ok := value(t, reg, tt.name, tt.labels)
		if !ok || got != tt.want {
			t.Errorf("%s%v: got %v (present %v), want %v", tt.name, tt.labels, got, ok, tt.want)
		}
	}
}

func TestRegionIsNotALabel(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.Request("us-east-1", "GetVoiceConnector", "ok", time.Millisecond)
	m.Request("eu-west-2", "GetVoiceConnector", "ok", time.Millisecond)
	got, _ := value(t, reg, "chime_reconciler_api_requests_total", map[string]string{"operation": "GetVoiceConnector", "code": "ok"})
	if got != 2 {
		t.Errorf("requests across two regions: got %v, want 2 in one series", got)
	}
	for _, l := range gather(t, reg)["chime_reconciler_api_requests_total"].GetMetric()[0].GetLabel() {
		if l.GetName() == "region" {
			t.Errorf("labels: got a region label, want none")
		}
	}
}

func TestRevisionInfoReplaced(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.SetRevision("dir specs", "sha256:aaaa")
	m.SetRevision("dir specs", "sha256:bbbb")
	series := gather(t, reg)["chime_reconciler_revision_info"].GetMetric()
	if len(series) != 1 {
		t.Fatalf("revision_info series: got %d, want 1", len(series))
	}
	if !hasLabels(series[0], map[string]string{"source": "dir specs", "revision": "sha256:bbbb"}) || series[0].GetGauge().GetValue() != 1 {
		t.Errorf("revision_info: got %v, want revision sha256:bbbb = 1", series[0])
	}
}

func TestNewPanicsOnDoubleRegistration(t *testing.T) {
	reg := prometheus.NewRegistry()
	New(reg)
	defer func() {
		if recover() == nil {
			t.Errorf("second New on one registry: got no panic, want one")
		}
	}()
	New(reg)
}

// TestLeader: SetElection moves the gauge to the election's series, at 0
// and without counting a change; LeaderChanged sets it and counts.
func TestLeader(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.SetElection("/reconciler/prod")
	if got, _ := value(t, reg, "chime_reconciler_leader", map[string]string{"election": "/reconciler/prod"}); got != 0 {
		t.Errorf("after SetElection: got %v, want 0", got)
	}
	m.LeaderChanged(true)
	m.LeaderChanged(false)
	m.LeaderChanged(true)
	series := gather(t, reg)["chime_reconciler_leader"].GetMetric()
	if len(series) != 1 || !hasLabels(series[0], map[string]string{"election": "/reconciler/prod"}) || series[0].GetGauge().GetValue() != 1 {
		t.Errorf("chime_reconciler_leader: got %v, want one series, election=/reconciler/prod, 1", series)
	}
	if got, _ := value(t, reg, "chime_reconciler_leader_changes_total", nil); got != 3 {
		t.Errorf("leader changes: got %v, want 3", got)
	}
}

// TestSuspendedSince: one series per suspension, replaced as a whole, so
// that a resumed connector's series goes away.
func TestSuspendedSince(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	at := time.Unix(1800000000, 0)
	m.SetSuspensions([]suspension.Suspension{{Key: "a", Since: at}, {Key: "b", Since: at.Add(time.Minute)}})
	m.SetSuspensions([]suspension.Suspension{{Key: "b", Since: at.Add(time.Minute)}})
	series := gather(t, reg)["chime_reconciler_suspended_since_timestamp_seconds"].GetMetric()
	if len(series) != 1 || !hasLabels(series[0], map[string]string{"connector": "b"}) || series[0].GetGauge().GetValue() != 1800000060 {
		t.Errorf("got %v, want one series, connector=b, 1800000060", series)
	}
	m.SetSuspensions(nil)
	if _, ok := gather(t, reg)["chime_reconciler_suspended_since_timestamp_seconds"]; ok {
		t.Errorf("after every resume: got the family present, want it absent")
	}
}
