package chime

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/aws/smithy-go/middleware"
)

// Operation names, as the SDK and the Observer know them.
const (
	opListConnectors    = "ListVoiceConnectors"
	opGetConnector      = "GetVoiceConnector"
	opGetOrigination    = "GetVoiceConnectorOrigination"
	opPutOrigination    = "PutVoiceConnectorOrigination"
	opDeleteOrigination = "DeleteVoiceConnectorOrigination"
	opGetEmergency      = "GetVoiceConnectorEmergencyCallingConfiguration"
)

// request is what an operation needs to make its SDK calls.
type request struct {
	region string
	api    *chimesdkvoice.Client
	// attempts is passed to every SDK call: it installs the per-attempt
	// middleware (rate limiter, attempt timeout, attempt budgets, retry and
	// throttle events).
	attempts func(*chimesdkvoice.Options)
}

// do runs one logical call: it resolves the region, reports the final outcome
// and total latency to the Observer once, and wraps the error as
// "<subject> in <region>: <cause>" for the operator; a refusal of the
// credentials becomes a CredentialsError, which says so.
func (c *Client) do(ctx context.Context, region, op, subject string, fn func(context.Context, request) error) (err error) {
	start := time.Now()
	name, r, err := c.region(region)
	if err != nil {
		return fmt.Errorf("%s: %w", subject, err)
	}
	defer func() {
		c.opts.Observer.Request(name, op, errorCode(err), time.Since(start))
		if IsCredentials(err) {
			if _, done := errors.AsType[*CredentialsError](err); !done {
				err = &CredentialsError{Err: err}
			}
		}
		if err != nil {
			err = fmt.Errorf("%s in %s: %w", subject, name, err)
		}
	}()
	return fn(ctx, request{region: name, api: r.api, attempts: c.attemptOption(name, op, r)})
}

// bounded gives one API request (with its retries) its CallTimeout.
func (c *Client) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.opts.CallTimeout)
}

func (c *Client) attemptOption(region, op string, r *regional) func(*chimesdkvoice.Options) {
	// The stack function runs once per SDK call, so every call (every page)
	// gets a fresh middleware with its own attempt counter.
	stackFn := func(s *middleware.Stack) error {
		m := &attemptMiddleware{
			region:       region,
			operation:    op,
			limiter:      r.limiter,
			retryer:      c.retryer,
			maxAttempts:  c.opts.MaxAttempts,
			maxThrottles: c.opts.MaxThrottleAttempts,
			timeout:      c.opts.Timeout,
			observer:     c.opts.Observer,
			logger:       c.opts.Logger,
		}
		return s.Finalize.Insert(m, "Retry", middleware.After)
	}
	return func(o *chimesdkvoice.Options) {
		o.APIOptions = append(o.APIOptions, stackFn)
	}
}
