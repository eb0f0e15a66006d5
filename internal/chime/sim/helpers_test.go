package sim_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/sipops/reconciler/internal/chime/sim"
)

// start serves a new simulator on 127.0.0.1 for the length of the test.
func start(t testing.TB, opts sim.Config) (*sim.Service, string) {
	t.Helper()
	s, err := sim.New(opts)
	if err != nil {
		t.Fatalf("sim.New: %v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}

// client is the real SDK client for region, without retries so every
// answer is seen as sent.
func client(url, region string) *chimesdkvoice.Client {
	return chimesdkvoice.New(chimesdkvoice.Options{
		Region:       region,
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		Retryer:      aws.NopRetryer{},
	})
}

func as[T error](err error) (T, bool) {
	var x T
	ok := errors.As(err, &x)
	return x, ok
}

// exception returns the typed exception err holds, by shape name, and the
// Code member it carries; "" if it holds none the simulator sends.
func exception(err error) (name, code string) {
	if e, ok := as[*types.BadRequestException](err); ok {
		return "BadRequestException", string(e.Code)
	}
	if e, ok := as[*types.NotFoundException](err); ok {
		return "NotFoundException", string(e.Code)
	}
	if e, ok := as[*types.ForbiddenException](err); ok {
		return "ForbiddenException", string(e.Code)
	}
	if e, ok := as[*types.ThrottledClientException](err); ok {
		return "ThrottledClientException", string(e.Code)
	}
	if e, ok := as[*types.ServiceFailureException](err); ok {
		return "ServiceFailureException", string(e.Code)
	}
	if e, ok := as[*types.ServiceUnavailableException](err); ok {
		return "ServiceUnavailableException", string(e.Code)
	}
	if e, ok := as[*types.ResourceLimitExceededException](err); ok {
		return "ResourceLimitExceededException", string(e.Code)
	}
	return "", ""
}

func route(host string, port, priority, weight int32, protocol types.OriginationRouteProtocol) types.OriginationRoute {
	return types.OriginationRoute{Host: aws.String(host), Port: aws.Int32(port), Priority: aws.Int32(priority),
		Weight: aws.Int32(weight), Protocol: protocol}
}

// signed is a raw request with an Authorization header of the SigV4 form.
func signed(t testing.TB, method, url, body, region string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261125/"+region+
		"/chime/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef0123")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

func mustCreate(t testing.TB, s *sim.Service, name, region string) sim.StoredConnector {
	t.Helper()
	c, err := s.CreateConnector(name, region, false)
	if err != nil {
		t.Fatalf("CreateConnector: %v", err)
	}
	return c
}
