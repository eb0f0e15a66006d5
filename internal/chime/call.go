package chime

import (
	"context"
	"errors"
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

// CallError is the error of one call of the port: what it was about, in
// which region, and why it failed. Its text is "<subject> in <region>:
// <cause>", for the operator; errors.As reaches the SDK's error through
// it. Canceled says the caller's context had ended when the call returned:
// the call was cut short (the daemon stopping, a term of leadership
// ending), and its error says nothing of the request.
type CallError struct {
	Subject, Region string
	Err             error
	Canceled        bool
}

func (e *CallError) Error() string {
	if e.Region == "" {
		return e.Subject + ": " + e.Err.Error()
	}
	return e.Subject + " in " + e.Region + ": " + e.Err.Error()
}

func (e *CallError) Unwrap() error { return e.Err }

// do runs one logical call: it resolves the region, reports the final outcome
// and total latency to the Observer once, and returns the error as a
// *CallError; a refusal of the credentials becomes a CredentialsError,
// which says so.
func (c *Client) do(ctx context.Context, region, op, subject string, fn func(context.Context, request) error) (err error) {
	start := time.Now()
	name, r, err := c.region(region)
	if err != nil {
		return &CallError{Subject: subject, Err: err}
	}
	defer func() {
		c.opts.Observer.Request(name, op, errorCode(err), time.Since(start))
		if IsCredentials(err) {
			if _, done := errors.AsType[*CredentialsError](err); !done {
				err = &CredentialsError{Err: err}
			}
		}
		if err != nil {
			err = &CallError{Subject: subject, Region: name, Err: err, Canceled: ctx.Err() != nil}
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
