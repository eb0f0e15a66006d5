package main

import (
	"context"
	"flag"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/reconcile"
)

// apiFlags are the flags of every command that calls the Chime SDK Voice API.
type apiFlags struct {
	endpoint    string
	apiRate     float64
	apiBurst    int
	maxAttempts int
	concurrency int

	// configOptions are given to the SDK's configuration loader; the demo
	// sets static credentials for its embedded simulator.
	configOptions []func(*config.LoadOptions) error
}

func (a *apiFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&a.endpoint, "endpoint", "", "Chime SDK Voice API `URL` (default: the SDK's, honouring AWS_ENDPOINT_URL_CHIME_SDK_VOICE and AWS_ENDPOINT_URL)")
	fs.Float64Var(&a.apiRate, "api-rate", 20, "client-side API `requests/s` per region, retries included; 0 for no limit")
	fs.IntVar(&a.apiBurst, "api-burst", 5, "client-side API burst per region")
	fs.IntVar(&a.maxAttempts, "max-attempts", chime.DefaultMaxAttempts, "attempts per API call, retries of throttling and 5xx included")
	fs.IntVar(&a.concurrency, "concurrency", reconcile.DefaultConcurrency, "connectors read or written at once")
}

func (a *apiFlags) check() string {
	switch {
	case a.apiRate < 0:
		return "--api-rate must not be negative"
	case a.apiBurst < 1:
		return "--api-burst must be at least 1"
	case a.maxAttempts < 1:
		return "--max-attempts must be at least 1"
	case a.concurrency < 1:
		return "--concurrency must be at least 1"
	}
	return ""
}

// client returns the Chime port, configured from the SDK's standard chain
// and the flags. region is the default region ("" = the AWS config's).
func (a *apiFlags) client(ctx context.Context, region string, log *slog.Logger, obs chime.Observer) (*chime.Client, error) {
	return chime.New(ctx, chime.ClientOptions{
		Endpoint: a.endpoint, Region: region, APIRate: a.apiRate, APIBurst: a.apiBurst,
		MaxAttempts: a.maxAttempts, MaxBackoff: 20 * time.Second, Observer: obs, Logger: log,
		ConfigOptions: a.configOptions,
	})
}
