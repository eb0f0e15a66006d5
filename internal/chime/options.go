package chime

import (
	"errors"
	"log/slog"
	"math"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
)

// Defaults applied by New to zero Options fields.
const (
	DefaultMaxAttempts         = 10
	DefaultMaxThrottleAttempts = 25
	DefaultMaxBackoff          = 20 * time.Second
	DefaultTimeout             = 10 * time.Second
	DefaultCallTimeout         = 2 * time.Minute
)

// ClientOptions configure a Client. The zero value is usable: AWS settings come
// from the SDK's standard chain, there is no client-side rate limit, and
// a call gives up after DefaultMaxAttempts failed attempts or
// DefaultMaxThrottleAttempts throttled ones.
type ClientOptions struct {
	// Endpoint overrides the service endpoint (--endpoint). Empty means the
	// SDK's standard resolution, which honours AWS_ENDPOINT_URL_CHIME_SDK_VOICE,
	// AWS_ENDPOINT_URL and endpoint_url in the shared config.
	Endpoint string
	// Region is used when a call names no region. Empty means the region of
	// the AWS config (AWS_REGION, profile).
	Region string
	// APIRate is the client-side limit in requests per second per region,
	// shared by all callers and counting every attempt, retries included.
	// 0 means unlimited. It is not used when AdaptiveRate is set.
	APIRate float64
	// AdaptiveRate makes each region's limit adapt to the service's
	// throttling, between 0.5 requests/s and APIRateMax (see the package
	// documentation).
	AdaptiveRate bool
	// APIRateMax is the adaptive limit's ceiling in requests per second.
	// 0 means DefaultAPIRateMax.
	APIRateMax float64
	// APIBurst is the limiter's bucket size; values below 1 mean 1.
	APIBurst int
	// MaxAttempts per call that fail with an error other than a throttle
	// (5xx, timeout, connection error), the first included: the call gives
	// up when that many attempts failed so. 0 means DefaultMaxAttempts.
	// AWS_MAX_ATTEMPTS and AWS_RETRY_MODE are not used: the port's retryer
	// replaces the SDK's.
	MaxAttempts int
	// MaxThrottleAttempts per call that are throttled: the call gives up
	// when that many attempts were throttled. 0 means
	// DefaultMaxThrottleAttempts.
	MaxThrottleAttempts int
	// MaxBackoff caps the SDK's jittered exponential backoff. 0 means
	// DefaultMaxBackoff.
	MaxBackoff time.Duration
	// Timeout bounds one attempt: one HTTP exchange, excluding rate-limiter
	// waits and backoff. An attempt that times out is retried. 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// CallTimeout bounds one API request with all its attempts, limiter waits
	// and backoff (each page of ListConnectors is one request). 0 means
	// DefaultCallTimeout.
	CallTimeout time.Duration
	// Observer receives metrics events; nil means none.
	Observer Observer
	// Logger receives retry events at debug level; nil means none.
	Logger *slog.Logger

	// Backoff replaces the port's backoff (the SDK's: 50 ms base capped at
	// MaxBackoff; 1 s base for throttles, capped at 5 s). Tests use it to
	// retry without waiting.
	Backoff retry.BackoffDelayer
	// ConfigOptions are passed to config.LoadDefaultConfig, e.g.
	// config.WithCredentialsProvider in tests.
	ConfigOptions []func(*config.LoadOptions) error
	// ClientOptions are applied last to every regional SDK client.
	ClientOptions []func(*chimesdkvoice.Options)
}

func (o ClientOptions) withDefaults() ClientOptions {
	if o.MaxAttempts == 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.MaxThrottleAttempts == 0 {
		o.MaxThrottleAttempts = DefaultMaxThrottleAttempts
	}
	if o.APIRateMax == 0 {
		o.APIRateMax = DefaultAPIRateMax
	}
	if o.MaxBackoff == 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.CallTimeout == 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	if o.APIBurst < 1 {
		o.APIBurst = 1
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

func (o ClientOptions) validate() error {
	var errs []error
	if o.APIRate < 0 || o.APIRateMax < 0 || math.IsNaN(o.APIRate) || math.IsNaN(o.APIRateMax) {
		errs = append(errs, errors.New("api rates must not be negative"))
	}
	if o.MaxAttempts < 0 || o.MaxThrottleAttempts < 0 {
		errs = append(errs, errors.New("max attempts must not be negative"))
	}
	if o.MaxBackoff < 0 || o.Timeout < 0 || o.CallTimeout < 0 {
		errs = append(errs, errors.New("durations must not be negative"))
	}
	return errors.Join(errs...)
}
