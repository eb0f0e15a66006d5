package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sipops/reconciler/internal/httpserve"
)

// DefaultAddr is where the server listens unless told otherwise: loopback,
// so metrics, status and the webhook are exposed only on purpose.
const DefaultAddr = "127.0.0.1:9750"

const (
	shutdownTimeout = 5 * time.Second
	maxBodyBytes    = 1 << 20 // GitHub caps payloads at 25 MB, but pushes are small

	attrAddr     = "addr"
	attrErr      = "err"
	attrReason   = "reason"
	attrRemote   = "remote"
	attrEvent    = "event"
	attrDelivery = "delivery"
)

// ServerOptions configures NewServer. Only Gatherer is required.
type ServerOptions struct {
	Addr          string              // host:port; "" means DefaultAddr
	Gatherer      prometheus.Gatherer // served at /metrics
	Status        func() any          // marshalled to JSON at /status; nil: /status is 404
	Ready         func() error        // /readyz: 200 when nil is returned, 503 with the error; nil: always ready
	Page          http.Handler        // served at GET /; nil: a text index of the endpoints
	WebhookSecret []byte              // HMAC key for POST /hooks/git; empty: the webhook is disabled (404)
	OnWebhook     func()              // called after a valid webhook; must not block
	Logger        *slog.Logger        // nil: discard
}

// Server is the daemon's HTTP server: metrics, probes, status and the git
// webhook.
type Server struct {
	opts            ServerOptions
	log             *slog.Logger
	handler         http.Handler
	srv             *http.Server
	shutdownTimeout time.Duration

	mu sync.Mutex // guards ln: Serve may call Listen while Addr is read
	ln net.Listener
}

// NewServer checks opts and builds the server; it does not listen yet.
func NewServer(opts ServerOptions) (*Server, error) {
	if opts.Gatherer == nil {
		return nil, errors.New("http server: no gatherer")
	}
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	s := &Server{opts: opts, log: opts.Logger, shutdownTimeout: shutdownTimeout}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.handler = s.routes()
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// Listen binds the address, so that a caller can learn it with Addr (as
// tests do with 127.0.0.1:0) before Serve.
// Calling it again after success does nothing.
func (s *Server) Listen() error {
	_, err := s.listener()
	return err
}

func (s *Server) listener() (net.Listener, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return s.ln, nil
	}
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", s.opts.Addr, err)
	}
	s.ln = ln
	return ln, nil
}

// Addr is the bound address after Listen, else the configured one.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return s.ln.Addr().String()
	}
	return s.opts.Addr
}

// Handler is the server's router, for tests and for embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve serves until ctx is done, then shuts down gracefully: requests in
// flight get up to 5 s to finish, after which connections are closed. It
// calls Listen first if the caller has not. It returns nil after a shutdown
// caused by ctx.
func (s *Server) Serve(ctx context.Context) error {
	ln, err := s.listener()
	if err != nil {
		return err
	}
	s.log.Info("http server listening", attrAddr, s.Addr())
	if err := httpserve.Serve(ctx, s.srv, ln, s.shutdownTimeout); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			s.log.Warn("http shutdown timed out, connections closed", attrErr, err)
		}
		return err
	}
	s.log.Info("http server stopped")
	return nil
}
