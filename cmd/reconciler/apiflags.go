package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"math"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/reconcile"
)

// apiFlags are the flags of every command that calls the Chime SDK Voice API.
type apiFlags struct {
	endpoint            string
	apiRate             apiRate
	apiRateMax          float64
	apiBurst            int
	maxAttempts         int
	maxThrottleAttempts int
	concurrency         int

	// configOptions are given to the SDK's configuration loader; the demo
	// sets static credentials for its embedded simulator.
	configOptions []func(*config.LoadOptions) error
}

// apiRate is --api-rate: requests/s, 0 for no limit, or rateAuto.
type apiRate float64

// rateAuto is --api-rate auto: the client finds the rate from the service's
// throttling. It is negative, a value no number given can take.
const rateAuto apiRate = -1

func (r *apiRate) Set(s string) error {
	if s == "auto" {
		*r = rateAuto
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
		return errors.New("want auto or a number of requests/s")
	case v < 0:
		return errors.New("must not be negative")
	}
	*r = apiRate(v)
	return nil
}

func (r *apiRate) String() string {
	if *r == rateAuto {
		return "auto"
	}
	return strconv.FormatFloat(float64(*r), 'g', -1, 64)
}

func (a *apiFlags) register(fs *flag.FlagSet) {
	a.apiRate = rateAuto
	fs.StringVar(&a.endpoint, "endpoint", "", "Chime SDK Voice API `URL` (default: the SDK's, honouring AWS_ENDPOINT_URL_CHIME_SDK_VOICE and AWS_ENDPOINT_URL)")
	fs.Var(&a.apiRate, "api-rate", "client-side API `rate` per region, retries included: auto (start at 5 requests/s, grow while calls succeed, "+
		"cut on each throttle, never above --api-rate-max) or a fixed number of requests/s (0 for no limit)")
	fs.Float64Var(&a.apiRateMax, "api-rate-max", chime.DefaultAPIRateMax, "the highest `requests/s` per region of --api-rate auto")
	fs.IntVar(&a.apiBurst, "api-burst", 5, "client-side API burst per region")
	fs.IntVar(&a.maxAttempts, "max-attempts", chime.DefaultMaxAttempts, "attempts per API call that may fail with a 5xx, a timeout or a connection error "+
		"before the call gives up; throttled attempts count against --max-throttle-attempts")
	fs.IntVar(&a.maxThrottleAttempts, "max-throttle-attempts", chime.DefaultMaxThrottleAttempts, "attempts per API call that may be throttled before the call gives up")
	fs.IntVar(&a.concurrency, "concurrency", reconcile.DefaultConcurrency, "connectors read or written at once")
}

func (a *apiFlags) check() error {
	switch {
	case !(a.apiRateMax > 0) || math.IsInf(a.apiRateMax, 0):
		return errors.New("--api-rate-max must be a number above 0")
	case a.apiBurst < 1:
		return errors.New("--api-burst must be at least 1")
	case a.maxAttempts < 1:
		return errors.New("--max-attempts must be at least 1")
	case a.maxThrottleAttempts < 1:
		return errors.New("--max-throttle-attempts must be at least 1")
	case a.concurrency < 1:
		return errors.New("--concurrency must be at least 1")
	}
	return nil
}

// client returns the Chime port, configured from the SDK's standard chain
// and the flags. region is the default region ("" = the AWS config's).
func (a *apiFlags) client(ctx context.Context, region string, log *slog.Logger, obs chime.Observer) (*chime.Client, error) {
	return chime.New(ctx, a.options(region, log, obs))
}

func (a *apiFlags) options(region string, log *slog.Logger, obs chime.Observer) chime.ClientOptions {
	o := chime.ClientOptions{
		Endpoint: a.endpoint, Region: region, APIRateMax: a.apiRateMax, APIBurst: a.apiBurst,
		MaxAttempts: a.maxAttempts, MaxThrottleAttempts: a.maxThrottleAttempts, MaxBackoff: 20 * time.Second,
		Observer: obs, Logger: log, ConfigOptions: a.configOptions,
	}
	if a.apiRate == rateAuto {
		o.AdaptiveRate = true
	} else {
		o.APIRate = float64(a.apiRate)
	}
	return o
}
