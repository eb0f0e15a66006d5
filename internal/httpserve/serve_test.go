package httpserve

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	return ln
}

// TestServeUntilCancelled serves a request, then stops when ctx ends: nil,
// and the port no longer answers.
func TestServeUntilCancelled(t *testing.T) {
	ln := listen(t)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, srv, ln, time.Second) }()
	resp, err := http.Get("http://" + ln.Addr().String())
	if err != nil {
		t.Fatalf("GET while serving: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTeapot {
		t.Errorf("GET while serving: got %d, want %d", resp.StatusCode, http.StatusTeapot)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve after cancel: got %v, want nil", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String()); err == nil {
		t.Errorf("GET after shutdown: got a response, want a connection error")
	}
}

// TestServeFailsByItself: a listener that breaks ends Serve with an error
// naming the address, without waiting for ctx.
func TestServeFailsByItself(t *testing.T) {
	ln := listen(t)
	addr := ln.Addr().String()
	ln.Close()
	err := Serve(t.Context(), &http.Server{}, ln, time.Second)
	if err == nil || errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("Serve on a closed listener: got %v, want an error", err)
	}
	if want := addr; !strings.Contains(err.Error(), want) {
		t.Errorf("error: got %q, want it to name %s", err, want)
	}
}
