// Package metrics holds the reconciler's Prometheus collectors and the
// recorder the reconcile loop, the Chime port and the source report to. It
// serves nothing: the HTTP face (package httpapi) exposes the registry.
//
// # Metrics
//
// New registers everything on the registry it is given; there is no global
// state. The names below are a contract with the dashboards and alert rules
// (see Names, pinned by testdata/metrics.golden); counters with known label
// values start at 0. They are one family for the whole Voice Connector: a
// metric about one managed setting has a setting label (origination, ...),
// the name of the setting's kind.
//
//	chime_reconciler_reconcile_total{trigger,result}
//	    Passes. trigger: revision (a new revision, whether polled or fetched on a
//	    webhook), drift, reload, retry.
//	    result: success, failure (some write or read failed), held (a safety
//	    gate stopped a new revision), invalid (the spec did not validate).
//	    Alert on a rising failure rate.
//	chime_reconciler_reconcile_duration_seconds
//	    Histogram of pass duration, 50 ms to 10 min.
//	chime_reconciler_last_success_timestamp_seconds
//	    When a pass last left every connector as the spec says. Alert when
//	    time() minus this exceeds a few drift intervals.
//	chime_reconciler_revision_info{source,revision}
//	    1 for the revision applied now; exactly one series once one is.
//	chime_reconciler_revision_held
//	    1 while a new revision waits for an override (mass change or
//	    traffic loss gate). The old revision stays applied meanwhile.
//	chime_reconciler_spec_valid
//	    0 if the latest revision failed validation (nothing of it was
//	    applied), 1 if it passed; absent before the first revision.
//	chime_reconciler_config_last_reload_successful
//	    0 if the last SIGHUP reload failed and the old configuration runs.
//	chime_reconciler_connectors{state}
//	    Managed connectors by state: in_sync, drifted, failed, pending,
//	    suspended. All five series are always present.
//	chime_reconciler_drift_detected_total{setting}
//	    Connectors whose setting was found changed outside git. Someone is
//	    using the console.
//	chime_reconciler_changes_total{setting,action,result}
//	    Writes of a connector's setting: action put or delete, result
//	    success or failure.
//	chime_reconciler_api_requests_total{operation,code}
//	    Chime SDK Voice API calls by final code ("ok" or an error code).
//	chime_reconciler_api_request_duration_seconds{operation}
//	    Their latency, including rate-limiter waits and retries.
//	chime_reconciler_api_throttled_total{operation}
//	    Attempts throttled by AWS (429); lower the client rate limit.
//	chime_reconciler_api_retries_total{operation}
//	    Attempts after the first.
//	chime_reconciler_api_rate_limit{region}
//	    Requests/s the client allows itself in the region, retries
//	    included: what --api-rate auto settled on, or the fixed rate; 0 is
//	    no limit. Absent for a region not called yet.
//	chime_reconciler_source_fetch_total{result}
//	    Fetches of the spec source, success or failure.
//	chime_reconciler_source_last_fetch_timestamp_seconds
//	    When the source was last fetched successfully. Alert when stale.
//	chime_reconciler_preflight_total{result}
//	    Preflight checks (SIP OPTIONS) of added or changed routes, ok or
//	    fail. A fail is a route that did not answer before it was written.
//	chime_reconciler_leader{election}
//	    1 while this daemon may write: it holds the leader lease of its
//	    election (election is the etcd key, --leader-election-key), or runs
//	    without leader election (election=""); 0 while it is a standby.
//	    Summed by election it must be 1: 0 is nobody writing (etcd away),
//	    2 two writers.
//	chime_reconciler_leader_changes_total
//	    Times this daemon became leader or stopped being it. A rising rate
//	    is an election that flaps: etcd slow or far, or a TTL too short.
//	chime_reconciler_suspended_since_timestamp_seconds{connector}
//	    When an operator suspended the connector (reconciler suspend); one
//	    series per suspension, gone once resumed. Suspensions live in each
//	    daemon's state directory, so a standby of leader election exports
//	    its own. Alert when time() minus this exceeds the longest break
//	    glass you allow (4h in the example rules).
//
// The Go runtime (go_*) and process (process_*) collectors are registered
// too. The AWS region is not a label: the operation is what an operator acts
// on, and the daemon logs the region.
//
// It is internal to the reconciler and has no compatibility promise; the
// metric names are the contract.
package metrics
