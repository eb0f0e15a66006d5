package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

const index = `chime origination reconciler
/metrics     Prometheus metrics
/healthz     liveness: 200 while the process serves HTTP
/readyz      readiness: 200 once the daemon can reconcile (a standby: can take over), else 503 and why
/status      JSON: revision, connectors, suspensions, recent changes, leader election
/hooks/git   POST: git push webhook (GitHub X-Hub-Signature-256 or GitLab X-Gitlab-Token), when enabled
`

// routes builds the router. Patterns with a method give 405 with an Allow
// header for other methods, and GET patterns also answer HEAD.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.opts.Gatherer, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError,
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { writeText(w, http.StatusOK, "ok\n") })
	mux.HandleFunc("GET /readyz", s.readyz)
	if s.opts.Status != nil {
		mux.HandleFunc("GET /status", s.status)
	}
	if len(s.opts.WebhookSecret) > 0 {
		mux.HandleFunc("POST /hooks/git", s.webhook)
	}
	page := s.opts.Page
	if page == nil {
		page = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { writeText(w, http.StatusOK, index) })
	}
	mux.Handle("GET /{$}", page)
	return limitBody(mux)
}

// limitBody caps every request body; handlers that read one see an error
// (*http.MaxBytesError) past the limit.
func limitBody(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	if s.opts.Ready != nil {
		if err := s.opts.Ready(); err != nil {
			writeText(w, http.StatusServiceUnavailable, err.Error()+"\n")
			return
		}
	}
	writeText(w, http.StatusOK, "ok\n")
}

// status marshals before writing, so a failure is a clean 500 rather than
// a truncated document.
func (s *Server) status(w http.ResponseWriter, _ *http.Request) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s.opts.Status()); err != nil {
		s.log.Error("encode status", attrErr, err)
		writeText(w, http.StatusInternalServerError, "cannot encode status\n")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = buf.WriteTo(w)
}

func writeText(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, body)
}
