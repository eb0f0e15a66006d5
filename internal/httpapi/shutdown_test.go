package httpapi

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// TestGracefulShutdown cancels the context while a request is in flight:
// the request completes, then Serve returns nil and the port is closed.
func TestGracefulShutdown(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	s, err := NewServer(ServerOptions{Addr: "127.0.0.1:0", Gatherer: prometheus.NewRegistry(), Status: func() any {
		close(entered)
		<-release
		return "done"
	}})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	if err := s.Listen(); err != nil {
		t.Fatalf("Listen: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx) }()
	got := make(chan int, 1)
	go func() {
		resp, err := http.Get("http://" + s.Addr() + "/status")
		if err != nil {
			got <- 0
			return
		}
		resp.Body.Close()
		got <- resp.StatusCode
	}()
	<-entered
	cancel()
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v with a request in flight, want it to wait", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if code := <-got; code != 200 {
		t.Errorf("in-flight request: got %d, want 200", code)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: got %v, want nil", err)
	}
	if _, err := http.Get("http://" + s.Addr() + "/healthz"); err == nil {
		t.Errorf("request after shutdown: got a response, want a connection error")
	}
}

// TestShutdownBounded checks that a handler that never returns cannot hold
// shutdown beyond the timeout.
func TestShutdownBounded(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	s, err := NewServer(ServerOptions{Addr: "127.0.0.1:0", Gatherer: prometheus.NewRegistry(), Status: func() any {
		close(entered)
		<-release
		return nil
	}})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	s.shutdownTimeout = 100 * time.Millisecond
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx) }()
	waitListening(t, s)
	go func() {
		if resp, err := http.Get("http://" + s.Addr() + "/status"); err == nil {
			resp.Body.Close()
		}
	}()
	<-entered
	start := time.Now()
	cancel()
	err = <-served
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Serve: got %v, want a shutdown deadline error", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("shutdown took %v, want about 100ms", d)
	}
}

func waitListening(t *testing.T, s *Server) {
	t.Helper()
	for range 100 {
		if resp, err := http.Get("http://" + s.Addr() + "/healthz"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("server at %s did not come up", s.Addr())
}
