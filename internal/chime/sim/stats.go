package sim

import (
	"net/http"
	"strconv"
	"sync"
)

// Stats is a snapshot of the calls the simulator answered over HTTP since
// start or the last reset. Requests maps operation name (as in the service
// model, "UnknownOperation" for paths that name none) to HTTP status code
// (as a decimal string, so it marshals as a JSON object key) to count, e.g.
//
//	{"requests":{"GetVoiceConnectorOrigination":{"200":12,"429":3}},"total":15,"throttled":3,"faults":0}
//
// Calls through the direct-access methods are not counted.
type Stats struct {
	Requests  map[string]map[string]int64 `json:"requests"`
	Total     int64                       `json:"total"`
	Throttled int64                       `json:"throttled"`
	Faults    int64                       `json:"faults"`
}

// Count returns how many calls of op were answered with status.
func (s Stats) Count(op string, status int) int64 {
	return s.Requests[op][strconv.Itoa(status)]
}

// Calls returns how many calls of op were answered, whatever the status.
func (s Stats) Calls(op string) int64 {
	var n int64
	for _, c := range s.Requests[op] {
		n += c
	}
	return n
}

// recorder counts answers. Its size is fixed by the number of operations and
// of distinct status codes the simulator can send, so it does not grow with
// traffic.
type recorder struct {
	mu        sync.Mutex
	counts    [numOperations]map[int]int64
	total     int64
	throttled int64
	faults    int64
}

func (rc *recorder) record(op operation, res *result) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.counts[op] == nil {
		rc.counts[op] = map[int]int64{}
	}
	rc.counts[op][res.status]++
	rc.total++
	if res.status == 429 {
		rc.throttled++
	}
	if res.fault {
		rc.faults++
	}
}

func (rc *recorder) snapshot() Stats {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	s := Stats{Requests: map[string]map[string]int64{}, Total: rc.total, Throttled: rc.throttled, Faults: rc.faults}
	for op, byCode := range rc.counts {
		if len(byCode) == 0 {
			continue
		}
		m := make(map[string]int64, len(byCode))
		for code, n := range byCode {
			m[strconv.Itoa(code)] = n
		}
		s.Requests[operation(op).String()] = m
	}
	return s
}

func (rc *recorder) reset() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.counts = [numOperations]map[int]int64{}
	rc.total, rc.throttled, rc.faults = 0, 0, 0
}

// Stats returns a snapshot of the counters.
func (s *Service) Stats() Stats { return s.stats.snapshot() }

// ResetStats zeroes the counters.
func (s *Service) ResetStats() { s.stats.reset() }

// controlPrefix holds the simulator's own endpoints, outside the API.
const controlPrefix = "/_sim/"

// serveControl answers GET /_sim/stats and POST /_sim/reset-stats. They are
// neither authenticated, rate limited nor counted.
func (s *Service) serveControl(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == controlPrefix+"stats" && r.Method == http.MethodGet:
		write(w, ok(http.StatusOK, s.Stats()))
	case r.URL.Path == controlPrefix+"reset-stats" && r.Method == http.MethodPost:
		s.ResetStats()
		write(w, ok(http.StatusNoContent, nil))
	case r.URL.Path == controlPrefix+"stats":
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	case r.URL.Path == controlPrefix+"reset-stats":
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	default:
		http.NotFound(w, r)
	}
}
