package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sipops/reconciler/internal/suspension"
)

// suspendedSince exports one series per suspended connector, its value the
// time the suspension began. Like revisionInfo, it swaps the set under a
// lock, so that a scrape never sees half of a change; a resumed
// connector's series goes away.
type suspendedSince struct {
	desc *prometheus.Desc

	mu    sync.Mutex
	since map[string]float64 // by connector key
}

func newSuspendedSince(name, help string) *suspendedSince {
	return &suspendedSince{desc: prometheus.NewDesc(name, help, []string{"connector"}, nil), since: map[string]float64{}}
}

func (s *suspendedSince) update(ss []suspension.Suspension) {
	since := make(map[string]float64, len(ss))
	for _, x := range ss {
		since[x.Key] = unixSeconds(x.Since)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.since = since
}

// Describe implements prometheus.Collector.
func (s *suspendedSince) Describe(ch chan<- *prometheus.Desc) { ch <- s.desc }

// Collect implements prometheus.Collector.
func (s *suspendedSince) Collect(ch chan<- prometheus.Metric) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for key, v := range s.since {
		ch <- prometheus.MustNewConstMetric(s.desc, prometheus.GaugeValue, v, key)
	}
}

// SetSuspensions exports the suspensions in force, one series each.
func (m *Metrics) SetSuspensions(ss []suspension.Suspension) { m.suspended.update(ss) }
