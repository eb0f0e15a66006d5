package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDemo runs `reconciler demo` in-process: it prints the plan, applies
// it, tells where to look, injects drift and reverts it, and stops cleanly.
func TestDemo(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	out, errw := &lockedBuffer{}, &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"demo", "--listen", "127.0.0.1:0", "--inject-every", "300ms", "--drift-interval", "200ms"},
			Stdio{Out: out, Err: errw, Getenv: func(string) string { return "" }})
	}()
	url := regexp.MustCompile(`status JSON   (http://\S+/status)`)
	var status string
	eventually(t, 30*time.Second, "the demo prints where to look", func() bool {
		m := url.FindStringSubmatch(out.String())
		if m != nil {
			status = m[1]
		}
		return m != nil
	})
	if !strings.Contains(out.String(), "Plan: 2 to create, 1 to change, 0 to delete, 1 unchanged.") {
		t.Errorf("the demo did not print the plan:\n%s", out)
	}
	eventually(t, 30*time.Second, "drift injected and reverted", func() bool {
		logs := errw.String()
		i := strings.Index(logs, `msg="drift detected"`)
		return strings.Contains(out.String(), "drift injected on") && i >= 0 && strings.Contains(logs[i:], `msg="origination written"`)
	})
	resp, err := http.Get(status)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	o := parseStatus(t, b)
	if len(o.Connectors) != 4 || o.Counts["failed"] != 0 {
		t.Errorf("got %d connectors, counts %v; want the 4 of the examples, none failed", len(o.Connectors), o.Counts)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d, want 0\n%s", code, errw)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the demo did not stop")
	}
}
