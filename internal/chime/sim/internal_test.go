package sim

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

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
		{"GET", "/voice-connectors/abc/emergency-calling-configuration", target{op: opGetVoiceConnectorEmergencyCallingConfiguration, id: "abc"}},
		{"PUT", "/voice-connectors/abc/emergency-calling-configuration", target{op: opPutVoiceConnectorEmergencyCallingConfiguration, id: "abc"}},
		{"DELETE", "/voice-connectors/abc/emergency-calling-configuration", target{op: opDeleteVoiceConnectorEmergencyCallingConfiguration, id: "abc"}},
		{"POST", "/voice-connectors/abc/emergency-calling-configuration", target{allow: "GET, PUT, DELETE"}},
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

// TestSigV4TimeMessages pins the clock to check the exact texts of the
// time checks, with requests signed by the SDK's signer.
func TestSigV4TimeMessages(t *testing.T) {
	now := time.Date(2026, 11, 25, 0, 2, 19, 0, time.UTC)
	s, err := New(Config{Credentials: map[string]string{"AKID": "SECRET"}})
	if err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return now }
	tests := []struct {
		name   string
		signed time.Time
		date   string // X-Amz-Date sent instead of the signed one, if set
		want   string
	}{
		{"expired", now.Add(-10*time.Minute - 19*time.Second), "",
			"Signature expired: 20261124T235200Z is now earlier than 20261124T235719Z (20261125T000219Z - 5 min.)"},
		{"not yet current", now.Add(5*time.Minute + time.Second), "",
			"Signature not yet current: 20261125T000720Z is still later than 20261125T000719Z (20261125T000219Z + 5 min.)"},
		{"scope of another day", now.Add(-3 * time.Minute), "20261125T000100Z",
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261124' != '20261125', from '20261125T000100Z'."},
		{"unreadable date", now, "yesterday",
			`X-Amz-Date or Date "yesterday" is not a date in ISO 8601 basic format (yyyyMMdd'T'HHmmss'Z') or RFC 1123`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "http://voice-chime.us-east-1.amazonaws.com/voice-connector-regions", nil)
			err := v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET"}, req,
				hexSHA256(nil), signingName, "us-east-1", tt.signed)
			if err != nil {
				t.Fatal(err)
			}
			if tt.date != "" {
				req.Header.Set("X-Amz-Date", tt.date)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			var body frontEndError
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			if rec.Code != 403 || rec.Header().Get("X-Amzn-ErrorType") != "InvalidSignatureException" || body.Message != tt.want {
				t.Errorf("got %d %s %q, want 403 InvalidSignatureException %q", rec.Code, rec.Header().Get("X-Amzn-ErrorType"), body.Message, tt.want)
			}
		})
	}
	// Signed in the window by the pinned clock: accepted; the Date header
	// (RFC 1123) serves when X-Amz-Date is absent.
	req := httptest.NewRequest("GET", "http://voice-chime.us-east-1.amazonaws.com/voice-connector-regions", nil)
	req.Header.Set("Date", now.Format(http.TimeFormat))
	auth := authorization{accessKey: "AKID", date: "20261125", region: "us-east-1", service: signingName, signedHeaders: []string{"date", "host"}}
	auth.signature = signature("SECRET", auth, now, canonicalRequest(req, auth.signedHeaders, hexSHA256(nil)))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/chime/aws4_request, SignedHeaders=date;host, Signature="+auth.signature)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Errorf("Date header: got %d %s, want 200", rec.Code, rec.Body)
	}
}

// TestCanonicalRequest checks the canonical form of a request with a path
// to encode twice, query keys out of order and of both cases, and a
// repeated header with runs of spaces; then that the SDK's signer, given
// the same request, signs it as the simulator computes.
func TestCanonicalRequest(t *testing.T) {
	req := httptest.NewRequest("GET", "http://example.amazonaws.com/a%20b/c?Param2=value2&Param1=value1&param1=value%2F", nil)
	req.Header.Set("X-Amz-Date", "20150830T123600Z")
	req.Header.Set("My-Header1", "  a   b   c  ")
	req.Header.Add("My-Header1", "d")
	got := canonicalRequest(req, []string{"host", "my-header1", "x-amz-date"}, hexSHA256(nil))
	want := "GET\n/a%2520b/c\nParam1=value1&Param2=value2&param1=value%2F\n" +
		"host:example.amazonaws.com\nmy-header1:a b c,d\nx-amz-date:20150830T123600Z\n\n" +
		"host;my-header1;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// The SDK's signer, given the same request, time and key, signs alike.
	signed := req.Clone(t.Context())
	signed.Header.Del("X-Amz-Date")
	at := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	if err := v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
		signed, hexSHA256(nil), "service", "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	a, ok := parseAuthorization(signed.Header.Get("Authorization"))
	if !ok || !slices.Equal(a.signedHeaders, []string{"host", "my-header1", "x-amz-date"}) {
		t.Fatalf("SDK signature %q: parsed %+v, %v", signed.Header.Get("Authorization"), a, ok)
	}
	if mine := signature("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", a, at, canonicalRequest(signed, a.signedHeaders, hexSHA256(nil))); mine != a.signature {
		t.Errorf("signature: got %s, the SDK's %s", mine, a.signature)
	}
}
