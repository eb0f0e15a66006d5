package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// revisionInfo exports one series, for the current revision only. A custom
// collector swaps the labels under a lock, so a scrape never sees both the
// old and the new revision, nor neither, as Reset followed by Set could.
type revisionInfo struct {
	desc *prometheus.Desc

	mu       sync.Mutex
	source   string
	revision string
	set      bool
}

func newRevisionInfo(name, help string) *revisionInfo {
	return &revisionInfo{desc: prometheus.NewDesc(name, help, []string{"source", "revision"}, nil)}
}

func (r *revisionInfo) update(source, revision string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.source, r.revision, r.set = source, revision, true
}

// Describe implements prometheus.Collector.
func (r *revisionInfo) Describe(ch chan<- *prometheus.Desc) { ch <- r.desc }

// Collect implements prometheus.Collector.
func (r *revisionInfo) Collect(ch chan<- prometheus.Metric) {
	r.mu.Lock()
	source, revision, set := r.source, r.revision, r.set
	r.mu.Unlock()
	if set {
		ch <- prometheus.MustNewConstMetric(r.desc, prometheus.GaugeValue, 1, source, revision)
	}
}
