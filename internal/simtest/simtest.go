// Package simtest starts the Chime SDK Voice simulator on loopback for tests
// and benchmarks, and gives them real aws-sdk-go-v2 clients for it, so that
// tests above the Chime port exercise the same wire protocol as production.
//
// It is internal to the reconciler's tests and has no compatibility promise.
package simtest

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/origination"
)

// World is a simulator served on 127.0.0.1.
type World struct {
	Sim *sim.Service
	URL string
}

// Start serves a simulator with opts until the test ends.
func Start(tb testing.TB, opts sim.Config) *World {
	tb.Helper()
	s, err := sim.New(opts)
	if err != nil {
		tb.Fatalf("start simulator: %v", err)
	}
	srv := httptest.NewServer(s)
	tb.Cleanup(srv.Close)
	return &World{Sim: s, URL: srv.URL}
}

// Isolate points the SDK's configuration chain at static test credentials
// only, so that tests never read the developer's files or the network.
func Isolate(tb testing.TB) {
	tb.Helper()
	dir := tb.TempDir()
	for _, name := range []string{"config", "credentials"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-east-1",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": "", "AWS_DEFAULT_REGION": "", "AWS_ENDPOINT_URL": "",
		"AWS_ENDPOINT_URL_CHIME_SDK_VOICE": "", "AWS_SESSION_TOKEN": "", "AWS_RETRY_MODE": "", "AWS_MAX_ATTEMPTS": "",
		// No SIP OPTIONS to the example hosts of the specs: the preflight
		// tests turn it on with --preflight.
		"RECONCILER_PREFLIGHT": "off",
	} {
		tb.Setenv(k, v)
	}
}

// NoWait retries at once, for tests that must not sleep through backoff.
var NoWait = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })

// Client returns a real Chime port client for the world, with static
// credentials and region us-east-1. Options left zero keep their defaults.
func (w *World) Client(tb testing.TB, opts chime.ClientOptions) *chime.Client {
	tb.Helper()
	opts.Endpoint = w.URL
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	creds := credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")
	opts.ConfigOptions = append(opts.ConfigOptions, config.WithCredentialsProvider(creds), config.WithRegion(opts.Region))
	c, err := chime.New(tb.Context(), opts)
	if err != nil {
		tb.Fatalf("new chime client: %v", err)
	}
	return c
}

// Connectors creates n connectors named prefix-0000... in region.
func (w *World) Connectors(tb testing.TB, region, prefix string, n int) []sim.StoredConnector {
	tb.Helper()
	out := make([]sim.StoredConnector, n)
	for i := range out {
		c, err := w.Sim.CreateConnector(fmt.Sprintf("%s-%04d", prefix, i), region, false)
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = c
	}
	return out
}

// Origination returns the simulator's origination of id, failing the test
// on an unknown id.
func (w *World) Origination(tb testing.TB, id string) *origination.Origination {
	tb.Helper()
	o, err := w.Sim.Origination(id)
	if err != nil {
		tb.Fatal(err)
	}
	return o
}
