package chime

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// isolateAWS points the SDK's configuration chain at nothing but static
// test credentials, so tests never read the developer's files or the network.
func isolateAWS(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"config", "credentials"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, name := range []string{"AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CHIME_SDK_VOICE", "AWS_SESSION_TOKEN", "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS"} {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
}

// noWait retries at once, so retry tests do not sleep through backoff.
var noWait = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })

// newTestClient isolates the AWS environment and returns a client for
// endpoint, as newClient does.
func newTestClient(t *testing.T, endpoint string, opts ClientOptions) *Client {
	t.Helper()
	isolateAWS(t)
	return newClient(t, endpoint, opts)
}

// newClient returns a Client for endpoint (empty = from the environment)
// with static credentials. Retries do not wait unless opts set a Backoff or
// a MaxBackoff (the SDK's own backoff capped at it).
func newClient(t *testing.T, endpoint string, opts ClientOptions) *Client {
	t.Helper()
	opts.Endpoint = endpoint
	if opts.Backoff == nil && opts.MaxBackoff == 0 {
		opts.Backoff = noWait
	}
	creds := credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")
	opts.ConfigOptions = append(opts.ConfigOptions, config.WithCredentialsProvider(creds))
	c, err := New(t.Context(), opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// exceptions maps an HTTP status to the exception and ErrorCode value the
// service pairs with it (reference §5.1).
var exceptions = map[int][2]string{
	400: {"BadRequestException", "BadRequest"},
	401: {"UnauthorizedClientException", "Unauthorized"},
	403: {"ForbiddenException", "Forbidden"},
	404: {"NotFoundException", "NotFound"},
	429: {"ThrottledClientException", "Throttled"},
	500: {"ServiceFailureException", "ServiceFailure"},
	503: {"ServiceUnavailableException", "ServiceUnavailable"},
}

// writeError answers in the wire format of reference §5.3.
func writeError(w http.ResponseWriter, status int) {
	e := exceptions[status]
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", e[0])
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"Code":%q,"Message":"injected %d"}`, e[1], status)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

var scopeRegion = regexp.MustCompile(`Credential=[^/]+/\d{8}/([^/]+)/chime/aws4_request`)

// flaky is a handler that answers the first len(fail) requests with those
// statuses (or resetConn), then delegates to ok. It counts requests and the regions they
// were signed for.
type flaky struct {
	mu      sync.Mutex
	fail    []int
	ok      http.HandlerFunc
	count   int
	regions map[string]int
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.count++
	if f.regions == nil {
		f.regions = map[string]int{}
	}
	if m := scopeRegion.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		f.regions[m[1]]++
	}
	var status int
	if len(f.fail) > 0 {
		status, f.fail = f.fail[0], f.fail[1:]
	}
	f.mu.Unlock()
	switch status {
	case 0:
		f.ok(w, r)
	case resetConn:
		hangUp(w)
	default:
		writeError(w, status)
	}
}

// resetConn, in flaky's fail, closes the connection without an answer.
const resetConn = -1

func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

func (f *flaky) requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.count
}

func (f *flaky) regionCounts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for k, v := range f.regions {
		out[k] = v
	}
	return out
}

func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// repeat returns n copies of status.
func repeat(status, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = status
	}
	return out
}

// answer returns a handler that always answers status with body.
func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// countingObserver is a fake Observer that counts events in a map keyed
// "kind region operation [code]".
type countingObserver struct {
	mu     sync.Mutex
	counts map[string]int
}

func (o *countingObserver) add(key string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.counts == nil {
		o.counts = map[string]int{}
	}
	o.counts[key]++
}

func (o *countingObserver) Request(region, op, code string, _ time.Duration) {
	o.add("request " + region + " " + op + " " + code)
}
func (o *countingObserver) Retry(region, op string)    { o.add("retry " + region + " " + op) }
func (o *countingObserver) Throttle(region, op string) { o.add("throttle " + region + " " + op) }

func (o *countingObserver) snapshot() map[string]int {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := map[string]int{}
	for k, v := range o.counts {
		out[k] = v
	}
	return out
}

var _ Observer = (*countingObserver)(nil)
