package sim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// controlPrefix holds the simulator's own endpoints, outside the API.
const controlPrefix = "/_sim/"

// ServeHTTP answers one API call: route, latency, authentication, rate
// limit, injected fault, then the operation. Every answer carries
// x-amzn-RequestId.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amzn-RequestId", newRequestID())
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		s.serveControl(w, r)
		return
	}
	start := time.Now()
	t := route(r.Method, r.URL.EscapedPath())
	res := s.answer(r, t)
	if res == nil {
		s.log.Debug("request abandoned by client", "method", r.Method, "path", r.URL.Path, "op", t.op.String())
		return
	}
	s.stats.record(t.op, res)
	if t.allow != "" {
		w.Header().Set("Allow", t.allow)
	}
	write(w, res)
	s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "op", t.op.String(),
		"status", res.status, "error", res.errorType, "duration", time.Since(start))
}

// answer computes the result; nil means the client went away while the
// simulated latency elapsed, so nothing is sent.
func (s *Service) answer(r *http.Request, t target) *result {
	if t.op == opUnknown {
		return unknownRoute(r, t)
	}
	if !sleep(r.Context(), s.chaos.delay()) {
		return nil
	}
	region, err := signingRegion(r.Header.Get("Authorization"))
	if err != nil {
		return t.op.fail(excForbidden, "%v", err)
	}
	if !s.limiter.allow(t.op) {
		return t.op.fail(excThrottled, "rate exceeded for %s", t.op)
	}
	if exc, injected := s.chaos.fault(); injected {
		res := t.op.fail(exc, "injected fault: %s did not run; retry", t.op)
		res.fault = true
		return res
	}
	return s.dispatch(&call{op: t.op, id: t.id, region: region, req: r})
}

// unknownRoute answers paths and methods the API does not have. The error
// type is the one AWS front ends send for them; SDKs report it as a generic
// API error.
func unknownRoute(r *http.Request, t target) *result {
	status, msg := http.StatusNotFound, "no such API route: "+r.Method+" "+r.URL.Path
	if t.allow != "" {
		status, msg = http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed on "+r.URL.Path+"; allowed: "+t.allow
	}
	return &result{status: status, body: errorBody{Code: "UnknownOperation", Message: msg}, errorType: "UnknownOperationException"}
}

// write sends res as JSON (no body for 204).
func write(w http.ResponseWriter, res *result) {
	h := w.Header()
	if res.errorType != "" {
		h.Set("X-Amzn-ErrorType", res.errorType)
	}
	if res.status == http.StatusNoContent || res.body == nil {
		w.WriteHeader(res.status)
		return
	}
	data, err := json.Marshal(res.body)
	if err != nil { // only plain structs are marshalled; cannot happen
		data, res.status = []byte(`{"Code":"ServiceFailure","Message":"encode answer"}`), 500
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(res.status)
	_, _ = w.Write(data)
}

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
