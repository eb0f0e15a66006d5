package chime

import (
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// maxThrottleBackoff caps the backoff before retrying a throttle: with the
// defaults, 25 throttled attempts then wait about a minute in all, within
// DefaultCallTimeout, rather than the four minutes that MaxBackoff would
// allow. The rate limiter, which every retry waits for too, does the
// rest of the spacing.
const maxThrottleBackoff = 5 * time.Second

// newRetryer builds the SDK's standard retryer with the changes explained in
// the package documentation: refused credentials are never retried,
// ThrottledClientException is retried as a throttle, so is every 5xx, a
// call ends when its
// attempt middleware says that a budget is spent, throttles back off for
// at most maxThrottleBackoff, and there is no retry quota.
func newRetryer(o ClientOptions) *retry.Standard {
	throttled := retry.ThrottleErrorCode{Codes: map[string]struct{}{codeThrottled: {}}}
	sdkOptions := func(so *retry.StandardOptions) {
		so.MaxBackoff = o.MaxBackoff
		so.RateLimiter = ratelimit.None
		so.Throttles = append(so.Throttles, throttled)
	}
	return retry.NewStandard(sdkOptions, func(so *retry.StandardOptions) {
		// The budgets of the attempt middleware end a call first; this
		// is the most both allow together.
		so.MaxAttempts = o.MaxAttempts + o.MaxThrottleAttempts - 1
		// Checks are consulted in order and the first verdict wins: the
		// budget and credentials checks come first, so that no later
		// check (a status, a code) can retry a spent budget or a
		// refusal; the SDK's "canceled is never retried" check must stay
		// ahead of ours for throttles.
		first := []retry.IsErrorRetryable{retry.IsErrorRetryableFunc(budgetSpent), retry.IsErrorRetryableFunc(refusedCredentials)}
		so.Retryables = append(first, so.Retryables...)
		so.Retryables = append(so.Retryables, retry.RetryableErrorCode(throttled), retry.IsErrorRetryableFunc(serverFault))
		so.Backoff = o.Backoff
		if so.Backoff == nil {
			so.Backoff = newBackoff(sdkOptions, min(o.MaxBackoff, maxThrottleBackoff))
		}
	})
}

// newBackoff returns the SDK's backoff (jittered exponential, 50 ms base or
// 1 s for a throttle, capped at MaxBackoff) but for throttles, which it caps
// at throttleCap. The SDK's backoff is reached through a standard
// retryer's RetryDelay: its constructor is not exported.
func newBackoff(sdkOptions func(*retry.StandardOptions), throttleCap time.Duration) retry.BackoffDelayer {
	others := retry.NewStandard(sdkOptions)
	throttles := retry.NewStandard(sdkOptions, func(so *retry.StandardOptions) { so.MaxBackoff = throttleCap })
	return retry.BackoffDelayerFunc(func(attempt int, err error) (time.Duration, error) {
		if isThrottle(err) {
			return throttles.RetryDelay(attempt, err)
		}
		return others.RetryDelay(attempt, err)
	})
}

// budgetSpent says "do not retry" for the *retry.MaxAttemptsError with
// which the attempt middleware ends a call whose budget of throttled or of
// other failed attempts is spent.
func budgetSpent(err error) aws.Ternary {
	if _, ok := errors.AsType[*retry.MaxAttemptsError](err); ok {
		return aws.FalseTernary
	}
	return aws.UnknownTernary
}

// serverFault says "retry" for every 5xx (IsTransient's), where the SDK
// retries 500, 502, 503 and 504 only.
func serverFault(err error) aws.Ternary {
	if isServerFault(err) {
		return aws.TrueTernary
	}
	return aws.UnknownTernary
}

// refusedCredentials says "do not retry" for a refusal of the credentials
// (IsCredentials): the same credentials are refused again. The one
// exception is the SDK's clock skew correction, which it marks by making
// the error retryable: when the refusal's Date header shows this host's
// clock more than four minutes off, one more attempt is signed with the
// corrected time, a request that differs from the refused one.
func refusedCredentials(err error) aws.Ternary {
	if !IsCredentials(err) {
		return aws.UnknownTernary
	}
	if skew, ok := errors.AsType[interface {
		error
		RetryableError() bool
	}](err); ok && skew.RetryableError() {
		return aws.UnknownTernary
	}
	return aws.FalseTernary
}
