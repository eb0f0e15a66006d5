package sim

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/origination"
)

func TestRoute(t *testing.T) {
	tests := []struct {
		method, path string
		want         target
	}{
		{"GET", "/voice-connectors", target{op: opListVoiceConnectors}},
		{"POST", "/voice-connectors", target{op: opCreateVoiceConnector}},
		{"GET", "/voice-connectors/abc", target{op: opGetVoiceConnector, id: "abc"}},
		{"DELETE", "/voice-connectors/abc", target{op: opDeleteVoiceConnector, id: "abc"}},
		{"GET", "/voice-connectors/abc/origination", target{op: opGetVoiceConnectorOrigination, id: "abc"}},
		{"PUT", "/voice-connectors/abc%2Fdef%20ghi/origination", target{op: opPutVoiceConnectorOrigination, id: "abc/def ghi"}},
		{"DELETE", "/voice-connectors//origination", target{op: opDeleteVoiceConnectorOrigination}},
		{"GET", "/voice-connector-regions", target{op: opListAvailableVoiceConnectorRegions}},
		{"PATCH", "/voice-connectors/abc/origination", target{allow: "GET, PUT, DELETE"}},
		{"PUT", "/voice-connectors/abc", target{allow: "GET, DELETE"}},
		{"GET", "/voice-connectors/abc/termination", target{}},
		{"GET", "/", target{}},
	}
	for _, tt := range tests {
		if got := route(tt.method, tt.path); got != tt.want {
			t.Errorf("route(%s %s): got %+v, want %+v", tt.method, tt.path, got, tt.want)
		}
	}
}

func TestSigningRegion(t *testing.T) {
	tests := []struct {
		header, want string
		ok           bool
	}{
		{"AWS4-HMAC-SHA256 Credential=AKID/20261125/eu-west-2/chime/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab12", "eu-west-2", true},
		{"AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/chime/aws4_request,SignedHeaders=host,Signature=ab", "us-east-1", true},
		{"", "", false},
		{"AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/chime/aws4_request, SignedHeaders=host", "", false},
		{"AWS4-HMAC-SHA256 Credential=AKID/2026/us-east-1/chime/aws4_request, Signature=ab", "", false},
		{"AWS4-HMAC-SHA256 Credential=AKID/20261125//chime/aws4_request, Signature=ab", "", false},
		{"AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/voice-chime/aws4_request, Signature=ab", "", false},
		{"AWS4-ECDSA-P256-SHA256 Credential=AKID/20261125/us-east-1/chime/aws4_request, Signature=ab", "", false},
	}
	for _, tt := range tests {
		got, err := signingRegion(tt.header)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("signingRegion(%q): got %q, %v; want %q, ok=%v", tt.header, got, err, tt.want, tt.ok)
		}
	}
}

func TestEveryExceptionAllowedWhereSent(t *testing.T) {
	// Errors every API operation can answer regardless of input.
	for op := opUnknown + 1; op < numOperations; op++ {
		for _, exc := range []exception{excForbidden, excBadRequest, excThrottled, excServiceFailure, excServiceUnavailable} {
			if !op.allows(exc) {
				t.Errorf("%s allows %s: got false, want true", op, exc.name())
			}
		}
	}
	if res := opListVoiceConnectors.fail(excNotFound, "x"); res.errorType != "ServiceFailureException" {
		t.Errorf("unlisted exception: got %s, want ServiceFailureException", res.errorType)
	}
}

func TestLatencyHonoursCancellation(t *testing.T) {
	s, err := New(Config{Latency: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req := httptest.NewRequest("GET", "/voice-connector-regions", nil).WithContext(ctx)
	done := make(chan struct{})
	go func() { s.ServeHTTP(httptest.NewRecorder(), req); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("ServeHTTP still waiting 5s after the client gave up, want it to return")
	}
	if got := s.Stats().Total; got != 0 {
		t.Errorf("abandoned call counted: got total %d, want 0", got)
	}
}

func TestConcurrentUse(t *testing.T) {
	s, err := New(Config{FaultRate: 0.1, Rate: 1e6, LatencyJitter: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateConnector("vc", "", false)
	if err != nil {
		t.Fatal(err)
	}
	auth := "AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/chime/aws4_request, SignedHeaders=host, Signature=ab"
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				method, body := "GET", ""
				if i%2 == 0 {
					method, body = "PUT", `{"Origination":{"Disabled":true}}`
				}
				req := httptest.NewRequest(method, "/voice-connectors/"+c.ID+"/origination", strings.NewReader(body))
				req.Header.Set("Authorization", auth)
				s.ServeHTTP(httptest.NewRecorder(), req)
				_ = s.SetOrigination(c.ID, &origination.Origination{Disabled: g%2 == 0})
				s.SetFaults(0.1)
				_ = s.Stats()
			}
		})
	}
	wg.Wait()
	if got, want := s.Stats().Total, int64(8*50); got != want {
		t.Errorf("total: got %d, want %d", got, want)
	}
}

func TestLatencyAddedAndChangeable(t *testing.T) {
	s, err := New(Config{Latency: 40 * time.Millisecond, LatencyJitter: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	call := func() time.Duration {
		req := httptest.NewRequest("GET", "/voice-connector-regions", nil)
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/chime/aws4_request, Signature=ab")
		start := time.Now()
		s.ServeHTTP(httptest.NewRecorder(), req)
		return time.Since(start)
	}
	if d := call(); d < 40*time.Millisecond {
		t.Errorf("with 40ms latency: got %v, want at least 40ms", d)
	}
	s.SetLatency(0, 0)
	if d := call(); d > 30*time.Millisecond {
		t.Errorf("after SetLatency(0, 0): got %v, want well under 30ms", d)
	}
}

func TestStateFileErrors(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.json")
	if err := os.WriteFile(corrupt, []byte(`{"version":1,"connectors":[{"id":"x"`), 0o600); err != nil {
		t.Fatal(err)
	}
	badID := filepath.Join(dir, "bad-id.json")
	if err := os.WriteFile(badID, []byte(`{"version":1,"connectors":[{"id":"NOPE","region":"us-east-1"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(dir, "missing-dir", "state.json"), corrupt, badID} {
		if _, err := New(Config{StatePath: path}); err == nil {
			t.Errorf("New with state %s: got no error, want one", filepath.Base(path))
		}
	}
}

func TestCreateConnectorWithID(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateConnectorWithID("abcdef1ghij2klmno3pqr4", "edge", "eu-west-2", true)
	if err != nil || c.ID != "abcdef1ghij2klmno3pqr4" || c.Region != "eu-west-2" || !c.RequireEncryption {
		t.Fatalf("got %+v, %v", c, err)
	}
	for _, id := range []string{"abcdef1ghij2klmno3pqr4", "NOT-AN-ID"} {
		if _, err := s.CreateConnectorWithID(id, "x", "", false); err == nil {
			t.Errorf("id %q: got no error, want a duplicate or pattern error", id)
		}
	}
}
