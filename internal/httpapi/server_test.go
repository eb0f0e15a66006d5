package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sipops/reconciler/internal/metrics"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines to log to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer listens on 127.0.0.1:0 and serves until the test ends. It
// returns the base URL and the captured log.
func startServer(t *testing.T, opts ServerOptions) (string, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	opts.Addr = "127.0.0.1:0"
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if opts.Gatherer == nil {
		reg := prometheus.NewRegistry()
		metrics.New(reg)
		opts.Gatherer = reg
	}
	s, err := NewServer(opts)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	if err := s.Listen(); err != nil {
		t.Fatalf("Listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: got %v, want nil", err)
		}
	})
	return "http://" + s.Addr(), logs
}

// do sends a request and returns the status, the body and the response.
func do(t *testing.T, method, url string, body io.Reader, header http.Header) (int, string, *http.Response) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, body)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body of %s %s: %v", method, url, err)
	}
	return resp.StatusCode, string(b), resp
}

func TestEndpoints(t *testing.T) {
	base, _ := startServer(t, ServerOptions{
		Status:        func() any { return map[string]int{"connectors": 2} },
		WebhookSecret: []byte("s3cret"),
	})
	tests := []struct {
		method, path string
		wantCode     int
		wantBody     string // substring
		wantAllow    string
	}{
		{"GET", "/", 200, "/metrics", ""},
		{"HEAD", "/", 200, "", ""},
		{"POST", "/", 405, "", "GET, HEAD"},
		{"GET", "/healthz", 200, "ok\n", ""},
		{"HEAD", "/healthz", 200, "", ""},
		{"POST", "/healthz", 405, "", "GET, HEAD"},
		{"DELETE", "/healthz", 405, "", "GET, HEAD"},
		{"GET", "/readyz", 200, "ok\n", ""},
		{"PUT", "/readyz", 405, "", "GET, HEAD"},
		{"GET", "/metrics", 200, "chime_reconciler_connectors{state=\"in_sync\"} 0", ""},
		{"HEAD", "/metrics", 200, "", ""},
		{"POST", "/metrics", 405, "", "GET, HEAD"},
		{"GET", "/status", 200, `"connectors": 2`, ""},
		{"PATCH", "/status", 405, "", "GET, HEAD"},
		{"GET", "/hooks/git", 405, "", "POST"},
		{"PUT", "/hooks/git", 405, "", "POST"},
		{"GET", "/nope", 404, "", ""},
		{"GET", "/metrics/extra", 404, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			code, body, resp := do(t, tt.method, base+tt.path, nil, nil)
			if code != tt.wantCode {
				t.Errorf("status: got %d, want %d", code, tt.wantCode)
			}
			if !strings.Contains(body, tt.wantBody) {
				t.Errorf("body: got %q, want it to contain %q", body, tt.wantBody)
			}
			if got := resp.Header.Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow: got %q, want %q", got, tt.wantAllow)
			}
		})
	}
}

func TestReadyz(t *testing.T) {
	tests := []struct {
		name     string
		ready    func() error
		wantCode int
		wantBody string
	}{
		{"nil func", nil, 200, "ok\n"},
		{"ready", func() error { return nil }, 200, "ok\n"},
		{"not ready", func() error { return errors.New("no revision applied yet") }, 503, "no revision applied yet\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, _ := startServer(t, ServerOptions{Ready: tt.ready})
			code, body, _ := do(t, "GET", base+"/readyz", nil, nil)
			if code != tt.wantCode || body != tt.wantBody {
				t.Errorf("GET /readyz: got %d %q, want %d %q", code, body, tt.wantCode, tt.wantBody)
			}
		})
	}
}

func TestStatusJSON(t *testing.T) {
	type status struct {
		Revision string         `json:"revision"`
		Counts   map[string]int `json:"counts"`
	}
	want := status{Revision: "abc123", Counts: map[string]int{"in_sync": 4, "failed": 1}}
	base, _ := startServer(t, ServerOptions{Status: func() any { return want }})
	code, body, resp := do(t, "GET", base+"/status", nil, nil)
	if code != 200 {
		t.Fatalf("status: got %d, want 200", code)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type: got %q, want application/json", ct)
	}
	var got status
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	if got.Revision != want.Revision || got.Counts["in_sync"] != 4 || got.Counts["failed"] != 1 {
		t.Errorf("body: got %+v, want %+v", got, want)
	}
}

func TestStatusUnencodable(t *testing.T) {
	base, logs := startServer(t, ServerOptions{Status: func() any { return func() {} }})
	code, _, _ := do(t, "GET", base+"/status", nil, nil)
	if code != 500 {
		t.Errorf("status of a func: got %d, want 500", code)
	}
	if !strings.Contains(logs.String(), "encode status") {
		t.Errorf("log: got %q, want an encode status error", logs.String())
	}
}

func TestOptionalEndpointsOff(t *testing.T) {
	base, _ := startServer(t, ServerOptions{})
	for _, r := range []struct{ method, path string }{{"GET", "/status"}, {"POST", "/hooks/git"}, {"GET", "/hooks/git"}} {
		if code, _, _ := do(t, r.method, base+r.path, nil, nil); code != 404 {
			t.Errorf("%s %s when not configured: got %d, want 404", r.method, r.path, code)
		}
	}
}

func TestPage(t *testing.T) {
	page := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "<h1>status</h1>") })
	base, _ := startServer(t, ServerOptions{Page: page})
	code, body, _ := do(t, "GET", base+"/", nil, nil)
	if code != 200 || body != "<h1>status</h1>" {
		t.Errorf("GET /: got %d %q, want 200 the page", code, body)
	}
}

func TestNewServerOptions(t *testing.T) {
	if _, err := NewServer(ServerOptions{}); err == nil {
		t.Errorf("no gatherer: got nil error, want one")
	}
	s, err := NewServer(ServerOptions{Gatherer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	if got := s.Addr(); got != "127.0.0.1:9750" {
		t.Errorf("default Addr: got %q, want 127.0.0.1:9750", got)
	}
	srv := s.srv
	if srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 || srv.MaxHeaderBytes == 0 {
		t.Errorf("http.Server limits: got %+v, want all set", srv)
	}
}

func TestListenError(t *testing.T) {
	s, err := NewServer(ServerOptions{Gatherer: prometheus.NewRegistry(), Addr: "127.0.0.1:-1"})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	if err := s.Serve(t.Context()); err == nil {
		t.Errorf("Serve on a bad address: got nil, want an error")
	}
}
