package chime

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// newRetryer builds the SDK's standard retryer with the changes explained in
// the package documentation: refused credentials are never retried,
// ThrottledClientException is retried as a throttle, and there is no retry
// quota.
func newRetryer(o ClientOptions) *retry.Standard {
	return retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = o.MaxAttempts
		so.MaxBackoff = o.MaxBackoff
		so.RateLimiter = ratelimit.None
		throttled := retry.ThrottleErrorCode{Codes: map[string]struct{}{codeThrottled: {}}}
		// Checks are consulted in order and the first verdict wins: the
		// credentials check comes first, so that no later check (a status,
		// a code) can retry a refusal; the SDK's "canceled is never
		// retried" check must stay ahead of ours for throttles.
		so.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(refusedCredentials)}, so.Retryables...)
		so.Retryables = append(so.Retryables, retry.RetryableErrorCode(throttled))
		so.Throttles = append(so.Throttles, throttled)
		if o.Backoff != nil {
			so.Backoff = o.Backoff
		}
	})
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
