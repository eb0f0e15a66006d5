package metrics

import "github.com/prometheus/client_golang/prometheus"

func counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
}

func gauge(name, help string) prometheus.Gauge {
	return prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
}

func newLoopMetrics() *Metrics {
	return &Metrics{
		reconciles: counterVec("chime_reconciler_reconcile_total",
			"Reconcile passes by what started them and how they ended (held: a safety gate stopped a new revision; invalid: the spec did not validate).",
			"trigger", "result"),
		reconcileTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "chime_reconciler_reconcile_duration_seconds",
			Help: "Wall time of a reconcile pass, from plan to the last write.",
			// A pass reads every managed connector and may wait on the rate
			// limiter and on backoff: 50 ms for a few, minutes for hundreds.
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600},
		}),
		lastSuccess: gauge("chime_reconciler_last_success_timestamp_seconds",
			"Unix time of the last pass that left every managed connector as the spec says; 0 if none yet."),
		revision: newRevisionInfo("chime_reconciler_revision_info",
			"Always 1; the labels name the spec source and the revision currently applied."),
		held: gauge("chime_reconciler_revision_held",
			"1 while a new revision is held back by a safety gate (mass change, traffic loss) and needs an override; else 0."),
		specValid: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "chime_reconciler_spec_valid",
			Help: "1 if the latest revision passed validation, 0 if it was rejected (the previous one stays applied); absent until the first revision.",
		}, nil),
		reloadOK: gauge("chime_reconciler_config_last_reload_successful",
			"1 if the last configuration reload (SIGHUP) succeeded, 0 if it failed and the old configuration is still in use."),
		connectors: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "chime_reconciler_connectors",
			Help: "Managed Voice Connectors by state after the last pass: in_sync, drifted (live differs from spec), failed (last write or read failed), pending (not yet reconciled), suspended (an operator stopped writes to it).",
		}, []string{"state"}),
		drift: counterVec("chime_reconciler_drift_detected_total",
			"Connectors whose setting (origination, ...) was found changed outside git by drift checks, counted once per check that found them.",
			"setting"),
		changes: counterVec("chime_reconciler_changes_total",
			"Writes of a connector's setting (origination, ...) to the Chime SDK Voice API, by action (put, delete) and result.",
			"setting", "action", "result"),
		leader: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "chime_reconciler_leader",
			Help: "1 while this daemon may write: it holds the leader lease of its election (label: the etcd key), or runs without leader election (election=\"\"); 0 while it is a standby.",
		}, []string{"election"}),
		leaderChanges: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "chime_reconciler_leader_changes_total",
			Help: "Times this daemon became leader or stopped being leader (leader election on etcd).",
		}),
		suspended: newSuspendedSince("chime_reconciler_suspended_since_timestamp_seconds",
			"Unix time since which an operator has suspended the connector (reconciler suspend): nothing writes it until it is resumed. One series per suspension in this daemon's state directory."),
	}
}

func (m *Metrics) addAPIMetrics() {
	m.apiRequests = counterVec("chime_reconciler_api_requests_total",
		"Chime SDK Voice API calls by operation and final code (ok, or the error code after all retries).",
		"operation", "code")
	m.apiTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "chime_reconciler_api_request_duration_seconds",
		Help: "Latency of Chime SDK Voice API calls, including rate-limiter waits, retries and backoff.",
		// From a fast read to a call that exhausted its retries and backoff.
		Buckets: []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
	}, []string{"operation"})
	m.apiThrottled = counterVec("chime_reconciler_api_throttled_total",
		"API attempts answered with throttling (HTTP 429, ThrottledClientException); sustained growth means the rate limit is set too high.",
		"operation")
	m.apiRetries = counterVec("chime_reconciler_api_retries_total",
		"API attempts after the first (on throttling, 5xx or connection errors).",
		"operation")
	m.apiRate = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "chime_reconciler_api_rate_limit",
		Help: "Client-side API requests per second the reconciler allows itself in a region, retries included: with --api-rate auto, the rate the adaptive controller settled on; else the fixed --api-rate. 0 means no limit.",
	}, []string{"region"})
}

func (m *Metrics) addSourceMetrics() {
	m.fetches = counterVec("chime_reconciler_source_fetch_total",
		"Fetches of the spec source (git fetch or directory read) by result; on failure the last good revision stays in use.",
		"result")
	m.preflight = counterVec("chime_reconciler_preflight_total",
		"Preflight checks of added or changed routes (SIP OPTIONS) by result, ok or fail; a fail is a route that did not answer.",
		"result")
	m.lastFetch = gauge("chime_reconciler_source_last_fetch_timestamp_seconds",
		"Unix time of the last successful fetch of the spec source; 0 if none yet.")
}
