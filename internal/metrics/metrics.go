package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/daemon"
	"github.com/sipops/reconciler/internal/leader"
	"github.com/sipops/reconciler/internal/setting"
)

// Names lists every metric this package exports, Go and process collectors
// aside. Dashboards and alert rules depend on these names: treat the list as
// a constant, and change a name only with the dashboards in the same commit.
var Names = []string{
	"chime_reconciler_reconcile_total",
	"chime_reconciler_reconcile_duration_seconds",
	"chime_reconciler_last_success_timestamp_seconds",
	"chime_reconciler_revision_info",
	"chime_reconciler_revision_held",
	"chime_reconciler_spec_valid",
	"chime_reconciler_config_last_reload_successful",
	"chime_reconciler_connectors",
	"chime_reconciler_drift_detected_total",
	"chime_reconciler_changes_total",
	"chime_reconciler_api_requests_total",
	"chime_reconciler_api_request_duration_seconds",
	"chime_reconciler_api_throttled_total",
	"chime_reconciler_api_retries_total",
	"chime_reconciler_api_rate_limit",
	"chime_reconciler_source_fetch_total",
	"chime_reconciler_source_last_fetch_timestamp_seconds",
	"chime_reconciler_preflight_total",
	"chime_reconciler_leader",
	"chime_reconciler_leader_changes_total",
	"chime_reconciler_suspended_since_timestamp_seconds",
}

const (
	resultSuccess = "success"
	resultFailure = "failure"

	preflightOK   = "ok"
	preflightFail = "fail"
)

// Metrics holds the daemon's collectors. Its methods are safe for concurrent
// use; it implements chime.Observer, daemon.Recorder and leader.Observer.
type Metrics struct {
	reconciles    *prometheus.CounterVec
	reconcileTime prometheus.Histogram
	lastSuccess   prometheus.Gauge
	revision      *revisionInfo
	held          prometheus.Gauge
	specValid     *prometheus.GaugeVec // no labels: absent until the first revision is checked
	reloadOK      prometheus.Gauge
	connectors    *prometheus.GaugeVec
	drift         *prometheus.CounterVec // by setting
	changes       *prometheus.CounterVec // by setting, action and result
	apiRequests   *prometheus.CounterVec
	apiTime       *prometheus.HistogramVec
	apiThrottled  *prometheus.CounterVec
	apiRetries    *prometheus.CounterVec
	apiRate       *prometheus.GaugeVec // by region
	fetches       *prometheus.CounterVec
	lastFetch     prometheus.Gauge
	preflight     *prometheus.CounterVec
	leader        *prometheus.GaugeVec // by election: the etcd key, "" without leader election
	leaderNow     prometheus.Gauge     // the series of this daemon's election
	leaderChanges prometheus.Counter
	suspended     *suspendedSince
}

var (
	_ chime.Observer            = (*Metrics)(nil)
	_ chime.RateObserver        = (*Metrics)(nil)
	_ daemon.Recorder           = (*Metrics)(nil)
	_ leader.LeadershipObserver = (*Metrics)(nil)
)

// New creates the collectors, with the Go and process collectors, and
// registers them all on reg. It panics if a name is already registered on
// reg, as MustRegister does: that is a programming error.
func New(reg prometheus.Registerer) *Metrics {
	m := newLoopMetrics()
	m.addAPIMetrics()
	m.addSourceMetrics()
	m.initSeries()
	reg.MustRegister(m.collectors()...)
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// initSeries creates every series whose label values are known in advance,
// so that rate() and increase() in alert rules see a zero rather than no
// series before the first event.
func (m *Metrics) initSeries() {
	for _, t := range daemon.Triggers() {
		for _, r := range daemon.PassResults() {
			m.reconciles.WithLabelValues(string(t), string(r))
		}
	}
	m.fetches.WithLabelValues(resultSuccess)
	m.fetches.WithLabelValues(resultFailure)
	m.preflight.WithLabelValues(preflightOK)
	m.preflight.WithLabelValues(preflightFail)
	m.SetConnectors(nil)
	// The daemon starts only with a configuration that loaded.
	m.reloadOK.Set(1)
	// Without leader election the daemon writes; with it, SetElection.
	m.leaderNow = m.leader.WithLabelValues("")
	m.leaderNow.Set(1)
}

// SetSettings names the managed settings of a connector (setting.Kind.Name):
// their series of the setting-labelled metrics start at 0, as those of
// New do. Call it once the kinds are built, before the first scrape; they
// need the metrics first (their preflight checks report here).
func (m *Metrics) SetSettings(names []string) {
	for _, s := range names {
		m.drift.WithLabelValues(s)
		for _, a := range []setting.Action{setting.Put, setting.Delete} {
			for _, ok := range []bool{true, false} {
				m.changes.WithLabelValues(s, string(a), outcome(ok))
			}
		}
	}
}

func (m *Metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{
		m.reconciles, m.reconcileTime, m.lastSuccess, m.revision, m.held, m.specValid, m.reloadOK,
		m.connectors, m.drift, m.changes,
		m.apiRequests, m.apiTime, m.apiThrottled, m.apiRetries, m.apiRate,
		m.fetches, m.lastFetch, m.preflight, m.leader, m.leaderChanges, m.suspended,
	}
}
